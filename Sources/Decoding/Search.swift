import Foundation

/// Greedy or beam search over `decoder` for a batch of sentences, with CTranslate2 4.x
/// semantics (decoding.cc `decode`, `GreedySearch::search`, `BeamSearch::search`; the
/// Translator's end-token removal): beam size 1 runs the greedy search, more the beam
/// search; results and scores match CTranslate2's for the same logits.
///
/// - Parameters:
///   - decoder: holds one fresh row per sentence, in the order of `startTokens`. Finished
///     sentences leave it through `reorder`, so its batch shrinks as sentences finish.
///   - startTokens: per sentence, the decoder-start token, then any forced target prefix
///     (for example NLLB's `[</s>, kor_Hang]`). Forced tokens are returned with the
///     hypothesis, score 0 each, and count toward the length limits, as in CTranslate2
///     with `return_prefix` (the Translator's default).
///   - endToken: the end-of-sentence id.
///   - unknownToken: the unknown id, forbidden when `options.disableUnknown`.
///   - threads: threads for the per-row work between decoder steps (log-softmax, top-k),
///     used when a step has at least 64K logits; the decoder's BLAS threads are idle then.
///   - constraints: empty, or per sentence its lexical constraints (token sequences that
///     must appear, each `count` times; see `ConstrainedBeams` for the search). With none
///     at all the search is exactly the unconstrained one; in a batch with some, each
///     sentence without constraints still comes out exactly as unconstrained. Constraints
///     need beam search (beam size ≥ 2), and may not hold the end token or a token the
///     options forbid. Every returned hypothesis says in `constraintsMet` how often it met
///     each of its sentence's constraints (identical sequences merged, in first-seen order).
/// - Returns: per sentence, `options.hypotheses` hypotheses, best first (with constraints:
///   those that meet all of them first).
public func search<Decoder: StepDecoder>(
    decoder: inout Decoder, startTokens: [[Int32]], endToken: Int32, unknownToken: Int32? = nil,
    options: SearchOptions, threads: Int = 1, constraints: [[TokenConstraint]] = []
) throws -> [[Hypothesis]] {
    let setup = try SearchSetup(vocabularySize: decoder.vocabularySize, startTokens: startTokens,
                                endToken: endToken, unknownToken: unknownToken, options: options, threads: threads,
                                constraints: constraints)
    if options.beamSize == 1 {
        return try greedySearch(decoder: &decoder, setup)
    }
    return try beamSearch(decoder: &decoder, setup)
}

/// Validated options and the per-search constants both searches share.
struct SearchSetup {
    let vocabularySize: Int
    let batchSize: Int
    let startIds: [Int32]
    /// Forced prefix per sentence; nil when no sentence has one (CTranslate2 then passes no
    /// prefix at all, which matters: with a prefix, `</s>` is penalized in secondary beams
    /// at each sentence's first free step).
    let prefixes: [[Int32]]?
    let endToken: Int32
    let maxLength: Int
    let rules: LogitsRules
    let beamSize: Int
    let hypotheses: Int
    let lengthPenalty: Float
    /// round(beamSize × patience): finished hypotheses that end a sentence.
    let maxCandidates: Int
    let returnEndToken: Bool
    let threads: Int
    /// nil when no sentence has a constraint.
    let constraints: ConstraintTables?

    init(vocabularySize: Int, startTokens: [[Int32]], endToken: Int32, unknownToken: Int32?,
         options: SearchOptions, threads: Int, constraints: [[TokenConstraint]] = []) throws {
        func invalid(_ message: String) -> SearchError { .invalidOption(message) }
        // decoding.cc validate_decoding_options, in its order.
        guard options.beamSize > 0 else { throw invalid("the beam size must be > 0 (got \(options.beamSize))") }
        guard options.patience > 0 else { throw invalid("the patience factor must be > 0 (got \(options.patience))") }
        guard options.hypotheses > 0 else { throw invalid("the number of hypotheses must be > 0 (got \(options.hypotheses))") }
        let maxCandidates = Int((Float(options.beamSize) * options.patience).rounded())
        guard options.hypotheses <= maxCandidates else {
            throw invalid("the number of hypotheses (\(options.hypotheses)) cannot be greater than beam size × patience (\(maxCandidates))")
        }
        guard options.minDecodingLength >= 0 else { throw invalid("the minimum decoding length must be >= 0 (got \(options.minDecodingLength))") }
        guard options.minDecodingLength <= options.maxDecodingLength else {
            throw invalid("the minimum decoding length (\(options.minDecodingLength)) is greater than the maximum decoding length (\(options.maxDecodingLength))")
        }
        guard options.maxDecodingLength > 0 else { throw invalid("the maximum decoding length must be > 0 (got \(options.maxDecodingLength))") }
        guard options.repetitionPenalty > 0 else { throw invalid("the repetition penalty must be > 0 (got \(options.repetitionPenalty))") }
        guard options.noRepeatNgramSize >= 0 else { throw invalid("the no-repeat n-gram size must be >= 0 (got \(options.noRepeatNgramSize))") }
        guard threads >= 1 else { throw invalid("threads must be >= 1 (got \(threads))") }
        guard vocabularySize >= 2 else { throw SearchError.decoderContract("vocabulary size \(vocabularySize); the search needs at least 2") }
        guard !startTokens.isEmpty else { throw invalid("no decoder start tokens are set") }

        let vocabulary = 0..<Int32(vocabularySize)
        func check(_ token: Int32, _ what: String) throws {
            guard vocabulary.contains(token) else { throw invalid("\(what) \(token) is outside the vocabulary 0..<\(vocabularySize)") }
        }
        try check(endToken, "end token")
        for (i, tokens) in startTokens.enumerated() {
            guard !tokens.isEmpty else { throw invalid("input \(i) has no decoder start token") }
            for token in tokens { try check(token, "start token of input \(i)") }
        }
        var suppressed: [Int] = []
        var sequences: [[Int32]] = []
        if options.disableUnknown {
            guard let unknownToken else { throw invalid("disableUnknown needs the unknown token id") }
            try check(unknownToken, "unknown token")
            suppressed.append(Int(unknownToken))
        }
        for token in options.suppressedTokens {
            try check(token, "suppressed token")
            suppressed.append(Int(token))
        }
        for sequence in options.suppressedSequences {
            for token in sequence { try check(token, "token of a suppressed sequence") }
            if sequence.count == 1 { suppressed.append(Int(sequence[0])) }
            else if sequence.count > 1 { sequences.append(sequence) }
        }

        self.vocabularySize = vocabularySize
        batchSize = startTokens.count
        startIds = startTokens.map { $0[0] }
        prefixes = startTokens.contains { $0.count > 1 } ? startTokens.map { Array($0.dropFirst()) } : nil
        self.endToken = endToken
        maxLength = options.maxDecodingLength
        rules = LogitsRules(endToken: Int(endToken), minLength: options.minDecodingLength,
                            repetitionPenalty: options.repetitionPenalty,
                            noRepeatNgramSize: options.noRepeatNgramSize,
                            suppressed: suppressed, sequences: sequences)
        beamSize = options.beamSize
        hypotheses = options.hypotheses
        lengthPenalty = options.lengthPenalty
        self.maxCandidates = maxCandidates
        returnEndToken = options.returnEndToken
        self.threads = threads
        let prefixes = self.prefixes
        self.constraints = try ConstraintTables(constraints, batchSize: startTokens.count, vocabularySize: vocabularySize,
                                                endToken: endToken, forbidden: Set(suppressed.map(Int32.init)),
                                                maxLength: options.maxDecodingLength,
                                                prefixLengths: { prefixes?[$0].count ?? 0 }, beamSize: options.beamSize)
    }

    func prefixLength(_ sentence: Int) -> Int { prefixes?[sentence].count ?? 0 }

    /// decoding.cc `finalize_result` then the Translator's end-token removal: each score is
    /// divided by length^lengthPenalty (the length counts the end token), the hypotheses are
    /// sorted best first (stably: libstdc++'s std::sort is an insertion sort below 17
    /// elements) and cut to the n-best size; trailing end tokens are dropped unless
    /// `returnEndToken`.
    ///
    /// With constraints (`met`: per raw hypothesis, its met count of each constraint), the
    /// hypotheses that met more constraint occurrences sort first, so those that meet them
    /// all come before the others.
    func finalize(_ raw: [(tokens: [Int32], score: Float)], met: [[Int]]? = nil) -> [Hypothesis] {
        var normalized = raw.enumerated().map { k, hypothesis -> Hypothesis in
            let score = hypothesis.score / Foundation.pow(Float(hypothesis.tokens.count), lengthPenalty)
            var tokens = hypothesis.tokens
            let ended = tokens.last == endToken
            if !returnEndToken {
                while tokens.last == endToken { tokens.removeLast() }
            }
            return Hypothesis(tokens: tokens, score: score, endsWithEndToken: ended, constraintsMet: met?[k] ?? [])
        }
        // Insertion sort on `>`: stable, as libstdc++'s for these sizes. With constraints the
        // key is (occurrences met, score).
        var occurrences = met?.map { $0.reduce(0, +) } ?? []
        for i in normalized.indices.dropFirst() {
            let item = normalized[i]
            let itemOccurrences = occurrences.isEmpty ? 0 : occurrences[i]
            var j = i
            while j > 0 {
                let before = occurrences.isEmpty ? 0 : occurrences[j - 1]
                guard itemOccurrences != before ? itemOccurrences > before : item.score > normalized[j - 1].score else { break }
                normalized[j] = normalized[j - 1]
                if !occurrences.isEmpty { occurrences[j] = occurrences[j - 1] }
                j -= 1
            }
            normalized[j] = item
            if !occurrences.isEmpty { occurrences[j] = itemOccurrences }
        }
        return Array(normalized.prefix(hypotheses))
    }
}

/// Checks the decoder's logits buffer for `rows` rows.
@inline(__always)
func checkLogits(_ logits: [Float], rows: Int, vocabularySize: Int) throws {
    guard logits.count == rows * vocabularySize else {
        throw SearchError.decoderContract("step returned \(logits.count) logits for \(rows) rows of \(vocabularySize)")
    }
}
