/// Search options with CTranslate2 4.x semantics and defaults, so results can be compared
/// token for token (DESIGN.md, "Reference semantics").
public struct SearchOptions: Sendable, Equatable {
    /// 1 runs CTranslate2's greedy search, more its beam search.
    public var beamSize = 2
    /// A sentence's beam search ends once it has round(beamSize × patience) finished
    /// hypotheses (with a length penalty; see `lengthPenalty`).
    public var patience: Float = 1
    /// The n-best size: hypotheses returned per sentence, best first.
    public var hypotheses = 1
    /// Final score = sum of log-probabilities / length^lengthPenalty, where the length
    /// counts every generated token, end of sentence included. With 0, a sentence's beam
    /// search ends as soon as its best beam has finished and it has `hypotheses` finished.
    public var lengthPenalty: Float = 1
    /// CTranslate2's penalty on the logits of tokens already in the hypothesis: a logit
    /// s becomes s × penalty when s < 0, else s / penalty.
    public var repetitionPenalty: Float = 1
    /// No n-gram of this size occurs twice in a hypothesis (0: off).
    public var noRepeatNgramSize = 0
    /// Forbids the unknown token (the caller passes its id to `search`).
    public var disableUnknown = false
    /// The Translator's limit on source tokens (the search does not use it).
    public var maxInputLength = 1024
    /// CTranslate2's `max_decoding_length`: decoding steps per sentence, END OF SENTENCE
    /// COUNTED (and forced target-prefix tokens too). A hypothesis has at most
    /// maxDecodingLength − 1 tokens and then the end token, or exactly maxDecodingLength
    /// tokens and no end token.
    public var maxDecodingLength = 256
    /// The end token is forbidden at decoding steps below this (the default forbids it as
    /// the first token; it is masked before the softmax, so the first token's probability
    /// is normalized over the other tokens).
    public var minDecodingLength = 1
    /// Keeps the end token at the end of the returned tokens.
    public var returnEndToken = false
    /// Token ids never generated (CTranslate2's `disable_ids`), in addition to the
    /// unknown token under `disableUnknown`.
    public var suppressedTokens: [Int32] = []
    /// Token sequences never generated (CTranslate2's `suppress_sequences`): the last token
    /// of each is forbidden after the others; a one-token sequence is always forbidden.
    public var suppressedSequences: [[Int32]] = []

    public init() {}
}
