/// One segment's translation as the engine gives it.
public struct EngineOutput: Sendable, Equatable {
    public let text: String
    public let tokens: [String]
    public let score: Float
    public let warnings: [String]

    public init(text: String, tokens: [String], score: Float, warnings: [String] = []) {
        self.text = text
        self.tokens = tokens
        self.score = score
        self.warnings = warnings
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
    /// Translations of `segments` in order; each segment must appear in its translation's
    /// `required` strings (protected spans) where the engine can guarantee it.
    func translate(_ segments: [String], required: [[String]]) throws -> [EngineOutput]
}
