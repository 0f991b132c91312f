import Foundation

/// A durable job queue. Each instance is one connection, used by one thread at a time;
/// threads that work concurrently open their own (see `QueueURL.open`).
///
/// Every change to a held job names its lease token: a worker whose lease expired (and
/// whose job another worker took) cannot complete, fail or release it any more.
public protocol JobQueue: AnyObject {
    /// Where the queue lives, password removed: safe for logs and errors.
    var displayName: String { get }

    /// Adds a job unless one with the same idempotency key exists (then returns that one).
    func enqueue(_ request: EnqueueRequest) throws -> EnqueueOutcome

    /// Takes the next job: queued or failed-retrying whose time has come, or running whose
    /// lease expired (its worker died), highest priority first, then oldest. Jobs whose
    /// lease expired after `maxAttempts` attempts are buried as dead instead.
    /// `model`: only jobs that name this model or none.
    func claim(worker: String, leaseSeconds: Double, maxAttempts: Int, model: String?) throws -> ClaimedJob?

    /// Extends the lease; false when the lease was lost (expired and taken, or job changed).
    func heartbeat(_ job: ClaimedJob, leaseSeconds: Double) throws -> Bool

    /// Marks the job succeeded with the worker's output summary; false when the lease was lost.
    func complete(_ job: ClaimedJob, outputs: String) throws -> Bool

    /// Records a failed attempt: failed-retrying until `retryAt`, or dead when `retryAt` is nil.
    func fail(_ job: ClaimedJob, error: String, retryAt: Date?) throws -> Bool

    /// Gives the job back without counting the attempt (shutdown, or a fault of the worker's
    /// machine rather than of the document): queued again at `retryAt`, with `error` noted.
    func release(_ job: ClaimedJob, retryAt: Date, error: String?) throws -> Bool

    /// Puts dead or failed-retrying jobs back in the queue with their attempts reset;
    /// returns the ids that were changed.
    func retry(ids: [Int64]) throws -> [Int64]

    func counts() throws -> [JobState: Int]
    func list(state: JobState?, limit: Int) throws -> [JobRecord]
    func job(id: Int64) throws -> JobRecord?

    /// Blocks until work may have arrived or `timeout` passed (PostgreSQL: LISTEN/NOTIFY;
    /// SQLite: a short sleep, since one machine's polling is cheap).
    func waitForWork(timeout: Double) throws
}

/// The queue's notion of now; tests move it by hand to expire leases and back-offs.
public typealias QueueClock = @Sendable () -> Date
