/// What the search needs from a model, and nothing more: the search never imports the
/// model, so any decoder (Marian, NLLB, a test table) plugs in through this protocol.
///
/// The decoder holds a batch of live rows (hypotheses), all at the same position. When
/// `search` starts, it holds one fresh row per sentence, in the order of `startTokens`,
/// and no token has been fed yet: the first `step` feeds the decoder-start tokens.
public protocol StepDecoder {
    /// Target vocabulary size: the width of each row of logits.
    var vocabularySize: Int { get }

    /// Feeds one token per live row (`tokens.count` is the number of live rows) and sets
    /// `logits` to the next-token LOGITS (raw scores, before any softmax), row-major
    /// [tokens.count × vocabularySize]. The search applies the minimum length, penalties
    /// and forbidden tokens to the logits and then the log-softmax itself, as CTranslate2
    /// does. On entry `logits` holds the search's buffer from the previous step: write into
    /// its storage (resizing it if needed) or replace it; keep no pointer into it.
    mutating func step(_ tokens: [Int32], logits: inout [Float]) throws

    /// Keeps the rows at `indices` (into the current rows), in that order: row `j` after the
    /// call is row `indices[j]` before it. An index may repeat (the beams of a sentence
    /// after its first step, or two beams that share a parent) and rows may be left out
    /// (finished sentences), so caches follow with one gather each.
    mutating func reorder(_ indices: [Int]) throws
}
