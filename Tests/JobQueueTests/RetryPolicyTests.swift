import Foundation
import XCTest
@testable import JobQueue

final class RetryPolicyTests: XCTestCase {
    func testDelaysDoubleUpToTheCapWithinTheJitterBand() {
        let policy = RetryPolicy(maxAttempts: 8, baseDelaySeconds: 2, maxDelaySeconds: 30, jitter: 0.5)
        // unit 0 gives the ceiling, unit → 1 the floor (half of it with jitter 0.5).
        XCTAssertEqual((1...6).map { policy.delay(afterAttempt: $0, unit: 0) }, [2, 4, 8, 16, 30, 30])
        XCTAssertEqual(policy.delay(afterAttempt: 3, unit: 0.999_999), 4, accuracy: 0.001)
        for attempt in 1...7 {
            let ceiling = min(30, 2 * pow(2, Double(attempt - 1)))
            let draws = (0..<200).map { _ in policy.delay(afterAttempt: attempt) }
            XCTAssertTrue(draws.allSatisfy { $0 >= ceiling / 2 && $0 <= ceiling }, "attempt \(attempt): \(draws.min()!)…\(draws.max()!)")
            XCTAssertGreaterThan(Set(draws).count, 100, "jitter spreads the retries")
        }
    }

    func testTheLastAttemptHasNoRetry() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelaySeconds: 10)
        let now = Date(timeIntervalSince1970: 1000)
        XCTAssertEqual(policy.retryAt(afterAttempt: 1, now: now, unit: 0), Date(timeIntervalSince1970: 1010))
        XCTAssertEqual(policy.retryAt(afterAttempt: 2, now: now, unit: 0), Date(timeIntervalSince1970: 1020))
        XCTAssertNil(policy.retryAt(afterAttempt: 3, now: now, unit: 0))
    }
}
