import Foundation
import XCTest
@testable import Transformer

final class ModelLayoutTests: XCTestCase {
    private let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models").standardized

    func testFixtureFoldersAreRecognised() throws {
        let variants = try FileManager.default.contentsOfDirectory(atPath: models.path).filter { !$0.hasSuffix(".md") }
        XCTAssertFalse(variants.isEmpty, "no fixture models in \(models.path); run Scripts/make-fixtures")
        for variant in variants {
            let folder = models.appendingPathComponent(variant)
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) {
                // Written whole by transformers (Scripts/make-nllb-fixtures): M2M-100 / NLLB.
                XCTAssertEqual(try ModelLayout.detect(in: folder), .huggingFaceM2M100, variant)
                continue
            }
            let marian = folder.appendingPathComponent("marian")
            let hf = folder.appendingPathComponent("hf")
            XCTAssertTrue(FileManager.default.fileExists(atPath: marian.path) || FileManager.default.fileExists(atPath: hf.path),
                          "\(variant) has neither marian/ nor hf/")
            if FileManager.default.fileExists(atPath: marian.path) {
                XCTAssertEqual(try ModelLayout.detect(in: marian), .marianRelease, variant)
            }
            if FileManager.default.fileExists(atPath: hf.path) {
                XCTAssertEqual(try ModelLayout.detect(in: hf), .huggingFaceMarian, variant)
            }
        }
    }

    func testUnknownFoldersAreClearErrors() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        XCTAssertThrowsError(try ModelLayout.detect(in: empty)) { XCTAssertTrue("\($0)".contains(empty.path), "\($0)") }
        try Data(#"{"model_type": "bert"}"#.utf8).write(to: empty.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try ModelLayout.detect(in: empty)) { XCTAssertTrue("\($0)".contains("bert"), "\($0)") }
        XCTAssertThrowsError(try ModelLayout.detect(in: empty.appendingPathComponent("nope"))) { XCTAssertTrue("\($0)".contains("not a folder")) }
    }
}
