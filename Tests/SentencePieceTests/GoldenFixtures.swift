import Foundation
import XCTest
@testable import SentencePiece

/// The golden files of Tests/Fixtures/tokenizer (made by Scripts/make-tokenizer-fixtures
/// with the reference library; formats in its README).
enum GoldenFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/tokenizer").standardized
    static let packageRoot = root.appendingPathComponent("../../..").standardized

    static func json(_ relative: String) throws -> Any {
        let url = root.appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw NSError(domain: "golden", code: 1, userInfo: [NSLocalizedDescriptionKey: "missing golden file \(url.path); run Scripts/make-tokenizer-fixtures"])
        }
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    static func jsonLines(_ relative: String) throws -> [[String: Any]] {
        let url = root.appendingPathComponent(relative)
        let text = try String(contentsOf: url, encoding: .utf8)
        // Foundation's JSONSerialization drops a raw U+FEFF inside strings, so escape it first.
        return try text.split(separator: "\n").map {
            let line = $0.replacingOccurrences(of: "\u{FEFF}", with: "\\ufeff")
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    static var modelNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("models").path)) ?? []
        return names.filter { $0.hasSuffix(".model") }.map { String($0.dropLast(".model".count)) }.sorted()
    }

    static func processor(_ name: String) throws -> SentencePieceProcessor {
        try SentencePieceProcessor(path: root.appendingPathComponent("models/\(name).model").path)
    }

    /// Splits bytes on 0x0A; a final 0x0A ends the last line.
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.last == 0x0A { result.removeLast() }
        if bytes.isEmpty { result = [] }
        return result
    }

    static func adversarialInputs() throws -> [[UInt8]] {
        let text = try String(contentsOf: root.appendingPathComponent("adversarial.b64"), encoding: .utf8)
        return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map {
            [UInt8](try XCTUnwrap(Data(base64Encoded: String($0)), "bad base64 line"))
        }
    }

    /// The digest record of one line: u32le(n) ‖ ids ‖ pieces each followed by 0xFF ‖ text.
    static func record(_ processor: SentencePieceProcessor, _ line: [UInt8]) throws -> (record: [UInt8], tokens: [SentencePieceProcessor.Token], text: String) {
        let tokens = processor.encode(line)
        let text = try processor.decode(ids: tokens.map(\.id))
        var record: [UInt8] = []
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { record.append(contentsOf: $0) } }
        u32(tokens.count)
        tokens.forEach { u32($0.id) }
        for token in tokens { record.append(contentsOf: token.piece); record.append(0xFF) }
        record.append(contentsOf: text.utf8)
        return (record, tokens, text)
    }

    static func fnv1a32(_ bytes: [UInt8], _ start: UInt32 = 0x811C9DC5) -> UInt32 {
        var h = start
        for b in bytes { h = (h ^ UInt32(b)) &* 0x01000193 }
        return h
    }

    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF29CE484222325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001B3 }
        return h
    }

    static func hex(_ v: UInt32) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 8 - s.count) + s }
    static func hex(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
}
