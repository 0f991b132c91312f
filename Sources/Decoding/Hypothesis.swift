/// One finished hypothesis of a sentence.
public struct Hypothesis: Sendable, Equatable {
    /// Generated token ids: any forced target-prefix tokens (after the decoder start) first,
    /// as CTranslate2 returns them; the end token only under `returnEndToken`.
    public var tokens: [Int32]
    /// CTranslate2's score: the sum of the token log-probabilities (end token included,
    /// forced prefix tokens counting 0) divided by length^lengthPenalty, the length counting
    /// every generated token including the end token.
    public var score: Float
    /// Whether the hypothesis ended with the end token (false: cut at maxDecodingLength).
    public var endsWithEndToken: Bool
    /// With lexical constraints: per constraint of the sentence (identical token sequences
    /// merged, in first-seen order), how many of its required occurrences this hypothesis
    /// has. Empty for a sentence without constraints.
    public var constraintsMet: [Int]

    public init(tokens: [Int32], score: Float, endsWithEndToken: Bool, constraintsMet: [Int] = []) {
        self.tokens = tokens
        self.score = score
        self.endsWithEndToken = endsWithEndToken
        self.constraintsMet = constraintsMet
    }
}

/// Why a search could not run.
public enum SearchError: Error, CustomStringConvertible, Equatable {
    /// An option or argument outside what CTranslate2 accepts; says which and why.
    case invalidOption(String)
    /// The decoder broke the `StepDecoder` contract (for example a logits buffer of the
    /// wrong size).
    case decoderContract(String)

    public var description: String {
        switch self {
        case .invalidOption(let what): return "search: invalid option: \(what)"
        case .decoderContract(let what): return "search: decoder: \(what)"
        }
    }
}
