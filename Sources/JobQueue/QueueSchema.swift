import Foundation
import Pipeline

/// The queue's tables, as numbered migrations per dialect. A queue records the versions
/// it has applied in `pmt_queue_schema`; opening it applies the missing ones in one
/// transaction, and refuses a queue migrated by a newer pmt.
enum QueueSchema {
    enum Dialect { case sqlite, postgres }

    static let versionTable = "CREATE TABLE IF NOT EXISTS pmt_queue_schema (version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)"

    static let states = JobState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// (version, statements); append new versions, never edit applied ones.
    static func migrations(_ dialect: Dialect) -> [(version: Int, statements: [String])] {
        let id = dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"
        let bytes = dialect == .sqlite ? "BLOB" : "BYTEA"
        let time = dialect == .sqlite ? "REAL" : "DOUBLE PRECISION"
        return [
            (1, [
                """
                CREATE TABLE pmt_jobs (
                    id \(id),
                    idempotency_key TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    content \(bytes) NOT NULL,
                    content_sha256 TEXT NOT NULL,
                    model TEXT,
                    glossary TEXT,
                    domain TEXT,
                    priority INTEGER NOT NULL DEFAULT 0,
                    state TEXT NOT NULL CHECK (state IN (\(states))),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    available_at \(time) NOT NULL,
                    lease_owner TEXT,
                    lease_expires_at \(time),
                    last_error TEXT,
                    outputs TEXT,
                    enqueued_at \(time) NOT NULL,
                    started_at \(time),
                    finished_at \(time),
                    completions INTEGER NOT NULL DEFAULT 0,
                    source_path TEXT
                )
                """,
                "CREATE INDEX pmt_jobs_ready ON pmt_jobs (state, priority DESC, id)",
            ]),
        ]
    }

    static var latestVersion: Int { migrations(.sqlite).map(\.version).max() ?? 0 }

    /// The job columns every read selects, in `JobRecord.init(columns:)` order.
    static func recordColumns(prefix: String = "") -> String {
        ["id", "name", "content_sha256", "model", "glossary", "domain", "priority", "state", "attempts",
         "available_at", "lease_owner", "lease_expires_at", "last_error", "outputs", "enqueued_at",
         "finished_at", "completions", "source_path"].map { prefix + $0 }.joined(separator: ", ")
    }

    static func newerSchemaProblem(_ found: Int) -> String {
        "the queue's schema is version \(found), newer than this pmt knows (\(latestVersion)); upgrade pmt"
    }
}

extension JobRecord {
    /// Decodes the columns of `QueueSchema.recordColumns()`, all as text.
    init(columns c: [String?], queue: String) throws {
        func text(_ i: Int) throws -> String {
            guard i < c.count, let value = c[i] else { throw QueueError(queue: queue, problem: "job row: column \(i + 1) is missing") }
            return value
        }
        func integer(_ i: Int) throws -> Int64 {
            guard let value = Int64(try text(i)) else { throw QueueError(queue: queue, problem: "job row: column \(i + 1) is not an integer") }
            return value
        }
        func time(_ i: Int) throws -> Date? {
            guard i < c.count, let value = c[i] else { return nil }
            guard let seconds = Double(value) else { throw QueueError(queue: queue, problem: "job row: column \(i + 1) is not a time") }
            return Date(timeIntervalSince1970: seconds)
        }
        let stateText = try text(7)
        guard let state = JobState(rawValue: stateText) else {
            throw QueueError(queue: queue, problem: "job row: unknown state '\(stateText)'")
        }
        self.init(
            id: try integer(0), name: try text(1), contentSHA256: try text(2),
            options: JobOptions(model: c[3], glossary: c[4], domain: c[5]),
            priority: Int(try integer(6)), state: state, attempts: Int(try integer(8)),
            availableAt: try time(9) ?? Date(timeIntervalSince1970: 0), leaseOwner: c[10], leaseExpiresAt: try time(11),
            lastError: c[12], outputs: c[13], enqueuedAt: try time(14) ?? Date(timeIntervalSince1970: 0),
            finishedAt: try time(15), completions: Int(try integer(16)), sourcePath: c[17])
    }
}
