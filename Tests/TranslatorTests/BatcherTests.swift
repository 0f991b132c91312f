import XCTest
@testable import Translator

final class BatcherTests: XCTestCase {
    func testEverySentenceOnceWithinLimits() {
        let lengths = [5, 40, 3, 3, 17, 0, 22, 9, 9, 31, 2, 60]
        let batches = Batcher.batches(lengths: lengths, maxSentences: 3, maxTokens: 64)
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(lengths.indices))
        for batch in batches {
            XCTAssertLessThanOrEqual(batch.count, 3)
            let longest = batch.map { lengths[$0] }.max()!
            // A single sentence longer than the budget still gets a batch of its own.
            XCTAssertTrue(longest * batch.count <= 64 || batch.count == 1, "\(batch)")
        }
    }

    func testSimilarLengthsShareABatch() {
        let batches = Batcher.batches(lengths: [1, 50, 2, 49], maxSentences: 2, maxTokens: 1000)
        XCTAssertEqual(batches, [[1, 3], [2, 0]])
    }
}
