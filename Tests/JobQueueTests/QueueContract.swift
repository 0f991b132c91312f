import Foundation
import Synchronization
import XCTest
import Pipeline
@testable import JobQueue

/// The behaviour every backend must have, written once; `SQLiteJobQueueTests` and
/// `PostgresJobQueueTests` run each case against a fresh queue of their kind.
struct QueueContract {
    /// Opens a connection to the test's queue (the same queue each call) with this clock.
    let open: (@escaping QueueClock) throws -> any JobQueue

    func filing(_ n: Int, _ text: String? = nil, options: JobOptions = JobOptions(), priority: Int = 0) -> EnqueueRequest {
        EnqueueRequest(name: "filing-\(n).txt", content: Data((text ?? "Claim \(n). A device comprising a frame (10).\n").utf8),
                       options: options, priority: priority)
    }

    func idempotentEnqueue() throws {
        let queue = try open { Date() }
        let first = try queue.enqueue(filing(1))
        XCTAssertTrue(first.created)
        XCTAssertEqual(first.state, .queued)
        let again = try queue.enqueue(filing(1))
        XCTAssertEqual(again, EnqueueOutcome(id: first.id, created: false, state: .queued))
        // Same content under another name is the same filing.
        var renamed = filing(1)
        renamed.name = "copy-of-filing-1.txt"
        XCTAssertEqual(try queue.enqueue(renamed).id, first.id)
        // Other options make another job; so does other content.
        let withGlossary = try queue.enqueue(filing(1, options: JobOptions(glossary: "terms.db")))
        XCTAssertTrue(withGlossary.created)
        XCTAssertNotEqual(withGlossary.id, first.id)
        XCTAssertNotEqual(try queue.enqueue(filing(1, options: JobOptions(domain: "H01L"))).id, withGlossary.id)
        XCTAssertTrue(try queue.enqueue(filing(2)).created)
        XCTAssertEqual(try queue.counts(), [.queued: 4])
        // A second connection sees the same jobs and the same keys.
        XCTAssertFalse(try open { Date() }.enqueue(filing(2)).created)
    }

    func contentSurvivesExactly() throws {
        let queue = try open { Date() }
        let bytes = Data([0x00, 0xff, 0xfe, 0x0a, 0xc3, 0x28, 0x5c, 0x78]) + Data("청구항 1\n".utf8)
        let outcome = try queue.enqueue(EnqueueRequest(name: "binary.bin", content: bytes, options: JobOptions(model: "m", glossary: "g", domain: "d"), priority: 3, sourcePath: "/inbox/binary.bin"))
        let job = try XCTUnwrap(queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
        XCTAssertEqual(job.id, outcome.id)
        XCTAssertEqual(job.content, bytes)
        XCTAssertEqual(job.record.contentSHA256, SHA256.hex(bytes))
        XCTAssertEqual(job.options, JobOptions(model: "m", glossary: "g", domain: "d"))
        XCTAssertEqual(job.record.priority, 3)
        XCTAssertEqual(job.record.sourcePath, "/inbox/binary.bin")
        XCTAssertEqual(job.attempts, 1)
        XCTAssertEqual(job.record.state, .running)
    }

    func priorityThenAge() throws {
        let queue = try open { Date() }
        let low = try queue.enqueue(filing(1)).id
        let high = try queue.enqueue(filing(2, priority: 5)).id
        let lowLater = try queue.enqueue(filing(3)).id
        let order = try (0..<3).map { _ in try XCTUnwrap(queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil)).id }
        XCTAssertEqual(order, [high, low, lowLater])
        XCTAssertNil(try queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
    }

    func modelFilter() throws {
        let queue = try open { Date() }
        let forA = try queue.enqueue(filing(1, options: JobOptions(model: "model-a"))).id
        let anyModel = try queue.enqueue(filing(2)).id
        XCTAssertEqual(try queue.claim(worker: "b", leaseSeconds: 30, maxAttempts: 3, model: "model-b")?.id, anyModel)
        XCTAssertNil(try queue.claim(worker: "b", leaseSeconds: 30, maxAttempts: 3, model: "model-b"))
        XCTAssertEqual(try queue.claim(worker: "a", leaseSeconds: 30, maxAttempts: 3, model: "model-a")?.id, forA)
    }

    /// A worker that stops heart-beating loses its job when the lease expires; the next
    /// worker gets it (attempt 2), and the first one's late completion is refused.
    func leaseExpiryAndRedelivery() throws {
        let time = ManualClock()
        let queue = try open(time.clock)
        let id = try queue.enqueue(filing(1)).id
        let first = try XCTUnwrap(queue.claim(worker: "w1", leaseSeconds: 30, maxAttempts: 3, model: nil))
        time.advance(10)
        XCTAssertNil(try queue.claim(worker: "w2", leaseSeconds: 30, maxAttempts: 3, model: nil), "leased: not redelivered")
        time.advance(10)
        XCTAssertTrue(try queue.heartbeat(first, leaseSeconds: 30))      // now expires at +50
        time.advance(29)
        XCTAssertNil(try queue.claim(worker: "w2", leaseSeconds: 30, maxAttempts: 3, model: nil), "the heartbeat extended the lease")
        time.advance(1.5)                                                // +50.5: expired
        let second = try XCTUnwrap(queue.claim(worker: "w2", leaseSeconds: 30, maxAttempts: 3, model: nil))
        XCTAssertEqual(second.id, id)
        XCTAssertEqual(second.attempts, 2)
        XCTAssertTrue(second.record.lastError?.contains("lease of w1") == true, second.record.lastError ?? "nil")
        XCTAssertFalse(try queue.heartbeat(first, leaseSeconds: 30), "the first worker's lease is gone")
        XCTAssertFalse(try queue.complete(first, outputs: "[]"), "a lost lease cannot complete")
        XCTAssertFalse(try queue.fail(first, error: "late", retryAt: nil))
        XCTAssertTrue(try queue.complete(second, outputs: "[\"ok\"]"))
        let record = try XCTUnwrap(queue.job(id: id))
        XCTAssertEqual(record.state, .succeeded)
        XCTAssertEqual(record.completions, 1)
        XCTAssertEqual(record.outputs, "[\"ok\"]")
        XCTAssertNil(record.leaseOwner)
        XCTAssertFalse(try queue.complete(second, outputs: "[]"), "completes once")
    }

    /// A failed attempt waits out its back-off: not claimable a moment before, claimable at.
    func backoffTiming() throws {
        let time = ManualClock()
        let queue = try open(time.clock)
        let id = try queue.enqueue(filing(1)).id
        let policy = RetryPolicy(maxAttempts: 3, baseDelaySeconds: 8, jitter: 0.5)
        let job = try XCTUnwrap(queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
        let retryAt = try XCTUnwrap(policy.retryAt(afterAttempt: job.attempts, now: time.date, unit: 0.25))  // 8·(1−0.125) = 7 s
        XCTAssertEqual(retryAt.timeIntervalSince(time.date), 7, accuracy: 1e-9)
        XCTAssertTrue(try queue.fail(job, error: "translate: bad input", retryAt: retryAt))
        let waiting = try XCTUnwrap(queue.job(id: id))
        XCTAssertEqual(waiting.state, .failedRetrying)
        XCTAssertEqual(waiting.lastError, "translate: bad input")
        XCTAssertEqual(waiting.availableAt.timeIntervalSince1970, retryAt.timeIntervalSince1970, accuracy: 1e-6)
        time.advance(6.9)
        XCTAssertNil(try queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
        time.advance(0.1)
        let again = try XCTUnwrap(queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
        XCTAssertEqual(again.attempts, 2)
        // Second failure: the ceiling doubles (16 s).
        let later = try XCTUnwrap(policy.retryAt(afterAttempt: again.attempts, now: time.date, unit: 0))
        XCTAssertEqual(later.timeIntervalSince(time.date), 16, accuracy: 1e-9)
    }

    /// After the last attempt the job is dead with its error; `retry` brings it back.
    func deadAfterMaxAttempts() throws {
        let time = ManualClock()
        let queue = try open(time.clock)
        let id = try queue.enqueue(filing(1)).id
        let policy = RetryPolicy(maxAttempts: 3, baseDelaySeconds: 1)
        for attempt in 1...3 {
            let job = try XCTUnwrap(queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil), "attempt \(attempt)")
            XCTAssertEqual(job.attempts, attempt)
            XCTAssertTrue(try queue.fail(job, error: "not UTF-8 (attempt \(attempt))", retryAt: policy.retryAt(afterAttempt: job.attempts, now: time.date)))
            time.advance(10)
        }
        XCTAssertNil(try queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
        let dead = try XCTUnwrap(queue.list(state: .dead, limit: 10).first)
        XCTAssertEqual(dead.id, id)
        XCTAssertEqual(dead.attempts, 3)
        XCTAssertEqual(dead.lastError, "not UTF-8 (attempt 3)")
        XCTAssertNotNil(dead.finishedAt)
        XCTAssertEqual(try queue.retry(ids: [id, 9999]), [id])
        XCTAssertEqual(try queue.job(id: id)?.state, .queued)
        XCTAssertEqual(try queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil)?.attempts, 1)
        XCTAssertEqual(try queue.retry(ids: [id]), [], "a running job is not retried")
    }

    /// A job whose worker died on every allowed attempt is buried, not run again.
    func expiredLastAttemptIsBuried() throws {
        let time = ManualClock()
        let queue = try open(time.clock)
        let id = try queue.enqueue(filing(1)).id
        for attempt in 1...2 {
            XCTAssertEqual(try queue.claim(worker: "crasher-\(attempt)", leaseSeconds: 5, maxAttempts: 2, model: nil)?.attempts, attempt)
            time.advance(6)
        }
        XCTAssertNil(try queue.claim(worker: "w", leaseSeconds: 5, maxAttempts: 2, model: nil))
        let record = try XCTUnwrap(queue.job(id: id))
        XCTAssertEqual(record.state, .dead)
        XCTAssertTrue(record.lastError?.contains("lease expired on attempt 2 of 2") == true, record.lastError ?? "nil")
    }

    /// Shutdown and machine faults give the job back without spending an attempt.
    func releaseKeepsTheAttempt() throws {
        let time = ManualClock()
        let queue = try open(time.clock)
        let id = try queue.enqueue(filing(1)).id
        let job = try XCTUnwrap(queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
        XCTAssertTrue(try queue.release(job, retryAt: time.date, error: nil))
        XCTAssertEqual(try queue.job(id: id)?.state, .queued)
        let again = try XCTUnwrap(queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
        XCTAssertEqual(again.attempts, 1)
        XCTAssertTrue(try queue.release(again, retryAt: time.date.addingTimeInterval(20), error: "output: /out: the disk is full"))
        let record = try XCTUnwrap(queue.job(id: id))
        XCTAssertEqual(record.state, .failedRetrying)
        XCTAssertEqual(record.attempts, 0)
        XCTAssertEqual(record.lastError, "output: /out: the disk is full")
        XCTAssertNil(try queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
        time.advance(20)
        XCTAssertEqual(try queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil)?.attempts, 1)
    }

    /// Claimers on separate connections and threads take every job exactly once, and no
    /// job is ever held by two of them at the same moment.
    func concurrentClaimersNeverShareAJob(jobs: Int = 120, claimers: Int = 4) throws {
        let setup = try open { Date() }
        for n in 0..<jobs { _ = try setup.enqueue(filing(n)) }
        let held = Mutex(Set<Int64>())
        let claimed = Mutex([Int64]())
        let problems = Mutex([String]())
        let group = DispatchGroup()
        for c in 0..<claimers {
            group.enter()
            let connection: any JobQueue
            do { connection = try open { Date() } } catch { group.leave(); throw error }
            nonisolated(unsafe) let queue = connection   // used by this one thread only
            Thread {
                defer { group.leave() }
                do {
                    var idle = 0
                    while idle < 3 {
                        guard let job = try queue.claim(worker: "claimer-\(c)", leaseSeconds: 60, maxAttempts: 3, model: nil) else {
                            idle += 1
                            continue
                        }
                        idle = 0
                        if !held.withLock({ $0.insert(job.id).inserted }) { problems.withLock { $0.append("job \(job.id) held twice") } }
                        claimed.withLock { $0.append(job.id) }
                        if job.id % 7 == 0 { Thread.sleep(forTimeInterval: 0.002) }
                        _ = held.withLock { $0.remove(job.id) }
                        if try !queue.complete(job, outputs: "[]") { problems.withLock { $0.append("job \(job.id): completion refused") } }
                    }
                } catch {
                    problems.withLock { $0.append("claimer \(c): \(error)") }
                }
            }.start()
        }
        group.wait()
        XCTAssertEqual(problems.withLock { $0 }, [])
        let ids = claimed.withLock { $0 }
        XCTAssertEqual(ids.count, jobs)
        XCTAssertEqual(Set(ids).count, jobs, "a job was claimed twice")
        XCTAssertEqual(try setup.counts(), [.succeeded: jobs])
        XCTAssertTrue(try setup.list(state: .succeeded, limit: jobs + 1).allSatisfy { $0.completions == 1 })
    }

    func listAndCounts() throws {
        let queue = try open { Date() }
        for n in 1...3 { _ = try queue.enqueue(filing(n)) }
        let job = try XCTUnwrap(queue.claim(worker: "w", leaseSeconds: 30, maxAttempts: 3, model: nil))
        XCTAssertEqual(try queue.counts(), [.queued: 2, .running: 1])
        XCTAssertEqual(try queue.list(state: .running, limit: 10).map(\.id), [job.id])
        XCTAssertEqual(try queue.list(state: nil, limit: 2).count, 2)
        XCTAssertEqual(try queue.list(state: .queued, limit: 10).map(\.name), ["filing-2.txt", "filing-3.txt"])
    }
}
