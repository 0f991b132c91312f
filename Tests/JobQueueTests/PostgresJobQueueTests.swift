import Foundation
import XCTest
@testable import JobQueue

/// The queue contract on a real PostgreSQL server (each test in a fresh schema), plus
/// what only the shared queue does: migrations under a lock, LISTEN/NOTIFY, and errors
/// that never show a password.
final class PostgresJobQueueTests: XCTestCase {
    private func contract() throws -> QueueContract {
        let url = try QueueTestSupport.freshPostgresQueueURL()
        return QueueContract { clock in try PostgresJobQueue(url: url, clock: clock) }
    }

    func testIdempotentEnqueue() throws { try contract().idempotentEnqueue() }
    func testContentSurvivesExactly() throws { try contract().contentSurvivesExactly() }
    func testPriorityThenAge() throws { try contract().priorityThenAge() }
    func testModelFilter() throws { try contract().modelFilter() }
    func testLeaseExpiryAndRedelivery() throws { try contract().leaseExpiryAndRedelivery() }
    func testBackoffTiming() throws { try contract().backoffTiming() }
    func testDeadAfterMaxAttempts() throws { try contract().deadAfterMaxAttempts() }
    func testExpiredLastAttemptIsBuried() throws { try contract().expiredLastAttemptIsBuried() }
    func testReleaseKeepsTheAttempt() throws { try contract().releaseKeepsTheAttempt() }
    func testConcurrentClaimersNeverShareAJob() throws { try contract().concurrentClaimersNeverShareAJob() }
    func testListAndCounts() throws { try contract().listAndCounts() }

    func testSchemaIsVersionedAndMigratedOnce() throws {
        let url = try QueueTestSupport.freshPostgresQueueURL()
        // Workers starting together: the advisory lock lets one migrate, the others find it done.
        let errors = DispatchQueue(label: "errors")
        nonisolated(unsafe) var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do { _ = try PostgresJobQueue(url: url) } catch { errors.sync { failures.append("\(error)") } }
        }
        XCTAssertEqual(failures, [])
        let queue = try PostgresJobQueue(url: url)
        XCTAssertEqual(try queue.schemaVersion(), QueueSchema.latestVersion)
        let connection = try PostgresConnection(url: url)
        XCTAssertEqual(try connection.query("SELECT COUNT(*) FROM pmt_queue_schema"), [[String(QueueSchema.latestVersion)]])
        try connection.query("INSERT INTO pmt_queue_schema (version, applied_at) VALUES (99, 0)")
        XCTAssertThrowsError(try PostgresJobQueue(url: url)) { XCTAssertTrue("\($0)".contains("version 99"), "\($0)") }
    }

    /// An idle worker waiting on LISTEN wakes when another connection enqueues.
    func testEnqueueWakesAnIdleWorker() throws {
        let url = try QueueTestSupport.freshPostgresQueueURL()
        let waiter = try PostgresJobQueue(url: url)
        try waiter.waitForWork(timeout: 0.01)   // starts listening
        let started = Date()
        let producer = DispatchWorkItem {
            Thread.sleep(forTimeInterval: 0.3)
            _ = try? PostgresJobQueue(url: url).enqueue(EnqueueRequest(name: "a.txt", content: Data("x\n".utf8)))
        }
        DispatchQueue.global().async(execute: producer)
        try waiter.waitForWork(timeout: 10)
        let waited = Date().timeIntervalSince(started)
        XCTAssertGreaterThan(waited, 0.2)
        XCTAssertLessThan(waited, 5, "woken by NOTIFY, not by the 10 s timeout")
        XCTAssertNotNil(try waiter.claim(worker: "w", leaseSeconds: 10, maxAttempts: 3, model: nil))
    }

    func testUnreachableServerIsAClearErrorWithoutThePassword() throws {
        let url = "postgresql://pmt:s3cret-pw@/postgres?host=/nonexistent-socket-dir&connect_timeout=2"
        XCTAssertThrowsError(try PostgresJobQueue(url: url)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cannot connect") && text.contains("/nonexistent-socket-dir"), text)
            XCTAssertFalse(text.contains("s3cret-pw"), text)
            XCTAssertTrue(text.contains("pmt:***@"), text)
        }
    }
}

/// Passwords in every form libpq accepts are hidden from logs and errors.
final class RedactionTests: XCTestCase {
    func testPasswordsNeverSurviveRedaction() {
        let cases = [
            ("postgres://u:s3cret-pw@db.example:5432/pmt", "postgres://u:***@db.example:5432/pmt"),
            ("postgresql://u:p%40ss-word@db/pmt?sslmode=require", "postgresql://u:***@db/pmt?sslmode=require"),
            ("postgresql://u@db/pmt?password=s3cret-pw&sslmode=require", "postgresql://u@db/pmt?password=***&sslmode=require"),
            ("host=db user=u password=s3cret-pw dbname=pmt", "host=db user=u password=*** dbname=pmt"),
            ("host=db password='s3cret pw' dbname=pmt", "host=db password=*** dbname=pmt"),
            ("postgresql://u@/pmt?host=/run/pg", "postgresql://u@/pmt?host=/run/pg"),
        ]
        for (url, expected) in cases {
            XCTAssertEqual(PostgresConnection.redacted(url), expected)
            XCTAssertEqual(try QueueURL(url.hasPrefix("host=") ? "postgres://x" : url).description.contains("s3cret"), false)
        }
        XCTAssertThrowsError(try QueueURL("postgre://u:s3cret-pw@db/pmt")) { error in
            XCTAssertFalse("\(error)".contains("s3cret-pw"), "\(error)")
            XCTAssertTrue("\(error)".contains("postgre://u:***@db/pmt"), "\(error)")
        }
        XCTAssertEqual(PostgresConnection.scrubbed("auth failed for s3cret-pw", PostgresConnection.passwords(in: "postgres://u:s3cret-pw@h/d")),
                       "auth failed for ***")
        XCTAssertEqual(PostgresConnection.withConnectTimeout("postgres://h/d"), "postgres://h/d?connect_timeout=10")
        XCTAssertEqual(PostgresConnection.withConnectTimeout("postgres://h/d?sslmode=disable"), "postgres://h/d?sslmode=disable&connect_timeout=10")
        XCTAssertEqual(PostgresConnection.withConnectTimeout("host=h connect_timeout=3"), "host=h connect_timeout=3")
    }
}
