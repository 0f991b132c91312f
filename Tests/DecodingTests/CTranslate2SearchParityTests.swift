import XCTest
@testable import Decoding

/// The search against CTranslate2 4.8.5 itself, on a model whose logits are an exact table
/// (CTranslate2MarkovReference.swift): same tokens, same order, same end flags, scores equal
/// to float rounding (CTranslate2's AVX kernels may round the log-softmax sum differently).
final class CTranslate2SearchParityTests: XCTestCase {
    func testMarkovCasesMatchCTranslate2() throws {
        var worst: Float = 0
        for c in markovCases {
            var options = SearchOptions()
            options.maxDecodingLength = 12
            c.options(&options)
            let sentences = c.prefixes?.count ?? 1
            let start: [[Int32]] = (0..<sentences).map { [1] + (c.prefixes?[$0] ?? []) }
            var decoder = markovDecoder(c.table == 0 ? markovTable : wideMarkovTable, sentences: sentences)
            let results = try search(decoder: &decoder, startTokens: start, endToken: 2, unknownToken: 0, options: options)
            XCTAssertEqual(results.count, c.expected.count, c.name)
            for (s, (got, expected)) in zip(results, c.expected).enumerated() {
                XCTAssertEqual(got.map(\.tokens), expected.map(\.tokens), "\(c.name) sentence \(s)")
                XCTAssertEqual(got.map(\.endsWithEndToken), expected.map(\.eos), "\(c.name) sentence \(s)")
                XCTAssertEqual(got.count, expected.count, "\(c.name) sentence \(s)")
                for (h, e) in zip(got, expected) {
                    let error = abs(h.score - e.score) / max(1, abs(e.score))
                    worst = max(worst, error)
                    XCTAssertLessThan(error, 2e-6, "\(c.name) sentence \(s): \(h.score) vs \(e.score)")
                }
            }
        }
        print("CTranslate2 Markov parity: \(markovCases.count) cases, worst relative score difference \(worst)")
    }
}
