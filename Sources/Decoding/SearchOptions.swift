/// Search options with CTranslate2 4.x semantics and defaults, so results can be compared
/// token for token (DESIGN.md, "Reference semantics").
public struct SearchOptions: Sendable, Equatable {
    public var beamSize = 2
    public var patience: Float = 1
    public var hypotheses = 1
    /// Final score = sum of log-probabilities / length^lengthPenalty.
    public var lengthPenalty: Float = 1
    public var repetitionPenalty: Float = 1
    public var noRepeatNgramSize = 0
    public var disableUnknown = false
    public var maxInputLength = 1024
    /// Generated tokens per sentence, end of sentence not counted.
    public var maxDecodingLength = 256
    /// End of sentence is forbidden before this many tokens.
    public var minDecodingLength = 1
    public var returnEndToken = false

    public init() {}
}
