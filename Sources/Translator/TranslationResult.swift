/// One hypothesis for one input line: target pieces, their ids, the detokenized text and
/// the CTranslate2-compatible score (sum of log-probabilities / length^penalty).
public struct TranslationHypothesis: Sendable, Equatable {
    public let text: String
    public let tokens: [String]
    public let ids: [Int]
    public let score: Float
    /// With target terms: per term occurrence given for the line, whether this hypothesis
    /// has it (false only where the terms did not fit within the maximum length). Empty
    /// without terms.
    public let termsMet: [Bool]

    public init(text: String, tokens: [String], ids: [Int], score: Float, termsMet: [Bool] = []) {
        self.text = text
        self.tokens = tokens
        self.ids = ids
        self.score = score
        self.termsMet = termsMet
    }
}

/// The hypotheses for one input line, best first (one unless n-best was asked for).
public struct TranslationResult: Sendable, Equatable {
    public let hypotheses: [TranslationHypothesis]
    /// What the caller should hear about, e.g. an input cut to the model's position limit.
    public var warnings: [String] = []

    public init(hypotheses: [TranslationHypothesis], warnings: [String] = []) {
        self.hypotheses = hypotheses
        self.warnings = warnings
    }

    public var best: TranslationHypothesis? { hypotheses.first }

    /// An empty input line translates to an empty line with no tokens.
    public static let empty = TranslationResult(hypotheses: [TranslationHypothesis(text: "", tokens: [], ids: [], score: 0)])
}
