/// One segment's translation as the engine gives it.
public struct EngineOutput: Sendable, Equatable {
    public let text: String
    public let tokens: [String]
    public let score: Float
    public let warnings: [String]
    /// Per forced term given for the segment, whether the output has it.
    public let termsMet: [Bool]

    public init(text: String, tokens: [String], score: Float, warnings: [String] = [], termsMet: [Bool] = []) {
        self.text = text
        self.tokens = tokens
        self.score = score
        self.warnings = warnings
        self.termsMet = termsMet
    }
}

/// What the document pipeline needs from a translation engine: plain segments in, text
/// out. `Translator` is the real one (`TranslatorEngine`); structure tests use an identity
/// engine to compare document trees exactly.
public protocol SegmentEngine {
    /// Identifies the model and options, so the translation memory never mixes results of
    /// different ones.
    var memoryContext: String { get }
    /// Source tokens the model would see for `text` (long segments are cut into clauses).
    func sourceTokenCount(_ text: Substring) -> Int
    /// The most source tokens a segment should have; longer ones are cut into clauses.
    var segmentTokenLimit: Int { get }
    /// Whether the engine translates from any language (a multilingual model) rather than
    /// from its one source language (then units in other languages are left as they are).
    var isMultilingual: Bool { get }
    /// Whether a multilingual engine can translate from `language` (ISO 639-1).
    func knowsLanguage(_ language: String) -> Bool
    /// Translations of `segments` in order, each from its language (ISO 639-1, or nil when
    /// unknown); `terms` (empty, or one list per segment) are target terms the output must
    /// contain, one entry per occurrence (glossary terms, forced by the search).
    func translate(_ segments: [String], languages: [String?], terms: [[String]]) throws -> [EngineOutput]
}
