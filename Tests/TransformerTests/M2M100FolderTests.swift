import Foundation
import XCTest
@testable import Transformer

/// The M2M-100 loader on the transformers-written fixture (Scripts/make-nllb-fixtures) and on
/// broken copies of it: every bad input is an error that names the file and the key or tensor.
final class M2M100FolderTests: XCTestCase {
    private let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models").standardized

    func testShardedM2M100FolderLoads() throws {
        let folder = try ModelFolder.open(models.appendingPathComponent("m2m100-tiny"))
        let c = folder.config
        XCTAssertEqual(folder.layout, .huggingFaceM2M100)
        XCTAssertEqual(c.normalization, .preNorm)
        XCTAssertEqual(c.modelDimension, 8)
        XCTAssertEqual(c.activation, .gelu)
        XCTAssertEqual(c.embeddingScale, Float(8.0.squareRoot()))
        XCTAssertEqual(c.positionEncoding, .fairseqSinusoidal(limit: 256, firstRow: 2))
        XCTAssertEqual(c.decoderStartID, 2)
        XCTAssertEqual(c.eosID, 2)
        XCTAssertFalse(c.decoderStartsFromZeroEmbedding)
        XCTAssertEqual(c.tying, .none, "transformers saves shared, encoder and decoder embeddings and lm_head.weight: read as written")
        XCTAssertEqual(c.targetVocabularySize, 4109)
        XCTAssertEqual(folder.sourceVocabulary.pieces.suffix(8), (0..<8).map { "madeupword\($0)" })
        XCTAssertEqual(folder.multilingual?.family, .m2m100)
        XCTAssertNotNil(folder.plan.encoderFinalNorm)
        XCTAssertNotNil(folder.plan.decoderFinalNorm)
        XCTAssertTrue(folder.weights.location.hasSuffix("model.safetensors.index.json"))
        _ = try folder.loadWeights()
    }

    func testNLLBNeedsTheSentencePieceReader() throws {
        XCTAssertThrowsError(try ModelFolder.open(models.appendingPathComponent("nllb-tiny"))) { error in
            XCTAssertTrue("\(error)".contains("sentencepiece.bpe.model"), "\(error)")
        }
    }

    private func brokenCopy(_ edit: (URL) throws -> Void) throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-m2m100-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: models.appendingPathComponent("m2m100-tiny"), to: copy)
        try edit(copy)
        return copy
    }

    private func editConfig(_ folder: URL, _ change: (inout [String: Any]) -> Void) throws {
        let url = folder.appendingPathComponent("config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    private func assertError(_ edit: (URL) throws -> Void, contains needles: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let copy = try brokenCopy(edit)
        defer { try? FileManager.default.removeItem(at: copy) }
        XCTAssertThrowsError(try ModelFolder.load(copy), file: file, line: line) { error in
            for needle in needles { XCTAssertTrue("\(error)".contains(needle), "\(error) lacks \(needle)", file: file, line: line) }
        }
    }

    func testBadFoldersAreClearErrors() throws {
        try assertError({ try FileManager.default.removeItem(at: $0.appendingPathComponent("sentencepiece.bpe.model")) },
                        contains: ["sentencepiece.bpe.model", "missing file"])
        try assertError({ try editConfig($0) { $0["activation_function"] = "mish" } }, contains: ["config.json", "activation_function", "mish"])
        try assertError({ try editConfig($0) { $0["d_model"] = 16 } }, contains: ["model.encoder.embed_tokens.weight", "[4109, 16]", "model-0000"])
        try assertError({ try editConfig($0) { $0["encoder_layers"] = 3 } }, contains: ["model.encoder.layers.2.self_attn.q_proj.weight", "missing"])
        try assertError({ try editConfig($0) { $0["vocab_size"] = 4000 } }, contains: ["vocab_size"])
        try assertError({ try editConfig($0) { $0["model_type"] = "nllb-moe" } }, contains: ["mixture of experts"])
        try assertError({ try FileManager.default.removeItem(at: $0.appendingPathComponent("model-00003-of-00004.safetensors")) },
                        contains: ["model-00003-of-00004.safetensors"])
        try assertError({ folder in
            let url = folder.appendingPathComponent("added_tokens.json")
            var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            object["__af__"] = 4050
            try JSONSerialization.data(withJSONObject: object).write(to: url)
        }, contains: ["added_tokens.json", "__af__", "4050", "4001"])
    }
}
