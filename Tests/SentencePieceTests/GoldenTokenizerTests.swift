import Foundation
import XCTest
@testable import SentencePiece

/// Byte-exact parity with the reference library on every fixture model: model facts, the
/// adversarial set, every line of the FLORES files and patent XML in ../shared (by
/// digest), and decode edge cases.
final class GoldenTokenizerTests: XCTestCase {
    func testDigestDefinitionMatchesItsDocumentedCheckValues() {
        XCTAssertEqual(GoldenFixtures.hex(GoldenFixtures.fnv1a32([])), "811c9dc5")
        XCTAssertEqual(GoldenFixtures.hex(GoldenFixtures.fnv1a32(Array("foobar".utf8))), "bf9cf968")
        XCTAssertEqual(GoldenFixtures.hex(GoldenFixtures.fnv1a64(Array("a".utf8))), "af63dc4c8601ec8c")
        let record: [UInt8] = [2, 0, 0, 0, 5, 0, 0, 0, 17, 0, 0, 0, 0xE2, 0x96, 0x81, 0x61, 0xFF, 0x62, 0xFF, 0x61, 0x62]
        XCTAssertEqual(GoldenFixtures.hex(GoldenFixtures.fnv1a32(record)), "8c19ac8a")
    }

    func testThereAreModelsToTest() {
        XCTAssertGreaterThanOrEqual(GoldenFixtures.modelNames.count, 5, "no tokenizer fixtures in \(GoldenFixtures.root.path)")
    }

    func testModelFacts() throws {
        for name in GoldenFixtures.modelNames {
            let facts = try XCTUnwrap(try GoldenFixtures.json("models/\(name).json") as? [String: Any])
            let sp = try GoldenFixtures.processor(name)
            XCTAssertEqual(sp.vocabularySize, facts["vocab_size"] as? Int, name)
            XCTAssertEqual(sp.unkID, facts["unk_id"] as? Int, name)
            XCTAssertEqual(sp.bosID, facts["bos_id"] as? Int, name)
            XCTAssertEqual(sp.eosID, facts["eos_id"] as? Int, name)
            XCTAssertEqual(sp.padID, facts["pad_id"] as? Int, name)
            XCTAssertEqual(sp.model.trainer.byteFallback, facts["byte_fallback"] as? Bool, name)
            XCTAssertEqual(sp.model.trainer.treatWhitespaceAsSuffix, facts["treat_whitespace_as_suffix"] as? Bool, name)
            XCTAssertEqual(sp.model.trainer.unkSurface, facts["unk_surface"] as? String, name)
            XCTAssertEqual(sp.model.normalizer.addDummyPrefix, facts["add_dummy_prefix"] as? Bool, name)
            XCTAssertEqual(sp.model.normalizer.removeExtraWhitespaces, facts["remove_extra_whitespaces"] as? Bool, name)
            XCTAssertEqual(sp.model.normalizer.escapeWhitespaces, facts["escape_whitespaces"] as? Bool, name)
            XCTAssertEqual(sp.denormalizer != nil, facts["has_denormalizer"] as? Bool, name)
            let pieces = (facts["first_pieces"] as? [[String: Any]] ?? []) + (facts["last_pieces"] as? [[String: Any]] ?? [])
            XCTAssertFalse(pieces.isEmpty, name)
            for piece in pieces {
                let id = try XCTUnwrap(piece["id"] as? Int)
                XCTAssertEqual(sp.idToPiece(id), piece["piece"] as? String, "\(name) id \(id)")
                let bits = String(sp.model.pieces[id].score.bitPattern, radix: 16)
                XCTAssertEqual(String(repeating: "0", count: 8 - bits.count) + bits, piece["score_bits"] as? String, "\(name) id \(id)")
                XCTAssertEqual(sp.isControl(id), piece["is_control"] as? Bool, "\(name) id \(id)")
                XCTAssertEqual(sp.isUnknown(id), piece["is_unknown"] as? Bool, "\(name) id \(id)")
                XCTAssertEqual(sp.isByte(id), piece["is_byte"] as? Bool, "\(name) id \(id)")
            }
        }
    }

    func testAdversarialInputs() throws {
        let inputs = try GoldenFixtures.adversarialInputs()
        XCTAssertGreaterThan(inputs.count, 100)
        for name in GoldenFixtures.modelNames {
            let sp = try GoldenFixtures.processor(name)
            let golden = try GoldenFixtures.jsonLines("golden/\(name)/adversarial.jsonl")
            XCTAssertEqual(golden.count, inputs.count, name)
            var mismatches = 0
            for (k, (input, want)) in zip(inputs, golden).enumerated() {
                let (record, tokens, text) = try GoldenFixtures.record(sp, input)
                let digest = GoldenFixtures.hex(GoldenFixtures.fnv1a32(record))
                if let ids = want["ids"] as? [Int] {
                    XCTAssertEqual(tokens.map(\.id), ids, "\(name) adversarial line \(k + 1): ids")
                    XCTAssertEqual(tokens.map(\.pieceString), want["pieces"] as? [String], "\(name) adversarial line \(k + 1): pieces")
                    XCTAssertEqual(text, want["text"] as? String, "\(name) adversarial line \(k + 1): decoded text")
                }
                XCTAssertEqual(tokens.count, want["n"] as? Int, "\(name) adversarial line \(k + 1): count")
                if digest != want["digest"] as? String { mismatches += 1 }
                XCTAssertEqual(digest, want["digest"] as? String, "\(name) adversarial line \(k + 1): digest")
                if mismatches > 5 { XCTFail("\(name): stopping after 5 mismatches"); break }
            }
        }
    }

    /// Every line of every ../shared input, by digest (per line or per block of lines).
    func testEveryLineOfTheSharedCorpora() throws {
        let manifest = try XCTUnwrap(try GoldenFixtures.json("manifest.json") as? [String: Any])
        let inputs = try XCTUnwrap(manifest["inputs"] as? [[String: Any]])
        var checkedLines = 0
        var missing: [String] = []
        for input in inputs {
            let name = try XCTUnwrap(input["name"] as? String)
            let path = GoldenFixtures.packageRoot.appendingPathComponent(try XCTUnwrap(input["path"] as? String)).standardized.path
            guard let data = FileManager.default.contents(atPath: path) else { missing.append(path); continue }
            let bytes = [UInt8](data)
            XCTAssertEqual(GoldenFixtures.hex(GoldenFixtures.fnv1a64(bytes)), input["fnv1a64"] as? String, "\(path) differs from the file the goldens were made from")
            let lines = GoldenFixtures.lines(bytes)
            XCTAssertEqual(lines.count, input["lines"] as? Int, path)
            for model in GoldenFixtures.modelNames {
                let facts = try XCTUnwrap(try GoldenFixtures.json("models/\(model).json") as? [String: Any])
                let block = facts["digest_block"] as? Int ?? 1
                let sp = try GoldenFixtures.processor(model)
                let want = try String(contentsOf: GoldenFixtures.root.appendingPathComponent("golden/\(model)/digests/\(name).txt"), encoding: .utf8)
                    .split(separator: "\n").map(String.init)
                XCTAssertEqual(want.count, (lines.count + block - 1) / block, "\(model) \(name): digest count")
                var failures = 0
                for (j, expected) in want.enumerated() {
                    var h: UInt32 = 0x811C9DC5
                    for line in lines[(j * block)..<min((j + 1) * block, lines.count)] {
                        h = GoldenFixtures.fnv1a32(try GoldenFixtures.record(sp, Array(line)).record, h)
                        checkedLines += 1
                    }
                    if GoldenFixtures.hex(h) != expected {
                        failures += 1
                        if failures <= 3 {
                            XCTFail("\(model) \(name): lines \(j * block + 1)…\(min((j + 1) * block, lines.count)) differ from the reference (Scripts/make-tokenizer-fixtures --show \(model) \(name) \(j * block + 1))")
                        }
                    }
                }
                XCTAssertEqual(failures, 0, "\(model) \(name): \(failures) of \(want.count) digests differ")
            }
        }
        if !missing.isEmpty {
            throw XCTSkip("../shared inputs missing, not checked: \(missing.joined(separator: ", ")) (\(checkedLines) lines checked)")
        }
        XCTAssertGreaterThan(checkedLines, 10_000)
    }

    func testSampleLinesInFull() throws {
        for model in GoldenFixtures.modelNames {
            let sp = try GoldenFixtures.processor(model)
            let manifest = try XCTUnwrap(try GoldenFixtures.json("manifest.json") as? [String: Any])
            let paths = Dictionary(uniqueKeysWithValues: (manifest["inputs"] as? [[String: Any]] ?? []).compactMap { i in
                (i["name"] as? String).map { ($0, i["path"] as? String ?? "") }
            })
            for sample in try GoldenFixtures.jsonLines("golden/\(model)/sample.jsonl") {
                let input = try XCTUnwrap(sample["input"] as? String), number = try XCTUnwrap(sample["line"] as? Int)
                let path = GoldenFixtures.packageRoot.appendingPathComponent(paths[input] ?? "").standardized.path
                guard let data = FileManager.default.contents(atPath: path) else { throw XCTSkip("\(path) is missing") }
                let line = Array(GoldenFixtures.lines([UInt8](data))[number - 1])
                let (_, tokens, text) = try GoldenFixtures.record(sp, line)
                if let ids = sample["ids"] as? [Int] {
                    XCTAssertEqual(tokens.map(\.id), ids, "\(model) \(input):\(number)")
                    XCTAssertEqual(tokens.map(\.pieceString), sample["pieces"] as? [String], "\(model) \(input):\(number)")
                    XCTAssertEqual(text, sample["text"] as? String, "\(model) \(input):\(number)")
                }
            }
        }
    }

    func testDecodeEdgeCases() throws {
        for model in GoldenFixtures.modelNames {
            let sp = try GoldenFixtures.processor(model)
            let cases = try GoldenFixtures.jsonLines("golden/\(model)/decode.jsonl")
            XCTAssertFalse(cases.isEmpty, model)
            for c in cases {
                let label = "\(model): \(c["label"] as? String ?? "?")"
                if let ids = c["ids"] as? [Int] {
                    if let text = c["text"] as? String {
                        XCTAssertEqual(try sp.decode(ids: ids), text, label)
                    } else {
                        XCTAssertThrowsError(try sp.decode(ids: ids), label)
                    }
                } else if let pieces = c["pieces"] as? [String] {
                    XCTAssertEqual(sp.decode(pieces: pieces), c["text"] as? String, label)
                }
            }
        }
    }
}
