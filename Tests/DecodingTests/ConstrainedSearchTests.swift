import Foundation
import XCTest
@testable import Decoding

private let end: Int32 = 2

/// Non-overlapping occurrences of `needle` in `tokens`, left to right.
private func occurrences(of needle: [Int32], in tokens: [Int32]) -> Int {
    var count = 0, k = 0
    while k + needle.count <= tokens.count {
        if Array(tokens[k..<(k + needle.count)]) == needle { count += 1; k += needle.count } else { k += 1 }
    }
    return count
}

/// The score of `tokens` recomputed in double precision from the decoder's logits: Σ
/// log-softmax (the end token masked before the softmax below the minimum length 1), divided
/// by the length counting the end token.
private func referenceScore(_ decoder: HistoryDecoder, start: [Int32], tokens: [Int32], ended: Bool) -> Double {
    let generated = ended ? tokens + [end] : tokens
    var history = start
    var sum = 0.0
    for (step, token) in generated.enumerated() {
        let row = decoder.logitsFor(history)
        let kept = row.indices.filter { !(step == 0 && $0 == Int(end)) }.map { Double(row[$0]) }
        let maximum = kept.max()!
        sum += Double(row[Int(token)]) - maximum - Foundation.log(kept.reduce(0) { $0 + Foundation.exp($1 - maximum) })
        history.append(token)
    }
    return sum / Double(generated.count)
}

/// A deterministic generator for the random cases (SplitMix64).
private struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

/// 1–3 constraints of 1–3 tokens (ids 3…202 of the wide table), counts 1–2.
private func randomConstraints(_ g: inout Generator) -> [TokenConstraint] {
    (0..<g.int(1...3)).map { _ in
        TokenConstraint(tokens: (0..<g.int(1...3)).map { _ in Int32(g.int(3...202)) }, count: g.int(1...2))
    }
}

private func options(beam: Int, hypotheses: Int = 1, maxLength: Int = 48, _ change: (inout SearchOptions) -> Void = { _ in }) -> SearchOptions {
    var options = SearchOptions()
    options.beamSize = beam
    options.hypotheses = hypotheses
    options.maxDecodingLength = maxLength
    change(&options)
    return options
}

/// Lexically constrained beam search (dynamic beam allocation) on the wide Markov table of
/// the CTranslate2 parity cases: 203 tokens, </s> favoured, so unconstrained outputs are
/// short and a constraint is almost never met by chance.
final class ConstrainedSearchTests: XCTestCase {
    /// Start tokens that make sentences of the first-order table differ from each other.
    let starts: [Int32] = [1, 7, 19, 42, 77, 101, 150, 202]

    func run(_ starts: [Int32], _ constraints: [[TokenConstraint]], _ options: SearchOptions) throws -> [[Hypothesis]] {
        var decoder = markovDecoder(wideMarkovTable, sentences: starts.count)
        return try search(decoder: &decoder, startTokens: starts.map { [$0] }, endToken: end, unknownToken: 0,
                          options: options, constraints: constraints)
    }

    func testEveryConstraintAppearsAsOftenAsRequired() throws {
        var g = Generator(state: 6)
        var cases = 0, metByChance = 0, ended = 0
        for beam in [2, 4, 5] {
            for round in 0..<40 {
                let constraints = starts.map { _ in randomConstraints(&g) }
                let found = try run(starts, constraints, options(beam: beam, hypotheses: beam == 5 ? 3 : 1))
                let plain = try run(starts, [], options(beam: beam))
                for (s, hypotheses) in found.enumerated() {
                    let best = try XCTUnwrap(hypotheses.first)
                    // The merged list the search reports against: here no two are identical.
                    let wanted = constraints[s]
                    guard Set(wanted.map(\.tokens)).count == wanted.count else { continue }
                    cases += 1
                    XCTAssertEqual(best.constraintsMet, wanted.map(\.count), "beam \(beam) round \(round) sentence \(s)")
                    for c in wanted {
                        XCTAssertGreaterThanOrEqual(occurrences(of: c.tokens, in: best.tokens), c.count,
                                                    "beam \(beam) round \(round) sentence \(s): \(c.tokens)×\(c.count) not in \(best.tokens)")
                    }
                    if wanted.allSatisfy({ occurrences(of: $0.tokens, in: plain[s][0].tokens) >= $0.count }) { metByChance += 1 }
                    // Scores are the model's own log-probabilities of what was forced.
                    let decoder = markovDecoder(wideMarkovTable, sentences: 1)
                    XCTAssertEqual(Double(best.score), referenceScore(decoder, start: [starts[s]], tokens: best.tokens, ended: best.endsWithEndToken),
                                   accuracy: 1e-4, "beam \(beam) round \(round) sentence \(s)")
                    // Cut only at the maximum length (the table has cycles without </s>).
                    if !best.endsWithEndToken { XCTAssertEqual(best.tokens.count, 48) } else { ended += 1 }
                    // n-best: those that meet every constraint first, each group best first.
                    let meeting = hypotheses.prefix { $0.constraintsMet == wanted.map(\.count) }
                    XCTAssertFalse(hypotheses.dropFirst(meeting.count).contains { $0.constraintsMet == wanted.map(\.count) })
                    XCTAssertEqual(meeting.map(\.score), meeting.map(\.score).sorted(by: >))
                }
            }
        }
        print("constrained Markov search: \(cases) sentences, every constraint met, \(ended) ended with </s> (the rest cut at the maximum length); the unconstrained search met them in \(metByChance)")
        XCTAssertGreaterThan(cases, 800)
        XCTAssertLessThan(metByChance, cases / 20, "the table must not produce the constraints by itself")
    }

    func testWithoutConstraintsTheSearchIsUnchanged() throws {
        for beam in [2, 4] {
            let plain = try run(starts, [], options(beam: beam, hypotheses: 2))
            let empty = try run(starts, starts.map { _ in [] }, options(beam: beam, hypotheses: 2))
            XCTAssertEqual(plain, empty)
            XCTAssertTrue(plain.joined().allSatisfy { $0.constraintsMet.isEmpty })
        }
        // Greedy with empty constraint lists is still greedy.
        XCTAssertEqual(try run(starts, starts.map { _ in [] }, options(beam: 1)), try run(starts, [], options(beam: 1)))
    }

    /// A batch where some sentences have constraints gives each sentence what it gets alone:
    /// the constrained ones their constrained result, the others exactly the plain search's.
    func testMixedBatchesMatchSentencesRunOneByOne() throws {
        var g = Generator(state: 11)
        for (beam, hypotheses, penalty) in [(4, 1, Float(1)), (3, 3, Float(1)), (4, 2, Float(0)), (2, 1, Float(0.6))] {
            for round in 0..<6 {
                let constraints = starts.map { _ in g.int(0...1) == 0 ? [] : randomConstraints(&g) }
                let o = options(beam: beam, hypotheses: hypotheses) { $0.lengthPenalty = penalty }
                let batch = try run(starts, constraints, o)
                for (s, start) in starts.enumerated() {
                    let alone = try run([start], constraints[s].isEmpty ? [] : [constraints[s]], o)[0]
                    XCTAssertEqual(batch[s], alone, "beam \(beam) round \(round) sentence \(s)")
                    if constraints[s].isEmpty {
                        XCTAssertEqual(batch[s], try run([start], [], o)[0])
                    }
                }
            }
        }
    }

    /// Constraints with a forced prefix: the prefix comes first, the constraints after it.
    func testConstraintsAfterAForcedPrefix() throws {
        let constraint = TokenConstraint(tokens: [30, 31, 32], count: 2)
        var decoder = markovDecoder(wideMarkovTable, sentences: 2)
        let found = try search(decoder: &decoder, startTokens: [[1, 9, 10], [1]], endToken: end, unknownToken: 0,
                               options: options(beam: 4), constraints: [[constraint], [constraint]])
        XCTAssertEqual(Array(found[0][0].tokens.prefix(2)), [9, 10])
        for h in [found[0][0], found[1][0]] {
            XCTAssertEqual(occurrences(of: constraint.tokens, in: h.tokens), 2, "\(h.tokens)")
            XCTAssertEqual(h.constraintsMet, [2])
        }
    }

    /// Identical constraints are merged (their counts added); one that is a part of another
    /// needs its own occurrence; shared prefixes lose nothing.
    func testOverlappingAndRepeatedConstraints() throws {
        let cases: [[TokenConstraint]] = [
            [TokenConstraint(tokens: [40, 41]), TokenConstraint(tokens: [40, 41])],
            [TokenConstraint(tokens: [50, 51, 52]), TokenConstraint(tokens: [51])],
            [TokenConstraint(tokens: [60, 61, 62]), TokenConstraint(tokens: [60, 61, 63])],
            [TokenConstraint(tokens: [70, 70, 71])],
        ]
        for constraints in cases {
            let h = try run([1], [constraints], options(beam: 4))[0][0]
            var required: [[Int32]: Int] = [:]
            for c in constraints { required[c.tokens, default: 0] += c.count }
            XCTAssertEqual(h.constraintsMet.reduce(0, +), constraints.count, "\(constraints) → \(h.tokens)")
            XCTAssertEqual(h.constraintsMet.count, required.count)
            for (tokens, count) in required {
                XCTAssertGreaterThanOrEqual(occurrences(of: tokens, in: h.tokens), count, "\(tokens) in \(h.tokens)")
            }
            if constraints.count == 2 && constraints[1].tokens == [51] {
                // 51 inside 50 51 52 does not count for the lone 51: two 51s.
                XCTAssertGreaterThanOrEqual(h.tokens.filter { $0 == 51 }.count, 2, "\(h.tokens)")
            }
        }
    }

    /// Constraints that do not fit within the maximum length (room for the end token after
    /// them): the search still ends, its hypotheses cut at the limit or ended once the
    /// constraints could no longer fit, the ones that met more occurrences first; with one
    /// step more they fit and are met.
    func testConstraintsThatDoNotFitEndUnconstrained() throws {
        let constraint = TokenConstraint(tokens: [80, 81, 82, 83], count: 2)   // 8 tokens
        for maxLength in [1, 4, 6, 8] {
            let hypotheses = try run([1], [[constraint]], options(beam: 4, hypotheses: 4, maxLength: maxLength))[0]
            XCTAssertEqual(hypotheses.count, 4)
            for h in hypotheses {
                XCTAssertLessThanOrEqual(h.tokens.count, maxLength)
                XCTAssertLessThanOrEqual(h.constraintsMet[0], h.tokens.count / 4, "max \(maxLength): \(h.tokens)")
            }
            XCTAssertEqual(hypotheses.map { $0.constraintsMet[0] }, hypotheses.map { $0.constraintsMet[0] }.sorted(by: >))
        }
        let h = try run([1], [[constraint]], options(beam: 4, maxLength: 9))[0][0]
        XCTAssertEqual(h.constraintsMet, [2], "\(h.tokens)")
        XCTAssertEqual(occurrences(of: constraint.tokens, in: h.tokens), 2)
    }

    func testProgressIsLostOnDeviationAndResumedFromTheLongestSuffix() throws {
        let tables = try XCTUnwrap(ConstraintTables(
            [[TokenConstraint(tokens: [5, 5, 6]), TokenConstraint(tokens: [7, 8, 9]), TokenConstraint(tokens: [7, 8, 4]), TokenConstraint(tokens: [8])]],
            batchSize: 1, vocabularySize: 10, endToken: 2, forbidden: [], maxLength: 20, prefixLengths: { _ in 0 }, beamSize: 2))
        func feed(_ tokens: [Int32], remaining: [Int32] = [1, 1, 1, 1]) -> ConstraintProgress {
            var state = ConstraintProgress()
            var left = remaining
            for token in tokens {
                state = left.withUnsafeBufferPointer {
                    ConstraintProgress.advance(tables, sentence: 0, remaining: $0.baseAddress!, constraint: state.constraint, length: state.length, token: token)
                }
                if state.completed >= 0 { left[Int(state.completed)] -= 1 }
            }
            return state
        }
        XCTAssertEqual(feed([5, 5]), ConstraintProgress(completed: -1, constraint: 0, length: 2))
        XCTAssertEqual(feed([5, 5, 5]), ConstraintProgress(completed: -1, constraint: 0, length: 2), "5 5 5: the last two still begin 5 5 6")
        XCTAssertEqual(feed([5, 5, 5, 6]), ConstraintProgress(completed: 0, constraint: -1, length: 0))
        XCTAssertEqual(feed([5, 3]), ConstraintProgress(), "deviation: progress lost")
        XCTAssertEqual(feed([7, 8, 4]), ConstraintProgress(completed: 2, constraint: -1, length: 0), "a shared prefix switches constraints")
        XCTAssertEqual(feed([7, 3, 8]), ConstraintProgress(completed: 3, constraint: -1, length: 0), "after a deviation the token may meet another")
        XCTAssertEqual(feed([8]), ConstraintProgress(completed: 3, constraint: -1, length: 0))
        XCTAssertEqual(feed([8], remaining: [1, 1, 1, 0]), ConstraintProgress(), "a met constraint is not met again")
        XCTAssertEqual(feed([7], remaining: [1, 0, 1, 1]), ConstraintProgress(completed: -1, constraint: 2, length: 1))
    }

    func testInvalidConstraintsAreRejected() {
        func error(_ constraints: [[TokenConstraint]], beam: Int = 4, sentences: Int = 1, _ change: (inout SearchOptions) -> Void = { _ in }) -> String? {
            do {
                _ = try run(Array(starts.prefix(sentences)), constraints, options(beam: beam, change))
                return nil
            } catch {
                return "\(error)"
            }
        }
        let ok = TokenConstraint(tokens: [10, 11])
        XCTAssertNil(error([[ok]]))
        XCTAssertEqual(error([[ok]], beam: 1), "search: invalid option: lexical constraints need a beam size of at least 2 (got 1)")
        XCTAssertEqual(error([[ok]], sentences: 2), "search: invalid option: constraints are given for 1 sentences, the batch has 2")
        XCTAssertEqual(error([[TokenConstraint(tokens: [])]]), "search: invalid option: constraint 0 of input 0 has no tokens")
        XCTAssertEqual(error([[TokenConstraint(tokens: [5], count: 0)]]), "search: invalid option: constraint 0 of input 0 has count 0; it must be >= 1")
        XCTAssertEqual(error([[ok, TokenConstraint(tokens: [5, 2])]]), "search: invalid option: constraint 1 of input 0 holds the end token 2")
        XCTAssertEqual(error([[TokenConstraint(tokens: [203])]]), "search: invalid option: token 203 of constraint 0 of input 0 is outside the vocabulary 0..<203")
        XCTAssertEqual(error([[TokenConstraint(tokens: [0])]]) { $0.disableUnknown = true },
                       "search: invalid option: constraint 0 of input 0 holds token 0, which the options forbid")
    }
}
