import Foundation
import XCTest
@testable import Decoding

// Token ids of the designed decoders below.
private let unk: Int32 = 0, start: Int32 = 1, end: Int32 = 2
private let A: Int32 = 3, B: Int32 = 4, C: Int32 = 5

/// A decoder given as a tree: `nodes[history]` (generated tokens, the decoder start left out)
/// lists logits by token, every other token getting −30; an unlisted history gets
/// `otherwise(history)`.
private func treeDecoder(_ vocabularySize: Int, sentences: Int = 1, _ nodes: [[Int32]: [Int32: Float]],
                         otherwise: @escaping ([Int32]) -> [Int32: Float]) -> HistoryDecoder {
    HistoryDecoder(vocabularySize: vocabularySize, sentences: sentences) { history in
        let generated = Array(history.dropFirst())
        let listed = nodes[generated] ?? otherwise(generated)
        return (0..<vocabularySize).map { listed[Int32($0)] ?? -30 }
    }
}

/// The same tree given by probabilities (logits = log p).
private func probabilityTree(_ vocabularySize: Int, _ nodes: [[Int32]: [Int32: Double]],
                             otherwise: @escaping ([Int32]) -> [Int32: Float]) -> HistoryDecoder {
    treeDecoder(vocabularySize, nodes.mapValues { $0.mapValues { Float(Foundation.log($0)) } }, otherwise: otherwise)
}

private func e(_ x: Double) -> Double { Foundation.exp(x) }
private func ln(_ x: Double) -> Double { Foundation.log(x) }

/// log-softmax(row)[token] in double precision, tokens in `masked` excluded from the sum.
private func logProbability(_ row: [Float], _ token: Int32, masked: Set<Int32> = []) -> Double {
    let kept = row.indices.filter { !masked.contains(Int32($0)) }.map { Double(row[$0]) }
    let maximum = kept.max()!
    return Double(row[Int(token)]) - maximum - Foundation.log(kept.reduce(0) { $0 + Foundation.exp($1 - maximum) })
}

/// CTranslate2's score of `tokens` (end token included when it ended) recomputed
/// independently in double precision: Σ log-softmax over the decoder's logits with the end
/// token masked below `minLength`, divided by length^lengthPenalty.
private func referenceScore(_ logitsFor: ([Int32]) -> [Float], start: [Int32], tokens: [Int32], ended: Bool,
                            minLength: Int = 1, lengthPenalty: Double = 1) -> Double {
    let generated = ended ? tokens + [end] : tokens
    var history = start
    var sum = 0.0
    for (step, token) in generated.enumerated() {
        sum += logProbability(logitsFor(history), token, masked: step < minLength ? [end] : [])
        history.append(token)
    }
    return sum / Foundation.pow(Double(generated.count), lengthPenalty)
}

/// A tiny pseudo-random language model: each next-token logit is a hash of the whole history
/// (decoder start included) and the token, in [−3, 3]; the end token gains 0.35 per
/// generated token, so hypotheses end at varied lengths; the unknown token gains `unknownBias`.
private func hashLogits(_ vocabularySize: Int, unknownBias: Float = 0) -> @Sendable ([Int32]) -> [Float] {
    { history in
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for t in history { h = (h ^ UInt64(UInt32(bitPattern: t))) &* 0x100_0000_01B3 }
        return (0..<vocabularySize).map { j in
            var x = h ^ (UInt64(j) &* 0x9E37_79B9_7F4A_7C15)
            x ^= x >> 29
            x = x &* 0xBF58_476D_1CE4_E5B9
            x ^= x >> 32
            var value = Float(x % 6001) / 1000 - 3
            if j == end { value += 0.35 * Float(history.count - 1) - 1 }
            if j == unk { value += unknownBias }
            return value
        }
    }
}

private func options(beam: Int, hypotheses: Int = 1, _ change: (inout SearchOptions) -> Void = { _ in }) -> SearchOptions {
    var options = SearchOptions()
    options.beamSize = beam
    options.hypotheses = hypotheses
    change(&options)
    return options
}

final class SearchTests: XCTestCase {
    // MARK: greedy and beam

    func testGreedyPicksTheArgmaxAtEachStep() throws {
        let logits = hashLogits(40)
        var decoder = HistoryDecoder(vocabularySize: 40, sentences: 1, logitsFor: logits)
        let result = try search(decoder: &decoder, startTokens: [[start]], endToken: end, options: options(beam: 1))[0]
        XCTAssertEqual(result.count, 1)
        // Replay: every token is the row's maximum (the end token masked at step 0).
        var history: [Int32] = [start]
        let generated = result[0].tokens + (result[0].endsWithEndToken ? [end] : [])
        for (step, token) in generated.enumerated() {
            var row = logits(history)
            if step == 0 { row[Int(end)] = -.infinity }
            XCTAssertEqual(Int(token), row.indices.max { row[$0] < row[$1] }, "step \(step)")
            history.append(token)
        }
        XCTAssertTrue(result[0].endsWithEndToken)
        XCTAssertGreaterThan(result[0].tokens.count, 1)
        XCTAssertEqual(Double(result[0].score), referenceScore(logits, start: [start], tokens: result[0].tokens, ended: true),
                       accuracy: 1e-5)
    }

    /// After A (p .6) the best continuation is worth .5; after B (p .4) the end token is
    /// worth .95; every other history is uniform over the 8 tokens (ln 1/8 per step). Greedy
    /// takes A, then </s> (tied with C, the first maximum wins): (ln .6 + ln .5)/2 = −0.602;
    /// beam 4 finds B, </s>: (ln .4 + ln .95)/2 = −0.484.
    func testBeamFindsWhatGreedyMisses() throws {
        let nodes: [[Int32]: [Int32: Double]] = [
            []: [A: 0.6, B: 0.4],
            [A]: [end: 0.5, C: 0.5],
            [B]: [end: 0.95, C: 0.05],
        ]
        let uniform: ([Int32]) -> [Int32: Float] = { _ in Dictionary(uniqueKeysWithValues: (0..<8).map { (Int32($0), Float(0)) }) }
        var greedyDecoder = probabilityTree(8, nodes, otherwise: uniform)
        let greedy = try search(decoder: &greedyDecoder, startTokens: [[start]], endToken: end, options: options(beam: 1))[0][0]
        XCTAssertEqual(greedy.tokens, [A])
        XCTAssertEqual(Double(greedy.score), (ln(0.6) + ln(0.5)) / 2, accuracy: 1e-6)

        var beamDecoder = probabilityTree(8, nodes, otherwise: uniform)
        let beam = try search(decoder: &beamDecoder, startTokens: [[start]], endToken: end, options: options(beam: 4))[0][0]
        XCTAssertEqual(beam.tokens, [B])
        XCTAssertEqual(Double(beam.score), (ln(0.4) + ln(0.95)) / 2, accuracy: 1e-6)
        XCTAssertGreaterThan(beam.score, greedy.score)
    }

    /// Three deterministic paths after the first token: A </s> (length 2, Σ = ln .5),
    /// B C C </s> (4, ln .3), C C C C </s> (5, ln .2). Scores Σ/length^α:
    /// α = 0: −0.693, −1.204, −1.609 → A; α = 1: −0.347, −0.301, −0.322 → B C C;
    /// α = 2: −0.173, −0.0753, −0.0644 → C C C C.
    func testLengthPenaltyChangesTheWinner() throws {
        let D: Int32 = 6
        let nodes: [[Int32]: [Int32: Double]] = [
            []: [A: 0.5, B: 0.3, C: 0.2],
            [A]: [end: 1], [B]: [C: 1], [B, C]: [C: 1], [B, C, C]: [end: 1],
            [C]: [C: 1], [C, C]: [C: 1], [C, C, C]: [C: 1], [C, C, C, C]: [end: 1],
        ]
        // Elsewhere: uniform over the tokens other than </s>, so stray beams never finish early.
        let expected: [(Float, [Int32], Double)] = [(0, [A], Foundation.log(0.5)),
                                                     (1, [B, C, C], Foundation.log(0.3) / 4),
                                                     (2, [C, C, C, C], Foundation.log(0.2) / 25)]
        for (alpha, tokens, score) in expected {
            var decoder = probabilityTree(8, nodes) { _ in [unk: 0, start: 0, A: 0, B: 0, C: 0, D: 0, 7: 0] }
            let result = try search(decoder: &decoder, startTokens: [[start]], endToken: end,
                                    options: options(beam: 4, hypotheses: 3) { $0.lengthPenalty = alpha; $0.maxDecodingLength = 8 })[0]
            XCTAssertEqual(result[0].tokens, tokens, "length penalty \(alpha)")
            XCTAssertEqual(Double(result[0].score), score, accuracy: 1e-6, "length penalty \(alpha)")
            XCTAssertEqual(Set(result.map(\.tokens)), Set([[A], [B, C, C], [C, C, C, C]]), "length penalty \(alpha)")
        }
    }

    // MARK: lengths

    /// First-step logits: </s> 2, A 1, B 0 (unk and start −30). With minDecodingLength 1
    /// (the default) </s> is masked BEFORE the softmax, so ln p(A) = 1 − ln(e¹ + e⁰ + 2e⁻³⁰),
    /// renormalized over the other tokens; with 0, </s> comes first and the hypothesis is
    /// empty, score ln p(</s>) / 1; with 3, </s> is masked at steps 0–2.
    func testMinimumLengthMasksTheEndTokenBeforeTheSoftmax() throws {
        let nodes: [[Int32]: [Int32: Float]] = [[]: [end: 2, A: 1, B: 0], [A]: [end: 1, A: 0.5, B: 0]]
        let otherwise: ([Int32]) -> [Int32: Float] = { _ in [end: 2, A: 0, B: 0] }
        func run(_ minLength: Int, beam: Int) throws -> Hypothesis {
            var decoder = treeDecoder(5, nodes, otherwise: otherwise)
            return try search(decoder: &decoder, startTokens: [[start]], endToken: end,
                              options: options(beam: beam) { $0.minDecodingLength = minLength })[0][0]
        }
        let firstA = 1 - ln(e(1) + 1 + 2 * e(-30))
        let thenEnd = 1 - ln(e(1) + e(0.5) + 1 + 2 * e(-30))
        for beam in [1, 2] {
            let one = try run(1, beam: beam)
            XCTAssertEqual(one.tokens, [A])
            XCTAssertTrue(one.endsWithEndToken)
            XCTAssertEqual(Double(one.score), (firstA + thenEnd) / 2, accuracy: 1e-6, "beam \(beam)")

            let zero = try run(0, beam: beam)
            XCTAssertEqual(zero.tokens, [])
            XCTAssertTrue(zero.endsWithEndToken)
            XCTAssertEqual(Double(zero.score), 2 - ln(e(2) + e(1) + 1 + 2 * e(-30)), accuracy: 1e-6)
        }
        // Greedy with 3: A, then at [A] </s> masked so A (0.5), then at [A, A] A and B tie
        // at 0 with </s> masked: the first maximum, A; then </s>.
        let three = try run(3, beam: 1)
        XCTAssertEqual(three.tokens, [A, A, A])
        let decoder = treeDecoder(5, nodes, otherwise: otherwise)
        XCTAssertEqual(Double(three.score),
                       referenceScore(decoder.logitsFor, start: [start], tokens: [A, A, A], ended: true, minLength: 3),
                       accuracy: 1e-6)
    }

    /// maxDecodingLength counts the end token: at most max − 1 tokens then </s>, or exactly
    /// max tokens and no </s>; the score divides by the tokens generated.
    func testMaximumLengthCountsTheEndToken() throws {
        // </s> is unlikely until 3 tokens have been generated, then likely.
        let logitsFor: ([Int32]) -> [Int32: Float] = { generated in
            [end: generated.count >= 3 ? 3 : -4, A: 0.5, B: 0, C: -0.5]
        }
        let decoder = treeDecoder(6, [:], otherwise: logitsFor)
        for beam in [1, 3] {
            for (maxLength, tokens, ended) in [(3, [A, A, A], false), (4, [A, A, A], true), (2, [A, A], false), (1, [A], false)] {
                var d = decoder
                let result = try search(decoder: &d, startTokens: [[start]], endToken: end,
                                        options: options(beam: beam) { $0.maxDecodingLength = maxLength })[0][0]
                XCTAssertEqual(result.tokens, tokens, "beam \(beam) max \(maxLength)")
                XCTAssertEqual(result.endsWithEndToken, ended, "beam \(beam) max \(maxLength)")
                XCTAssertEqual(Double(result.score), referenceScore(decoder.logitsFor, start: [start], tokens: tokens, ended: ended),
                               accuracy: 1e-5, "beam \(beam) max \(maxLength)")
                XCTAssertEqual(d.stepRows.count, maxLength, "every step up to the limit runs")
            }
        }
    }

    func testReturnEndTokenKeepsTheEndTokenAndTheScore() throws {
        let logits = hashLogits(30)
        var plain = HistoryDecoder(vocabularySize: 30, sentences: 1, logitsFor: logits)
        var kept = plain
        let without = try search(decoder: &plain, startTokens: [[start]], endToken: end, options: options(beam: 3, hypotheses: 3))[0]
        let with = try search(decoder: &kept, startTokens: [[start]], endToken: end,
                              options: options(beam: 3, hypotheses: 3) { $0.returnEndToken = true })[0]
        XCTAssertEqual(with.map(\.score), without.map(\.score))
        XCTAssertEqual(with.map(\.tokens), without.map { $0.tokens + ($0.endsWithEndToken ? [end] : []) })
        XCTAssertTrue(without.contains { $0.endsWithEndToken })
    }

    // MARK: n-best

    func testNBestIsSortedDistinctAndScoredLikeCTranslate2() throws {
        for (beam, hypotheses, alpha) in [(5, 5, Float(1)), (4, 2, 0.5), (3, 6, 2)] {
            let logits = hashLogits(50)
            var decoder = HistoryDecoder(vocabularySize: 50, sentences: 1, logitsFor: logits)
            let result = try search(decoder: &decoder, startTokens: [[start]], endToken: end,
                                    options: options(beam: beam, hypotheses: hypotheses) {
                                        $0.lengthPenalty = alpha
                                        $0.patience = Float(hypotheses) / Float(beam)
                                    })[0]
            XCTAssertEqual(result.count, hypotheses)
            XCTAssertEqual(Set(result.map(\.tokens)).count, hypotheses, "distinct hypotheses")
            for (better, worse) in zip(result, result.dropFirst()) {
                XCTAssertGreaterThanOrEqual(better.score, worse.score)
            }
            for h in result {
                XCTAssertEqual(Double(h.score),
                               referenceScore(logits, start: [start], tokens: h.tokens, ended: h.endsWithEndToken,
                                              lengthPenalty: Double(alpha)),
                               accuracy: 1e-5, "\(h.tokens)")
            }
        }
    }

    // MARK: penalties and forbidden tokens

    /// CTranslate2's RepetitionPenalty: the logit s of a token already generated becomes
    /// s·p when s < 0, else s/p (each token once, however often it occurred).
    /// Logits (unk and start −30): [] A 3, B 1, C 0; [A] </s> −0.5, A 2, B 1.5, C −1;
    /// [A, A] </s> −2, A −1, B −0.8, C −3; [A, B] and [A, A, *] </s> 3, others 0.
    /// p = 1: A (3), A (2 > 1.5), B (−0.8), </s>.
    /// p = 2: A, then A → 2/2 = 1 < B 1.5, so B; then </s>.
    /// p = 0.5: A, then A → 2/0.5 = 4, so A; then A → −1·0.5 = −0.5 > B −0.8 > </s> −2, so A; then </s>.
    func testRepetitionPenaltyFollowsCTranslate2() throws {
        let nodes: [[Int32]: [Int32: Float]] = [
            []: [A: 3, B: 1, C: 0, end: 0],
            [A]: [end: -0.5, A: 2, B: 1.5, C: -1],
            [A, A]: [end: -2, A: -1, B: -0.8, C: -3],
        ]
        let otherwise: ([Int32]) -> [Int32: Float] = { _ in [end: 3, A: 0, B: 0, C: 0] }
        var results: [Float: Hypothesis] = [:]
        for penalty: Float in [1, 2, 0.5] {
            for beam in [1, 2] {
                var decoder = treeDecoder(6, nodes, otherwise: otherwise)
                let h = try search(decoder: &decoder, startTokens: [[start]], endToken: end,
                                   options: options(beam: beam) { $0.repetitionPenalty = penalty })[0][0]
                if let greedy = results[penalty] {
                    XCTAssertEqual(h, greedy, "beam 2 agrees with greedy at penalty \(penalty)")
                }
                results[penalty] = h
            }
        }
        XCTAssertEqual(results[1]?.tokens, [A, A, B])
        XCTAssertEqual(results[2]?.tokens, [A, B])
        XCTAssertEqual(results[0.5]?.tokens, [A, A, A])
        // The score uses the penalized logits. p = 2, by hand:
        let step0: Double = 3 - ln(e(3) + e(1) + e(0) + 2 * e(-30))              // </s> masked
        let step1: Double = 1.5 - ln(e(-0.5) + e(1) + e(1.5) + e(-1) + 2 * e(-30)) // A: 2 → 1
        let step2: Double = 3 - ln(e(3) + 3 + 2 * e(-30))                         // A, B: 0 stay 0
        XCTAssertEqual(Double(results[2]!.score), (step0 + step1 + step2) / 3, accuracy: 1e-6)
        // p = 0.5: the last step's row is [</s> 3, A 0 (0 stays 0), B 0, C 0].
        let a0: Double = 3 - ln(e(3) + e(1) + e(0) + 2 * e(-30))
        let a1: Double = 4 - ln(e(-0.5) + e(4) + e(1.5) + e(-1) + 2 * e(-30))      // A: 2 → 4
        let a2: Double = -0.5 - ln(e(-2) + e(-0.5) + e(-0.8) + e(-3) + 2 * e(-30)) // A: −1 → −0.5
        let a3: Double = 3 - ln(e(3) + 3 + 2 * e(-30))
        XCTAssertEqual(Double(results[0.5]!.score), (a0 + a1 + a2 + a3) / 4, accuracy: 1e-6)
    }

    /// CTranslate2's NoRepeatNgram: with the last n−1 tokens as key, every earlier
    /// occurrence of the key forbids the token that followed it. The model loves A B A B …
    /// (after A: B 2, C 1, A 0; after B: A 2, C 1, B 0; after C: </s> 3; </s> −1 otherwise).
    /// n = 0: A B A B A B (cut at 6). n = 2: at [A B A] the key A occurred before B, so B is
    /// forbidden: C, then </s>. n = 3: at [A B A B] the key A B occurred before A: C, </s>.
    /// n = 1: every earlier token is forbidden: A B C </s>. (Greedy: a beam would stop once
    /// `beam` hypotheses have finished, before the cut-off A B A B A B; the CTranslate2
    /// parity cases cover n-grams in beam search.)
    func testNoRepeatNgramFollowsCTranslate2() throws {
        let otherwise: ([Int32]) -> [Int32: Float] = { generated in
            guard let last = generated.last else { return [A: 2, B: 0, C: 0] }
            if last == A { return [B: 2, C: 1, A: 0, end: -1] }
            if last == B { return [A: 2, C: 1, B: 0, end: -1] }
            return [end: 3, A: 0, B: 0, C: 0]
        }
        let expected: [(Int, [Int32], Bool)] = [(0, [A, B, A, B, A, B], false), (2, [A, B, A, C], true),
                                                (3, [A, B, A, B, C], true), (1, [A, B, C], true)]
        for (n, tokens, ended) in expected {
            var decoder = treeDecoder(6, [:], otherwise: otherwise)
            let h = try search(decoder: &decoder, startTokens: [[start]], endToken: end,
                               options: options(beam: 1) { $0.noRepeatNgramSize = n; $0.maxDecodingLength = 6 })[0][0]
            XCTAssertEqual(h.tokens, tokens, "n = \(n)")
            XCTAssertEqual(h.endsWithEndToken, ended, "n = \(n)")
        }
    }

    func testForbiddenTokensNeverAppear() throws {
        let logits = hashLogits(24, unknownBias: 2.5)
        let starts: [[Int32]] = [[start], [7], [8]]
        func tokens(_ change: (inout SearchOptions) -> Void) throws -> Set<Int32> {
            var decoder = HistoryDecoder(vocabularySize: 24, sentences: 3, logitsFor: logits)
            let results = try search(decoder: &decoder, startTokens: starts, endToken: end, unknownToken: unk,
                                     options: options(beam: 4, hypotheses: 4, change))
            return Set(results.flatMap { $0.flatMap(\.tokens) })
        }
        let free = try tokens { _ in }
        XCTAssertTrue(free.contains(unk) && free.contains(10) && free.contains(11), "the test can fail: \(free.sorted())")
        let forbidden = try tokens { $0.disableUnknown = true; $0.suppressedTokens = [10]; $0.suppressedSequences = [[11]] }
        XCTAssertTrue(forbidden.isDisjoint(with: [unk, 10, 11]), "\(forbidden.sorted())")
        var greedy = HistoryDecoder(vocabularySize: 24, sentences: 3, logitsFor: logits)
        let greedyTokens = try search(decoder: &greedy, startTokens: starts, endToken: end, unknownToken: unk,
                                      options: options(beam: 1) { $0.disableUnknown = true }).flatMap { $0.flatMap(\.tokens) }
        XCTAssertFalse(greedyTokens.contains(unk))
    }

    // MARK: batches

    /// Sentences of one batch finish at different steps, leave the decoder's batch as they
    /// do, and get exactly the results they get alone.
    func testSentencesInABatchFinishIndependently() throws {
        let logits = hashLogits(60)
        let starts: [[Int32]] = [[start], [3], [4], [5], [6], [7]]
        for (beam, hypotheses) in [(1, 1), (4, 2), (5, 5)] {
            var batchDecoder = HistoryDecoder(vocabularySize: 60, sentences: starts.count, logitsFor: logits)
            let batch = try search(decoder: &batchDecoder, startTokens: starts, endToken: end,
                                   options: options(beam: beam, hypotheses: hypotheses))
            var lengths: Set<Int> = []
            for (s, start) in starts.enumerated() {
                var alone = HistoryDecoder(vocabularySize: 60, sentences: 1, logitsFor: logits)
                let single = try search(decoder: &alone, startTokens: [start], endToken: end,
                                        options: options(beam: beam, hypotheses: hypotheses))[0]
                XCTAssertEqual(batch[s], single, "beam \(beam), sentence \(s)")
                lengths.insert(single[0].tokens.count)
            }
            XCTAssertGreaterThan(lengths.count, 1, "the sentences end at different lengths: \(lengths)")
            // The decoder's batch shrinks as sentences finish.
            let rows = batchDecoder.stepRows
            XCTAssertEqual(rows.first, starts.count)
            if beam > 1 { XCTAssertEqual(rows[1], starts.count * beam) }
            XCTAssertLessThan(rows.last!, rows.max()!)
            for (earlier, later) in zip(rows.dropFirst(), rows.dropFirst(2)) { XCTAssertGreaterThanOrEqual(earlier, later) }
        }
    }

    /// With `threads` > 1 and steps of 64K logits or more, sentences (beam) or rows (greedy)
    /// are processed in parallel chunks; the results are the same.
    func testThreadsGiveTheSameResults() throws {
        let vocabularySize = 8_192   // 8 rows make the 64K logits of a parallel step
        let rows: [[Float]] = (0..<11).map { r in
            (0..<vocabularySize).map { j in
                var x = UInt64(r &* 7_919 &+ j &* 104_729 &+ 1)
                x ^= x >> 17
                x = x &* 0xED5A_D4BB
                x ^= x >> 11
                return Float(x % 4001) / 500 - 4 + (j == Int(end) ? 1.5 : 0)
            }
        }
        let logitsFor: ([Int32]) -> [Float] = { history in
            rows[history.reduce(5) { ($0 &* 31 &+ Int($1)) % 1_000_003 } % rows.count]
        }
        let starts: [[Int32]] = (0..<8).map { [Int32($0 + 3)] }
        for (beam, hypotheses) in [(1, 1), (4, 3)] {
            var results: [[[Hypothesis]]] = []
            for threads in [1, 3] {
                var decoder = HistoryDecoder(vocabularySize: vocabularySize, sentences: starts.count, logitsFor: logitsFor)
                results.append(try search(decoder: &decoder, startTokens: starts, endToken: end,
                                          options: options(beam: beam, hypotheses: hypotheses) {
                                              $0.maxDecodingLength = 3
                                              $0.repetitionPenalty = 1.2
                                          }, threads: threads))
            }
            XCTAssertEqual(results[0], results[1], "beam \(beam)")
            XCTAssertEqual(results[0].count, starts.count)
        }
    }

    /// A forced prefix (NLLB's target language, say) is fed, returned and scored 0 per token.
    func testForcedPrefixIsReturnedAndScoredZero() throws {
        let logits = hashLogits(30)
        for beam in [1, 3] {
            var decoder = HistoryDecoder(vocabularySize: 30, sentences: 2, logitsFor: logits)
            let results = try search(decoder: &decoder, startTokens: [[start, 9, 10], [start]], endToken: end,
                                     options: options(beam: beam))
            let h = results[0][0]
            XCTAssertEqual(Array(h.tokens.prefix(2)), [9, 10])
            // Σ over the free tokens only, divided by the full length.
            var history: [Int32] = [start, 9, 10]
            var sum = 0.0
            for token in h.tokens.dropFirst(2) + (h.endsWithEndToken ? [end] : []) {
                sum += logProbability(logits(history), token)
                history.append(token)
            }
            XCTAssertEqual(Double(h.score), sum / Double(h.tokens.count + (h.endsWithEndToken ? 1 : 0)), accuracy: 1e-5)
            XCTAssertNotEqual(Array(results[1][0].tokens.prefix(2)), [9, 10])
        }
    }

    // MARK: contract

    func testInvalidOptionsAreRejectedAsCTranslate2RejectsThem() {
        func rejects(_ start: [[Int32]] = [[start]], unknown: Int32? = nil, _ change: (inout SearchOptions) -> Void,
                     line: UInt = #line) {
            var decoder = HistoryDecoder(vocabularySize: 10, sentences: start.count, logitsFor: hashLogits(10))
            var o = SearchOptions()
            change(&o)
            XCTAssertThrowsError(try search(decoder: &decoder, startTokens: start, endToken: end, unknownToken: unknown, options: o),
                                 line: line) { error in
                guard case SearchError.invalidOption = error else { return XCTFail("\(error)", line: line) }
            }
            XCTAssertTrue(decoder.stepRows.isEmpty, "nothing ran", line: line)
        }
        rejects { $0.beamSize = 0 }
        rejects { $0.patience = 0 }
        rejects { $0.hypotheses = 0 }
        rejects { $0.beamSize = 2; $0.hypotheses = 3 }
        rejects { $0.beamSize = 1; $0.hypotheses = 2 }
        rejects { $0.maxDecodingLength = 0; $0.minDecodingLength = 0 }
        rejects { $0.minDecodingLength = 5; $0.maxDecodingLength = 4 }
        rejects { $0.repetitionPenalty = 0 }
        rejects { $0.disableUnknown = true }
        rejects { $0.suppressedTokens = [10] }
        rejects([]) { _ in }
        rejects([[start], []]) { _ in }
        rejects([[start, 12]]) { _ in }
    }

    func testADecoderReturningTheWrongNumberOfLogitsIsAnError() {
        struct Short: StepDecoder {
            let vocabularySize = 10
            mutating func step(_ tokens: [Int32], logits: inout [Float]) throws {
                logits = [Float](repeating: 0, count: tokens.count * vocabularySize - 1)
            }
            mutating func reorder(_ indices: [Int]) throws {}
        }
        var decoder = Short()
        XCTAssertThrowsError(try search(decoder: &decoder, startTokens: [[start]], endToken: end, options: SearchOptions())) {
            guard case SearchError.decoderContract = $0 else { return XCTFail("\($0)") }
        }
    }
}
