import Foundation
import XCTest

/// `pmt tokenize` end to end; expected outputs come from the golden files the reference
/// library wrote (Tests/Fixtures/tokenizer).
final class TokenizeCommandTests: XCTestCase {
    let model = PmtProcess.packageRoot.appendingPathComponent("Tests/Fixtures/tokenizer/models/unigram.model").path

    private func golden(_ count: Int) throws -> (input: String, ids: [[Int]], pieces: [[String]]) {
        let url = PmtProcess.packageRoot.appendingPathComponent("Tests/Fixtures/tokenizer/golden/unigram/adversarial.jsonl")
        let inputs = try String(contentsOf: PmtProcess.packageRoot.appendingPathComponent("Tests/Fixtures/tokenizer/adversarial.b64"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map { Data(base64Encoded: String($0))! }
        var lines: [String] = [], ids: [[Int]] = [], pieces: [[String]] = []
        for (line, input) in zip(try String(contentsOf: url, encoding: .utf8).split(separator: "\n"), inputs) {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            // Plain printable lines only: the stdin protocol is one line per line.
            guard let text = String(data: input, encoding: .utf8), !text.contains("\n"), !text.contains("\r"),
                  !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0xFEFF }),
                  let i = object["ids"] as? [Int], let p = object["pieces"] as? [String] else { continue }
            lines.append(text); ids.append(i); pieces.append(p)
            if lines.count == count { break }
        }
        return (lines.joined(separator: "\n") + "\n", ids, pieces)
    }

    func testIdsAndPiecesMatchTheReference() throws {
        let (input, ids, pieces) = try golden(40)
        XCTAssertGreaterThan(ids.count, 20)
        let idRun = try PmtProcess.run(["tokenize", "--spm", model, "--ids"], stdin: input)
        XCTAssertEqual(idRun.status, 0, idRun.stderr)
        XCTAssertEqual(idRun.stdout, ids.map { $0.map(String.init).joined(separator: " ") + "\n" }.joined())
        let pieceRun = try PmtProcess.run(["tokenize", "--spm", model, "--threads", "2"], stdin: input)
        XCTAssertEqual(pieceRun.stdout, pieces.map { $0.joined(separator: " ") + "\n" }.joined())
    }

    func testEmptyLinesStayAndDecodeRoundTrips() throws {
        let encoded = try PmtProcess.run(["tokenize", "--spm", model, "--ids"], stdin: "\nA device (10).\n\n")
        XCTAssertEqual(encoded.status, 0)
        let lines = encoded.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4)  // three lines and the final newline
        XCTAssertEqual(lines[0], "")
        XCTAssertEqual(lines[2], "")
        let decoded = try PmtProcess.run(["tokenize", "--spm", model, "--ids", "--decode"], stdin: encoded.stdout)
        XCTAssertEqual(decoded.stdout, "\nA device (10).\n\n")
    }

    func testBadInputIsAClearError() throws {
        let missing = try PmtProcess.run(["tokenize", "--spm", "/nonexistent/m.model"], stdin: "x\n")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/m.model"), missing.stderr)
        let badID = try PmtProcess.run(["tokenize", "--spm", model, "--ids", "--decode"], stdin: "5 6\n7 x\n")
        XCTAssertEqual(badID.status, 1)
        XCTAssertTrue(badID.stderr.contains("stdin line 2: 'x' is not an id"), badID.stderr)
        let outOfRange = try PmtProcess.run(["tokenize", "--spm", model, "--ids", "--decode"], stdin: "999999\n")
        XCTAssertEqual(outOfRange.status, 1)
        XCTAssertTrue(outOfRange.stderr.contains("stdin line 1") && outOfRange.stderr.contains("999999"), outOfRange.stderr)
    }
}
