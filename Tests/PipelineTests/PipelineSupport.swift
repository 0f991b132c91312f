import Foundation
import XCTest
@testable import Pipeline
import PatentDocuments
import Translator

/// Paths and engines shared by the pipeline tests.
enum PipelineSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let patentNames = ["us-application-1.xml", "us-application-3.xml", "ep-b1-st36.xml", "jp-gazette-1.xml", "cn-old-1.xml"]
    static let model = packageRoot.appendingPathComponent("Models/random-tiny-en-ko")

    static func patent(_ name: String) throws -> URL {
        let url = packageRoot.appendingPathComponent("../shared/patents/\(name)").standardized
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("missing \(url.path)") }
        return url
    }

    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-pipeline-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// An engine on a model folder (default the fixture model, greedy: fast), one thread.
    static func engine(_ folder: URL = model, beam: Int = 1, maxLength: Int = 64, limit: Int = 200) throws -> TranslatorEngine {
        let translator = try Translator(modelDirectory: folder)
        var options = translator.defaultOptions
        options.search.beamSize = beam
        options.search.maxDecodingLength = maxLength
        options.threads = 1
        return TranslatorEngine(translator: translator, options: options, modelFingerprint: try ModelFingerprint.of(folder), segmentTokenLimit: limit)
    }
}

/// Gives back each segment as it came: documents keep their text, so trees can be compared
/// exactly. Counts its calls.
final class IdentityEngine: SegmentEngine {
    var memoryContext = "identity"
    var segmentTokenLimit = 10_000
    var translated: [String] = []
    func sourceTokenCount(_ text: Substring) -> Int { text.split(separator: " ").count + 1 }
    var isMultilingual = false
    func knowsLanguage(_ language: String) -> Bool { true }
    func translate(_ segments: [String], languages: [String?], terms: [[String]]) throws -> [EngineOutput] {
        translated += segments
        return segments.map { EngineOutput(text: $0, tokens: $0.split(separator: " ").map(String.init), score: -1) }
    }
}
