import Foundation
import Translator

/// The real engine behind the document pipeline: a loaded `Translator` with fixed options.
public struct TranslatorEngine: SegmentEngine, Sendable {
    public let translator: Translator
    public let options: TranslationOptions
    public let memoryContext: String
    public let segmentTokenLimit: Int

    /// `modelFingerprint` names the model for the translation memory (`ModelFingerprint`).
    public init(translator: Translator, options: TranslationOptions, modelFingerprint: String, segmentTokenLimit: Int = 200) {
        self.translator = translator
        self.options = options
        self.segmentTokenLimit = segmentTokenLimit
        // Every search option (the struct's own description lists them all).
        memoryContext = "model=\(modelFingerprint) \(options.search)"
    }

    public func sourceTokenCount(_ text: Substring) -> Int { translator.sourceTokenCount(text) }

    public var isMultilingual: Bool { translator.multilingual != nil }
    public func knowsLanguage(_ language: String) -> Bool { translator.knowsLanguage(language) }

    /// A fixed `options.sourceLanguage` (`--source-lang`) wins over the segments' own.
    public func translate(_ segments: [String], languages: [String?], terms: [[String]]) throws -> [EngineOutput] {
        let sources = options.sourceLanguage.map { fixed in segments.map { _ in fixed } } ?? languages
        let forced = terms.allSatisfy(\.isEmpty) ? [] : terms
        return try translator.translate(segments, sourceLanguages: sources, targetTerms: forced, options: options).map { result in
            let best = result.best
            return EngineOutput(text: best?.text ?? "", tokens: best?.tokens ?? [], score: best?.score ?? 0,
                                warnings: result.warnings, termsMet: best?.termsMet ?? [])
        }
    }
}
