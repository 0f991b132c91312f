import Foundation

/// How a worker runs: where its queue and output are, how many jobs at once, its lease
/// and retry policy, and what it may take.
public struct WorkerConfiguration: Sendable {
    public var queue: QueueURL
    public var outputFolder: URL
    public var concurrency: Int
    public var leaseSeconds: Double
    public var retry: RetryPolicy
    /// Only jobs for this model (or that name none); nil takes every job.
    public var model: String?
    /// The longest an idle slot waits before looking again (PostgreSQL wakes it sooner).
    public var idleWaitSeconds: Double
    public var throughputReportSeconds: Double
    public var inbox: InboxConfiguration?
    /// Names this worker in leases and logs: host and process id by default.
    public var name: String

    public init(
        queue: QueueURL, outputFolder: URL, concurrency: Int = 1, leaseSeconds: Double = 60,
        retry: RetryPolicy = RetryPolicy(), model: String? = nil, idleWaitSeconds: Double = 1,
        throughputReportSeconds: Double = 60, inbox: InboxConfiguration? = nil,
        name: String = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    ) {
        precondition(concurrency >= 1 && leaseSeconds > 0)
        self.queue = queue
        self.outputFolder = outputFolder
        self.concurrency = concurrency
        self.leaseSeconds = leaseSeconds
        self.retry = retry
        self.model = model
        self.idleWaitSeconds = idleWaitSeconds
        self.throughputReportSeconds = throughputReportSeconds
        self.inbox = inbox
        self.name = name
    }

    /// Heartbeats come three times per lease, so one late beat never loses the job.
    public var heartbeatSeconds: Double { leaseSeconds / 3 }
}

/// A folder the worker watches: files that arrive are enqueued, then moved to `archive`.
public struct InboxConfiguration: Sendable {
    public var folder: URL
    public var archive: URL
    public var options: JobOptions
    public var pollSeconds: Double

    public init(folder: URL, archive: URL? = nil, options: JobOptions = JobOptions(), pollSeconds: Double = 1) {
        self.folder = folder
        self.archive = archive ?? folder.appendingPathComponent("archive")
        self.options = options
        self.pollSeconds = pollSeconds
    }
}
