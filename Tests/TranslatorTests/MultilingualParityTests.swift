import Foundation
import XCTest
import Transformer
@testable import Translator

/// M2M-100 / NLLB against their references (Scripts/make-nllb-fixtures): random
/// M2M100ForConditionalGeneration folders written by transformers, run by CTranslate2 after
/// its own Transformers converter, on the FLORES jpn, cmn_Hans, deu and eng devtest files
/// with the source `[src_lang] pieces </s>` and the target prefix `[kor_Hang]` (`[__ko__]`).
/// The bar of CTranslate2ParityTests: greedy identical for every sentence; beam 4 identical for
/// at least 99.5%, every difference a score tie within 1e-5; every score within 1e-4. The
/// source ids come from our own tokenization of the text (checked against the Hugging Face
/// tokenizer's golden ids below), so the whole path from text to tokens is compared.
final class MultilingualParityTests: XCTestCase {
    static let fixtures = CTranslate2ParityTests.fixtures
    static let corpus = fixtures.appendingPathComponent("../../../shared/corpora/flores200-devtest").standardized
    static let languages = ["eng": ("eng_Latn", "en"), "jpn": ("jpn_Jpan", "ja"), "cmn_Hans": ("zho_Hans", "zh"),
                            "deu": ("deu_Latn", "de"), "kor": ("kor_Hang", "ko")]

    static func flores(_ file: String) throws -> [String] {
        let url = corpus.appendingPathComponent("\(file).devtest")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("\(url.path) is missing (../shared)") }
        var text = try String(contentsOf: url, encoding: .utf8)
        if text.hasSuffix("\n") { text.removeLast() }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func code(_ variant: String, _ file: String) -> String {
        let pair = Self.languages[file]!
        return variant.hasPrefix("nllb") ? pair.0 : pair.1
    }

    func translator(_ variant: String) throws -> Translator {
        try Translator(modelDirectory: Self.fixtures.appendingPathComponent("models/\(variant)"))
    }

    func options(_ translator: Translator, beam: Int, source: String) -> TranslationOptions {
        var options = translator.defaultOptions
        options.search.beamSize = beam
        options.search.hypotheses = beam
        options.search.maxDecodingLength = 64
        options.search.lengthPenalty = 1
        options.threads = 1
        options.sourceLanguage = source
        return options
    }

    func relative(_ a: Float, _ b: Float) -> Float { abs(a - b) / max(abs(b), .leastNormalMagnitude) }

    func check(_ variant: String, _ translator: Translator, file: String) throws {
        let greedy = try CTranslate2ParityTests.references("\(variant).\(file)", "greedy")
        let beam = try CTranslate2ParityTests.references("\(variant).\(file)", "beam4")
        let lines = Array(try Self.flores(file).prefix(greedy.count))
        XCTAssertGreaterThanOrEqual(greedy.count, 100)
        XCTAssertEqual(beam.count, greedy.count)
        let source = code(variant, file)

        let got = try translator.translate(lines, options: options(translator, beam: 1, source: source))
        var identical = 0, worst: Float = 0
        for (k, (reference, result)) in zip(greedy, got).enumerated() {
            let best = try XCTUnwrap(result.best)
            guard best.tokens == reference.hypotheses[0].tokens else {
                XCTFail("\(variant) \(file) greedy line \(k): \(best.tokens.joined(separator: " ")) ≠ \(reference.hypotheses[0].tokens.joined(separator: " ")) (margin \(reference.margin ?? .nan))")
                continue
            }
            identical += 1
            worst = max(worst, relative(best.score, reference.hypotheses[0].score))
        }
        XCTAssertEqual(identical, greedy.count, "\(variant) \(file): greedy identical on \(identical) of \(greedy.count)")
        XCTAssertLessThanOrEqual(worst, 1e-4, "\(variant) \(file) greedy: largest relative score difference")

        let beamGot = try translator.translate(lines, options: options(translator, beam: 4, source: source))
        var differences = 0, beamWorst: Float = 0
        for (k, (reference, result)) in zip(beam, beamGot).enumerated() {
            XCTAssertEqual(result.hypotheses.count, reference.hypotheses.count)
            if !zip(result.hypotheses, reference.hypotheses).allSatisfy({ $0.tokens == $1.tokens }) {
                differences += 1
                let tie = zip(result.hypotheses, reference.hypotheses).allSatisfy { relative($0.score, $1.score) <= 1e-5 }
                XCTAssertTrue(tie, "\(variant) \(file) beam line \(k) differs and is not a score tie within 1e-5: \(result.hypotheses.map(\.score)) vs \(reference.hypotheses.map(\.score))")
                continue
            }
            for (h, r) in zip(result.hypotheses, reference.hypotheses) { beamWorst = max(beamWorst, relative(h.score, r.score)) }
        }
        XCTAssertLessThanOrEqual(Double(differences), Double(beam.count) * 0.005, "\(variant) \(file): beam 4 differs on \(differences) of \(beam.count)")
        XCTAssertLessThanOrEqual(beamWorst, 1e-4, "\(variant) \(file) beam 4: largest relative score difference")
        print("\(variant) \(file): greedy identical \(identical)/\(greedy.count) (max score rel. diff \(worst)); beam 4 identical \(beam.count - differences)/\(beam.count) (max \(beamWorst))")
    }

    func testNLLBParity() throws {
        let translator = try translator("nllb-tiny")
        for file in ["jpn", "cmn_Hans", "deu", "eng"] { try check("nllb-tiny", translator, file: file) }
    }

    func testM2M100ShardedParity() throws {
        let translator = try translator("m2m100-tiny")
        for file in ["jpn", "cmn_Hans", "deu", "eng"] { try check("m2m100-tiny", translator, file: file) }
    }

    // MARK: Golden ids

    /// FNV-1a 64 of the ids joined by single spaces (as Scripts/fixtures/nllb_fixtures.py).
    static func digest(_ ids: [Int]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in ids.map(String.init).joined(separator: " ").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(12))
    }

    func checkGoldenIDs(_ variant: String) throws {
        let translator = try translator(variant)
        let url = Self.fixtures.appendingPathComponent("reference/\(variant).golden-ids.tsv")
        var files: [String: [String]] = [:]
        var checked = 0, agreed = 0, full = 0
        for row in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") where !row.hasPrefix("#") {
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let file = columns[0], index = Int(columns[1])!
            if files[file] == nil { files[file] = try Self.flores(file) }
            let ids = try translator.sourceIDs(files[file]![index], sourceLanguage: code(variant, file))
            checked += 1
            if columns.count > 3 {
                full += 1
                XCTAssertEqual(ids.map(String.init).joined(separator: " "), columns[3], "\(variant) \(file) line \(index)")
            }
            if Self.digest(ids) == columns[2] { agreed += 1 } else { XCTFail("\(variant) \(file) line \(index): ids differ from the Hugging Face tokenizer's: \(ids)") }
        }
        XCTAssertEqual(checked, 5 * 1012)
        XCTAssertGreaterThan(full, 0)
        print("\(variant): tokenizer ids identical to the Hugging Face tokenizer's on \(agreed) of \(checked) lines (\(full) compared in full)")
    }

    func testNLLBTokenizerGoldenIDs() throws { try checkGoldenIDs("nllb-tiny") }
    func testM2M100TokenizerGoldenIDs() throws { try checkGoldenIDs("m2m100-tiny") }

    // MARK: Languages and output

    func testLanguageCodesAndOutput() throws {
        let nllb = try translator("nllb-tiny")
        let table = try XCTUnwrap(nllb.multilingual)
        XCTAssertEqual(table.family, .nllb)
        // tokenizer.json says: <mask> at 4001 (transformers 5 puts it right after the pieces), then the codes.
        XCTAssertEqual(table.languages.map(\.code), ["eng_Latn", "jpn_Jpan", "zho_Hans", "deu_Latn", "kor_Hang"])
        XCTAssertEqual(table.languages.map(\.id), [4002, 4003, 4004, 4005, 4006])
        XCTAssertEqual(try nllb.sourceIDs("テスト", sourceLanguage: "ja"), try nllb.sourceIDs("テスト", sourceLanguage: "jpn_Jpan"))
        XCTAssertThrowsError(try nllb.sourceIDs("x", sourceLanguage: "fra_Latn")) { error in
            XCTAssertTrue("\(error)".contains("'fra_Latn' is not one of the model's language codes"), "\(error)")
        }
        XCTAssertThrowsError(try nllb.translate(["Hello."], options: nllb.defaultOptions)) { error in
            XCTAssertEqual(error as? TranslatorError, .missingSourceLanguage(model: Self.fixtures.appendingPathComponent("models/nllb-tiny").path))
        }
        var options = options(nllb, beam: 1, source: "deu_Latn")
        let korean = try nllb.translate(["Ein Satz."], options: options)[0].best!
        options.targetLanguage = "kor_Hang"
        XCTAssertEqual(try nllb.translate(["Ein Satz."], options: options)[0].best, korean, "Korean is the default target")
        XCTAssertFalse(korean.tokens.contains("kor_Hang"), "the forced language token is not part of the output")
        options.targetLanguage = "jpn_Jpan"
        XCTAssertNotEqual(try nllb.translate(["Ein Satz."], options: options)[0].best?.tokens, korean.tokens, "the forced token steers the decoder")

        let m2m = try translator("m2m100-tiny")
        let m2mTable = try XCTUnwrap(m2m.multilingual)
        XCTAssertEqual(m2mTable.family, .m2m100)
        XCTAssertEqual(m2mTable.languages.count, 100)
        XCTAssertEqual(m2mTable.language("ko")?.token, "__ko__")
        XCTAssertEqual(m2mTable.language("ko")?.id, 4001 + m2mTable.languages.firstIndex { $0.code == "ko" }!)
        XCTAssertEqual(try m2m.sourceIDs("Satz", sourceLanguage: "deu_Latn").first, m2mTable.language("de")?.id)
    }

    func testFairseqPositionsMatchTheFormula() {
        // Rows from the padding id + 1 = 2; half = 4, f_i = exp(-i ln(10000)/3).
        let table = EncoderDecoderModel.fairseqPositions(count: 3, dimension: 8, firstRow: 2)
        for (row, p) in [(0, 2.0), (2, 4.0)] {
            for i in 0..<4 {
                let f = exp(-Double(i) * log(10000) / 3)
                XCTAssertEqual(Double(table.storage[row * 8 + i]), sin(p * f), accuracy: 1e-6)
                XCTAssertEqual(Double(table.storage[row * 8 + 4 + i]), cos(p * f), accuracy: 1e-6)
            }
        }
    }
}
