import Foundation
import XCTest

/// `pmt model info` and `pmt model verify` on the fixture folders, and on a copy broken the
/// way the Hugging Face export of opus-mt-tc-big-en-ko is (the target vocabulary shipped as
/// the only `vocab.json`).
final class ModelCommandTests: XCTestCase {
    let fixture = PmtProcess.packageRoot.appendingPathComponent("Tests/Fixtures/models/separate-tied-postnorm-gelu/hf")

    func testInfoDescribesTheFolder() throws {
        let run = try PmtProcess.run(["model", "info", fixture.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("layout: Hugging Face Marian"), run.stdout)
        XCTAssertTrue(run.stdout.contains("2+2 layers"), run.stdout)
        XCTAssertTrue(run.stdout.contains("coverage source 100%, target 100%"), run.stdout)
    }

    func testVerifyPassesSoundFoldersOfBothLayouts() throws {
        for folder in [fixture, fixture.deletingLastPathComponent().appendingPathComponent("marian")] {
            let run = try PmtProcess.run(["model", "verify", folder.path])
            XCTAssertEqual(run.status, 0, "\(folder.path): \(run.stderr)")
            XCTAssertTrue(run.stdout.hasPrefix("ok: "), run.stdout)
        }
    }

    func testVerifyCatchesATargetVocabularyShippedAsTheSourceOne() throws {
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-broken-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixture, to: broken)
        defer { try? FileManager.default.removeItem(at: broken) }
        let vocab = broken.appendingPathComponent("vocab.json"), target = broken.appendingPathComponent("target_vocab.json")
        try FileManager.default.removeItem(at: vocab)
        try FileManager.default.moveItem(at: target, to: vocab)
        // As in that export: one vocabulary, declared shared.
        let config = broken.appendingPathComponent("tokenizer_config.json")
        var tokenizer = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
        tokenizer["separate_vocabs"] = false
        try JSONSerialization.data(withJSONObject: tokenizer).write(to: config)
        let run = try PmtProcess.run(["model", "verify", broken.path])
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertTrue(run.stderr.contains("vocab.json") && run.stderr.contains("source vocabulary"), run.stderr)
        XCTAssertTrue(run.stderr.contains("opus-mt-tc-big-en-ko"), run.stderr)
    }

    func testVerifyNamesATruncatedWeightFile() throws {
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-truncated-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixture, to: broken)
        defer { try? FileManager.default.removeItem(at: broken) }
        let weights = broken.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: weights)
        try data.prefix(data.count / 2).write(to: weights)
        let run = try PmtProcess.run(["model", "verify", broken.path])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("model.safetensors"), run.stderr)
    }
}
