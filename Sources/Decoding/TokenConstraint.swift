/// A lexical constraint on one sentence's output: `tokens` must appear, contiguously,
/// `count` times (once per occurrence of its source term). The search sees only ids; what
/// they spell is the caller's business.
public struct TokenConstraint: Sendable, Equatable, Hashable {
    public var tokens: [Int32]
    public var count: Int

    public init(tokens: [Int32], count: Int = 1) {
        self.tokens = tokens
        self.count = count
    }
}

/// The constraints of one batch, validated and laid out flat for the search: per sentence,
/// its distinct token sequences (identical ones merged, their counts added), each with its
/// first token's offset into `tokens`, its length and its required count.
struct ConstraintTables {
    struct Sentence {
        /// Index of the sentence's first constraint in `starts`/`lengths`/`counts`.
        let first: Int
        let constraintCount: Int
        /// Σ count × length: the constraint tokens a hypothesis must generate.
        let totalTokens: Int
        /// Whether the constraints fit within the maximum length with room for the end token
        /// after any forced prefix (see `beamSearch` for the rule when they do not).
        let fits: Bool
    }

    let sentences: [Sentence]
    let tokens: [Int32]
    let starts: [Int]
    let lengths: [Int]
    let counts: [Int32]
    /// The most constraints one sentence has: the stride of the per-row counters.
    let stride: Int

    /// nil when no sentence has a constraint: the search then runs exactly as without them.
    init?(_ constraints: [[TokenConstraint]], batchSize: Int, vocabularySize: Int, endToken: Int32,
          forbidden: Set<Int32>, maxLength: Int, prefixLengths: (Int) -> Int, beamSize: Int) throws {
        guard constraints.contains(where: { !$0.isEmpty }) else { return nil }
        func invalid(_ message: String) -> SearchError { .invalidOption(message) }
        guard constraints.count == batchSize else {
            throw invalid("constraints are given for \(constraints.count) sentences, the batch has \(batchSize)")
        }
        // Greedy search keeps one hypothesis, so it could only force every constraint at once
        // at the start: refused rather than done badly.
        guard beamSize >= 2 else { throw invalid("lexical constraints need a beam size of at least 2 (got \(beamSize))") }
        var sentences: [Sentence] = [], tokens: [Int32] = [], starts: [Int] = [], lengths: [Int] = [], counts: [Int32] = []
        var stride = 0
        for (i, list) in constraints.enumerated() {
            var merged: [[Int32]: Int] = [:], order: [[Int32]] = []
            for (k, constraint) in list.enumerated() {
                guard !constraint.tokens.isEmpty else { throw invalid("constraint \(k) of input \(i) has no tokens") }
                guard constraint.count >= 1 else { throw invalid("constraint \(k) of input \(i) has count \(constraint.count); it must be >= 1") }
                for token in constraint.tokens {
                    guard token >= 0 && Int(token) < vocabularySize else {
                        throw invalid("token \(token) of constraint \(k) of input \(i) is outside the vocabulary 0..<\(vocabularySize)")
                    }
                    guard token != endToken else { throw invalid("constraint \(k) of input \(i) holds the end token \(endToken)") }
                    guard !forbidden.contains(token) else {
                        throw invalid("constraint \(k) of input \(i) holds token \(token), which the options forbid")
                    }
                }
                if merged[constraint.tokens] == nil { order.append(constraint.tokens) }
                merged[constraint.tokens, default: 0] += constraint.count
            }
            let first = starts.count
            var total = 0
            for sequence in order {
                starts.append(tokens.count)
                lengths.append(sequence.count)
                counts.append(Int32(merged[sequence]!))
                tokens += sequence
                total += sequence.count * merged[sequence]!
            }
            stride = max(stride, order.count)
            sentences.append(Sentence(first: first, constraintCount: order.count, totalTokens: total,
                                      fits: total <= maxLength - 1 - prefixLengths(i)))
        }
        self.sentences = sentences
        self.tokens = tokens
        self.starts = starts
        self.lengths = lengths
        self.counts = counts
        self.stride = stride
    }

    func isConstrained(_ sentence: Int) -> Bool { sentences[sentence].constraintCount > 0 }
}
