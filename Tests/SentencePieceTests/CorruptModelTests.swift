import Foundation
import XCTest
@testable import SentencePiece

/// A truncated or corrupt `.model` is an error naming the file and the problem; no input,
/// model or text, makes the tokenizer crash (bounded fuzzing with a fixed seed).
final class CorruptModelTests: XCTestCase {
    static let fixtureModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models/separate-untied-prenorm-swish/marian/source.spm").standardized

    private func modelBytes() throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: Self.fixtureModel.path) else {
            XCTFail("fixture model missing: \(Self.fixtureModel.path); run Scripts/make-fixtures")
            return []
        }
        return [UInt8](data)
    }

    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-spm-\(UUID().uuidString).model").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testTruncatedModelNamesTheFile() throws {
        let bytes = try modelBytes()
        let path = try temporaryFile(Array(bytes.prefix(bytes.count / 2)))
        XCTAssertThrowsError(try SentencePieceProcessor(path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path + ": not a valid SentencePiece model: "), "\(error)")
        }
    }

    func testEmptyAndMissingFilesAreClearErrors() throws {
        let empty = try temporaryFile([])
        XCTAssertThrowsError(try SentencePieceProcessor(path: empty)) { XCTAssertTrue("\($0)".contains("the file is empty"), "\($0)") }
        XCTAssertThrowsError(try SentencePieceProcessor(path: "/nonexistent/x.model")) { XCTAssertTrue("\($0)".hasPrefix("/nonexistent/x.model: cannot read"), "\($0)") }
        let text = try temporaryFile(Array("this is not a protobuf\n".utf8))
        XCTAssertThrowsError(try SentencePieceProcessor(path: text)) { XCTAssertTrue("\($0)".contains(text), "\($0)") }
    }

    func testFuzzedModelsAndTextsNeverCrash() throws {
        let original = try modelBytes()
        var rng = SplitMix(seed: 0x5eed)
        let deadline = Date().addingTimeInterval(5)
        var loaded = 0, rejected = 0
        let texts: [[UInt8]] = [Array("FIG. 1A shows the device (10).".utf8), [0xFF, 0xC3, 0x28, 0x00, 0xE2, 0x82], Array("청구항 1 ㎜ ℃".utf8)]
        while Date() < deadline {
            var bytes = original
            switch rng.next() % 3 {
            case 0: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            case 1: for _ in 0..<(1 + rng.next() % 8) { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            default: bytes.insert(contentsOf: (0..<(rng.next() % 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: Int(rng.next() % UInt64(bytes.count)))
            }
            guard let processor = try? SentencePieceProcessor(bytes: bytes) else { rejected += 1; continue }
            loaded += 1
            for text in texts + [(0..<(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }] {
                let tokens = processor.encode(text)
                XCTAssertEqual(tokens.map(\.id), processor.encodeIDs(text))
                _ = try? processor.decode(ids: tokens.map(\.id))
            }
        }
        XCTAssertGreaterThan(loaded + rejected, 50, "the fuzz loop barely ran")
        XCTAssertGreaterThan(rejected, 0, "no corrupt model was rejected")
    }

    func testRandomTextAgainstAValidModelNeverCrashes() throws {
        let processor = try SentencePieceProcessor(path: Self.fixtureModel.path)
        var rng = SplitMix(seed: 42)
        for _ in 0..<2000 {
            let text = (0..<(rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let ids = processor.encodeIDs(text)
            XCTAssertTrue(ids.allSatisfy { $0 >= 0 && $0 < processor.vocabularySize })
            XCTAssertNoThrow(try processor.decode(ids: ids))
        }
        XCTAssertThrowsError(try processor.decode(ids: [processor.vocabularySize])) {
            XCTAssertEqual($0 as? SentencePieceError, .idOutOfRange(processor.vocabularySize, size: processor.vocabularySize))
        }
    }
}

/// A small deterministic generator for fuzzing (SplitMix64).
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
