import Foundation
import XCTest

/// `pmt translate` on text with the committed random-weight fixture, checked against
/// CTranslate2's greedy references for the same model (Tests/Fixtures/reference).
final class TranslateCommandTests: XCTestCase {
    let model = PmtProcess.packageRoot.appendingPathComponent("Models/random-tiny-en-ko").path

    func testGreedyTextMatchesCTranslate2() throws {
        let corpus = PmtProcess.packageRoot.appendingPathComponent("../shared/corpora/flores200-devtest/eng.devtest").standardized
        guard let text = try? String(contentsOf: corpus, encoding: .utf8) else { throw XCTSkip("\(corpus.path) is missing") }
        let lines = text.split(separator: "\n").prefix(20).map(String.init)
        let references = try String(contentsOf: PmtProcess.packageRoot.appendingPathComponent("Tests/Fixtures/reference/joint-tied-postnorm-relu.greedy.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(20).map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        // The references used CTranslate2's max_decoding_length 64, which counts </s>: N = 63.
        let run = try PmtProcess.run(["translate", "--model", model, "--beam-size", "1", "--max-length", "63", "--output-format", "jsonl"],
                                     stdin: lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(run.status, 0, run.stderr)
        let outputs = run.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(outputs.count, 20)
        for (k, (output, reference)) in zip(outputs, references).enumerated() {
            let tokens = (output?["tokens"] as? [String])?.joined(separator: " ")
            XCTAssertEqual(tokens, reference["tokens"] as? String, "line \(k + 1)")
            let score = output?["score"] as? Double ?? .nan, want = reference["score"] as? Double ?? .nan
            XCTAssertEqual(score, want, accuracy: 1e-4 * abs(want), "line \(k + 1)")
        }
    }

    func testEmptyLinesAndNBest() throws {
        let run = try PmtProcess.run(["translate", "--model", model, "--beam-size", "4", "--n-best", "3", "--output-format", "jsonl"],
                                     stdin: "\nThe device has a housing.\n   \n")
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4)
        let empty = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(empty["text"] as? String, "")
        let full = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        let hypotheses = try XCTUnwrap(full["hypotheses"] as? [[String: Any]])
        XCTAssertEqual(hypotheses.count, 3)
        let scores = hypotheses.compactMap { $0["score"] as? Double }
        XCTAssertEqual(scores, scores.sorted(by: >), "n-best must be best first")
    }

    func testOverlongInputIsCutWithAWarning() throws {
        let long = (0..<3000).map { "word\($0)" }.joined(separator: " ")
        let run = try PmtProcess.run(["translate", "--model", model, "--beam-size", "1", "--max-length", "4"], stdin: "short\n" + long + "\n")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 3)
        XCTAssertTrue(run.stderr.contains("line 2: input of") && run.stderr.contains("cut to 1024"), run.stderr)
        XCTAssertFalse(run.stderr.contains("line 1:"), run.stderr)
    }

    func testOutputFileIsWrittenWholeAndErrorsNameTheFolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-translate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.txt"), output = directory.appendingPathComponent("out.txt")
        try "One line.\nTwo lines.\n".write(to: input, atomically: true, encoding: .utf8)
        let run = try PmtProcess.run(["translate", input.path, "--model", model, "-o", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "")
        XCTAssertEqual(try String(contentsOf: output, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count, 3)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["in.txt", "out.txt"])

        // An existing output is replaced whole; a failed run leaves it as it was.
        let first = try Data(contentsOf: output)
        try "Three.\n".write(to: input, atomically: true, encoding: .utf8)
        let again = try PmtProcess.run(["translate", input.path, "--model", model, "-o", output.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        let second = try Data(contentsOf: output)
        XCTAssertEqual(String(decoding: second, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).count, 2)
        XCTAssertNotEqual(first, second)
        let failed = try PmtProcess.run(["translate", directory.appendingPathComponent("absent.txt").path, "--model", model, "-o", output.path])
        XCTAssertEqual(failed.status, 1)
        XCTAssertEqual(try Data(contentsOf: output), second)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["in.txt", "out.txt"])

        let missing = try PmtProcess.run(["translate", "--model", directory.appendingPathComponent("nope").path], stdin: "x\n")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope"), missing.stderr)
    }
}
