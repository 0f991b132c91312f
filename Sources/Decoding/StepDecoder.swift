import Tensor

/// What the search needs from a model, and nothing more: the search never imports the
/// model, so any decoder (Marian, NLLB, a test table) plugs in through this protocol.
public protocol StepDecoder {
    /// Target vocabulary size: the width of each row of `step`'s log-probabilities.
    var vocabularySize: Int { get }

    /// Feeds one token per live hypothesis and returns log-probabilities of shape
    /// [hypotheses, vocabularySize] for the next token.
    mutating func step(_ tokens: [Int32]) throws -> Tensor

    /// Keeps the hypotheses at `indices` (into the current batch), in that order; the
    /// caches follow, so beam reordering costs one gather per cache.
    mutating func reorder(_ indices: [Int]) throws
}
