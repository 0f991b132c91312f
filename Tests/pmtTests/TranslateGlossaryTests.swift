import Foundation
import XCTest

/// `pmt translate --glossary` on the real binary, the fixture model (random weights: a term
/// appears only when forced) and a real SQLite store made by `pmt glossary import`.
final class TranslateGlossaryTests: XCTestCase {
    private var directory: URL!
    private var db: String { directory.appendingPathComponent("terms.db").path }
    private let model = PmtProcess.packageRoot.appendingPathComponent("Models/random-tiny-en-ko").path
    private let floresTerms = PmtProcess.packageRoot.appendingPathComponent("Tests/Fixtures/glossary/flores-eng-terms.en-ko.tsv").path

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-translate-glossary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try run(["glossary", "init", "--db", db])
        try run(["glossary", "import", floresTerms, "--db", db])
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func run(_ arguments: [String], stdin: String = "", status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> PmtResult {
        let result = try PmtProcess.run(arguments, stdin: stdin)
        XCTAssertEqual(result.status, status, "\(arguments.prefix(2)): \(result.stderr)", file: file, line: line)
        return result
    }

    func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Non-overlapping occurrences of `needle` in `tokens`.
    func occurrences(_ needle: [String], in tokens: [String]) -> Int {
        var count = 0, k = 0
        while k + needle.count <= tokens.count {
            if Array(tokens[k..<(k + needle.count)]) == needle { count += 1; k += needle.count } else { k += 1 }
        }
        return count
    }

    /// The issue's bar: every applicable term of the 63-term FLORES glossary is used in every
    /// FLORES eng devtest line (all 1012) where its constraints fit within the maximum length,
    /// checked on the output's own pieces; the rate without the glossary is printed beside.
    func testEveryApplicableTermIsUsedOnTheFloresDevtest() throws {
        let corpus = PmtProcess.packageRoot.appendingPathComponent("../shared/corpora/flores200-devtest/eng.devtest").standardized
        guard let text = try? String(contentsOf: corpus, encoding: .utf8) else { throw XCTSkip("shared corpus missing: \(corpus.path)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(lines.count, 1012)
        let maxLength = 200
        let common = ["translate", corpus.path, "--model", model, "--beam-size", "4", "--max-length", String(maxLength),
                      "--output-format", "jsonl", "--threads", "1"]
        let started = Date()
        let forced = try objects(run(common + ["--glossary", db]).stdout)
        let forcedSeconds = Date().timeIntervalSince(started)
        let plain = try objects(run(common + ["--glossary", db, "--no-glossary"]).stdout)
        let plainSeconds = Date().timeIntervalSince(started) - forcedSeconds
        XCTAssertEqual(forced.count, lines.count)
        XCTAssertEqual(plain.count, lines.count)

        // Every target's pieces, from the tokenizer (the way a term is forced: a separate word).
        let targets = Array(Set(forced.flatMap { ($0["terms"] as? [[String: Any]] ?? []).compactMap { $0["target"] as? String } })).sorted()
        let cut = try run(["tokenize", "--spm", model + "/target.spm"], stdin: targets.joined(separator: "\n") + "\n").stdout
        let pieces = Dictionary(uniqueKeysWithValues: zip(targets, cut.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }))

        var occurrencesFound = 0, fitting = 0, used = 0, usedWithout = 0, linesWithTerms = 0
        var distinct = Set<String>()
        for (k, (f, p)) in zip(forced, plain).enumerated() {
            XCTAssertNil(p["terms"], "--no-glossary lists no terms")
            let terms = try XCTUnwrap(f["terms"] as? [[String: Any]], "line \(k + 1)")
            guard !terms.isEmpty else { continue }
            linesWithTerms += 1
            var required: [String: Int] = [:]
            for term in terms {
                let source = try XCTUnwrap(term["source"] as? String), target = try XCTUnwrap(term["target"] as? String)
                XCTAssertTrue(lines[k].range(of: source, options: .caseInsensitive) != nil, "line \(k + 1): '\(source)' is not in the line")
                distinct.insert(target)
                required[target, default: 0] += 1
            }
            occurrencesFound += terms.count
            let tokens = try XCTUnwrap(f["tokens"] as? [String]), output = try XCTUnwrap(f["text"] as? String)
            let plainText = try XCTUnwrap(p["text"] as? String)
            let fits = required.reduce(0) { $0 + pieces[$1.key]!.count * $1.value } <= maxLength
            for (target, count) in required {
                let have = occurrences(pieces[target]!, in: tokens)
                let flags = terms.filter { $0["target"] as? String == target }.map { $0["applied"] as? Bool }
                XCTAssertEqual(flags, flags.indices.map { $0 < have }, "line \(k + 1): 'applied' of \(target)")
                if fits {
                    fitting += count
                    XCTAssertGreaterThanOrEqual(have, count, "line \(k + 1): \(target) ×\(count) in \(tokens)")
                    XCTAssertGreaterThanOrEqual(output.components(separatedBy: target).count - 1, count, "line \(k + 1): \(target) in \(output)")
                    used += min(have, count)
                }
                usedWithout += min(plainText.components(separatedBy: target).count - 1, count)
            }
        }
        let rate = Double(used) / Double(max(fitting, 1)), rateWithout = Double(usedWithout) / Double(max(occurrencesFound, 1))
        print(String(format: "FLORES eng devtest, %d lines, beam 4: %d term occurrences (%d distinct terms) in %d lines, %d fit within %d tokens; used with the glossary %d/%d (%.1f%%), without %d/%d (%.1f%%); %.1f s with, %.1f s without",
                     lines.count, occurrencesFound, distinct.count, linesWithTerms, fitting, maxLength, used, fitting, 100 * rate,
                     usedWithout, occurrencesFound, 100 * rateWithout, forcedSeconds, plainSeconds))
        XCTAssertGreaterThanOrEqual(distinct.count, 50, "the glossary must have at least 50 terms that occur in the devtest")
        XCTAssertGreaterThanOrEqual(occurrencesFound, 400)
        XCTAssertEqual(fitting, occurrencesFound, "every constraint fits within \(maxLength) tokens")
        XCTAssertEqual(rate, 1)
        XCTAssertLessThan(rateWithout, 0.2, "the random model must not write the terms by itself")
    }

    func testJSONLinesListTheTermsAndTheirUse() throws {
        let input = "The government built a hospital near the river.\nNothing to see.\n\nThe river, the river and the government.\n"
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let raw = try run(["translate", "--model", model, "--glossary", db, "--output-format", "jsonl"], stdin: input).stdout
        XCTAssertTrue(raw.hasPrefix("{\"score\":"), raw)
        XCTAssertTrue(raw.contains("\"terms\":[{\"applied\":true,\"source\":\"government\",\"target\":\"정부\"},"), raw)
        let out = try objects(raw)
        XCTAssertEqual(out.count, 4)
        func terms(_ k: Int) -> [String] {
            (out[k]["terms"] as? [[String: Any]] ?? [["missing": true]]).map { "\($0["source"] ?? "-") \($0["target"] ?? "-") \($0["applied"] as? Bool ?? false)" }
        }
        XCTAssertEqual(terms(0), ["government 정부 true", "hospital 병원 true", "river 강 true"])
        XCTAssertEqual(terms(1), [])
        XCTAssertEqual(terms(2), [])
        XCTAssertEqual(terms(3), ["river 강 true", "river 강 true", "government 정부 true"])
        let first = try XCTUnwrap(out[0]["text"] as? String), last = try XCTUnwrap(out[3]["text"] as? String)
        for term in ["정부", "병원", "강"] { XCTAssertTrue(first.contains(term), first) }
        XCTAssertGreaterThanOrEqual(last.components(separatedBy: "강").count - 1, 2, last)
        XCTAssertEqual(out[2]["text"] as? String, "")
        // The store is only read.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)

        // Text output: the same texts, one line per input line.
        let text = try run(["translate", "--model", model, "--glossary", db], stdin: input).stdout
        XCTAssertEqual(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), out.map { $0["text"] as? String ?? "?" } + [""])
        // --no-glossary: the plain translation, no terms.
        let plain = try objects(run(["translate", "--model", model, "--glossary", db, "--no-glossary", "--output-format", "jsonl"], stdin: input).stdout)
        XCTAssertTrue(plain.allSatisfy { $0["terms"] == nil })
        XCTAssertFalse((plain[0]["text"] as? String ?? "").contains("병원"))
        // A domain no entry has still applies the unscoped entries.
        let scoped = try objects(run(["translate", "--model", model, "--glossary", db, "--domain", "H01L", "--output-format", "jsonl"], stdin: input).stdout)
        XCTAssertEqual((scoped[0]["terms"] as? [Any])?.count, 3)
        // Another language pair finds no terms.
        let other = try objects(run(["translate", "--model", model, "--glossary", db, "--target-lang", "ja", "--output-format", "jsonl"], stdin: input).stdout)
        XCTAssertEqual((other[0]["terms"] as? [Any])?.count, 0)
    }

    /// Terms that do not fit within --max-length: the translation ends unconstrained, says
    /// which terms it could not apply, and still exits 0.
    func testTermsThatDoNotFitAreReported() throws {
        // 정부, 병원 and ▁ 강: 4 pieces, 2 allowed.
        let result = try run(["translate", "--model", model, "--glossary", db, "--max-length", "2", "--output-format", "jsonl"],
                             stdin: "The government built a hospital near the river.\n")
        let out = try objects(result.stdout)
        let tokens = try XCTUnwrap(out.first?["tokens"] as? [String])
        XCTAssertLessThanOrEqual(tokens.count, 3, "2 and </s>, or 3 cut at the limit (CTranslate2's max_decoding_length)")
        let applied = (out[0]["terms"] as? [[String: Any]] ?? []).map { $0["applied"] as? Bool }
        XCTAssertEqual(applied.count, 3)
        XCTAssertTrue(applied.contains(false), "\(applied)")
        XCTAssertTrue(result.stderr.contains("pmt: warning: translate: line 1: terms not applied"), result.stderr)
    }

    func testGlossaryMisuse() throws {
        let missing = directory.appendingPathComponent("none.db").path
        let noStore = try run(["translate", "--model", model, "--glossary", missing], stdin: "a river\n", status: 1)
        XCTAssertTrue(noStore.stderr.hasPrefix("pmt: error: translate: \(missing): no glossary store there"), noStore.stderr)
        XCTAssertEqual(noStore.stdout, "")
        let greedy = try run(["translate", "--model", model, "--glossary", db, "--beam-size", "1"], stdin: "a river\n", status: 2)
        XCTAssertTrue(greedy.stderr.contains("--glossary needs --beam-size 2 or more"), greedy.stderr)
        let domain = try run(["translate", "--model", model, "--domain", "H01L"], stdin: "a river\n", status: 2)
        XCTAssertTrue(domain.stderr.contains("--domain needs --glossary DB"), domain.stderr)
        let language = try run(["translate", "--model", model, "--glossary", db, "--source-lang", "english"], stdin: "a river\n", status: 2)
        XCTAssertTrue(language.stderr.contains("--source-lang 'english' is not a language code"), language.stderr)
        // Greedy is fine without the glossary.
        try run(["translate", "--model", model, "--glossary", db, "--no-glossary", "--beam-size", "1"], stdin: "a river\n")
    }
}
