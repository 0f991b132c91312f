import Foundation
import XCTest
@testable import JobQueue
import Glossary

/// The queue contract on a real SQLite file, plus what only a file can do wrong.
final class SQLiteJobQueueTests: XCTestCase {
    private var folder: URL!
    private var path: String { folder.appendingPathComponent("queue.db").path }

    override func setUpWithError() throws { folder = try QueueTestSupport.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private var contract: QueueContract {
        let path = self.path
        return QueueContract { clock in try SQLiteJobQueue(path: path, clock: clock) }
    }

    func testIdempotentEnqueue() throws { try contract.idempotentEnqueue() }
    func testContentSurvivesExactly() throws { try contract.contentSurvivesExactly() }
    func testPriorityThenAge() throws { try contract.priorityThenAge() }
    func testModelFilter() throws { try contract.modelFilter() }
    func testLeaseExpiryAndRedelivery() throws { try contract.leaseExpiryAndRedelivery() }
    func testBackoffTiming() throws { try contract.backoffTiming() }
    func testDeadAfterMaxAttempts() throws { try contract.deadAfterMaxAttempts() }
    func testExpiredLastAttemptIsBuried() throws { try contract.expiredLastAttemptIsBuried() }
    func testReleaseKeepsTheAttempt() throws { try contract.releaseKeepsTheAttempt() }
    func testConcurrentClaimersNeverShareAJob() throws { try contract.concurrentClaimersNeverShareAJob() }
    func testListAndCounts() throws { try contract.listAndCounts() }

    func testSchemaIsVersionedAndANewerOneRefused() throws {
        let queue = try SQLiteJobQueue(path: path)
        XCTAssertEqual(try queue.schemaVersion(), QueueSchema.latestVersion)
        XCTAssertEqual(try SQLiteJobQueue(path: path).schemaVersion(), QueueSchema.latestVersion, "reopening migrates nothing twice")
        let database = try SQLiteDatabase(path: path)
        XCTAssertEqual(try database.query("PRAGMA journal_mode"), [[.text("wal")]])
        try database.query("INSERT INTO pmt_queue_schema (version, applied_at) VALUES (99, 0)")
        XCTAssertThrowsError(try SQLiteJobQueue(path: path)) { error in
            XCTAssertTrue("\(error)".contains("version 99") && "\(error)".contains(path), "\(error)")
        }
    }

    /// Another process holding the write lock: a clear error naming the file, and the
    /// enqueue works once the lock is gone.
    func testLockedFileIsAClearErrorAndNothingIsLost() throws {
        let queue = try SQLiteJobQueue(path: path, busyTimeoutMilliseconds: 100)
        let holder = try SQLiteDatabase(path: path)
        try holder.execute("BEGIN EXCLUSIVE")
        XCTAssertThrowsError(try SQLiteJobQueue(path: path, busyTimeoutMilliseconds: 100), "opening also needs the lock (migrations)")
        let request = EnqueueRequest(name: "a.txt", content: Data("A claim.\n".utf8))
        XCTAssertThrowsError(try queue.enqueue(request)) { error in
            XCTAssertTrue("\(error)".contains("sqlite:\(path)") && "\(error)".contains("locked"), "\(error)")
        }
        XCTAssertThrowsError(try queue.claim(worker: "w", leaseSeconds: 5, maxAttempts: 3, model: nil))
        try holder.execute("COMMIT")
        XCTAssertTrue(try queue.enqueue(request).created)
        XCTAssertEqual(try queue.claim(worker: "w", leaseSeconds: 5, maxAttempts: 3, model: nil)?.name, "a.txt")
    }

    func testUnopenableFileIsAClearError() throws {
        let missing = folder.appendingPathComponent("no-such-folder/queue.db").path
        XCTAssertThrowsError(try SQLiteJobQueue(path: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing) && "\(error)".contains("cannot open"), "\(error)")
        }
        let notADatabase = folder.appendingPathComponent("notes.txt")
        try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: notADatabase)
        XCTAssertThrowsError(try SQLiteJobQueue(path: notADatabase.path)) { error in
            XCTAssertTrue("\(error)".contains("not a SQLite queue"), "\(error)")
        }
    }
}
