import Foundation
import Pipeline

/// A job's life: queued → running → succeeded, or → failed-retrying (back-off) → running …
/// → dead after the maximum attempts. `pmt queue retry` puts failed and dead jobs back.
public enum JobState: String, CaseIterable, Sendable, Codable {
    case queued
    case running
    case succeeded
    case failedRetrying = "failed-retrying"
    case dead
}

/// What the translation of one filing depends on besides its content; part of the
/// idempotency key, so the same filing with other options is another job.
public struct JobOptions: Equatable, Sendable {
    /// The model's name (the folder's last component): workers take only jobs for their model
    /// (or jobs that name none), and names survive folders mounted at different paths.
    public var model: String?
    public var glossary: String?
    public var domain: String?

    public init(model: String? = nil, glossary: String? = nil, domain: String? = nil) {
        self.model = model
        self.glossary = glossary
        self.domain = domain
    }
}

/// One filing to enqueue. The content travels with the job, so the inbox file may be
/// archived, moved or deleted as soon as it is enqueued.
public struct EnqueueRequest: Sendable {
    public var name: String
    public var content: Data
    public var options: JobOptions
    public var priority: Int
    public var sourcePath: String?

    public init(name: String, content: Data, options: JobOptions = JobOptions(), priority: Int = 0, sourcePath: String? = nil) {
        self.name = name
        self.content = content
        self.options = options
        self.priority = priority
        self.sourcePath = sourcePath
    }

    public var contentSHA256: String { SHA256.hex(content) }

    /// The content hash and the options, hashed again so the key has one fixed length.
    public var idempotencyKey: String {
        let options = [("model", self.options.model), ("glossary", self.options.glossary), ("domain", self.options.domain)]
            .map { "\($0.0)=\($0.1.map { "\($0.utf8.count):\($0)" } ?? "-")" }
        return SHA256.hex(([contentSHA256] + options).joined(separator: "\n"))
    }
}

public struct EnqueueOutcome: Equatable, Sendable {
    public let id: Int64
    /// False when a job with the same idempotency key already existed.
    public let created: Bool
    public let state: JobState
}

/// A job as listed: everything but the content.
public struct JobRecord: Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var contentSHA256: String
    public var options: JobOptions
    public var priority: Int
    public var state: JobState
    public var attempts: Int
    public var availableAt: Date
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var lastError: String?
    /// JSON written by the worker: the output files with their sizes, lines and hashes.
    public var outputs: String?
    public var enqueuedAt: Date
    public var finishedAt: Date?
    /// How many times the job was marked succeeded; more than 1 would be a double delivery.
    public var completions: Int
    public var sourcePath: String?
}

/// A job a worker holds: its record, its content, and the lease token that proves it
/// still holds it (a worker whose lease expired can no longer complete or fail the job).
public struct ClaimedJob: Sendable {
    public var record: JobRecord
    public var content: Data
    public var leaseToken: String

    public var id: Int64 { record.id }
    public var name: String { record.name }
    public var options: JobOptions { record.options }
    public var attempts: Int { record.attempts }
}
