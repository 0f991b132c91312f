import Foundation
import Pipeline
import Glossary

/// The one-machine queue: a SQLite file in write-ahead-log mode. Every claim runs in a
/// `BEGIN IMMEDIATE` transaction, which takes the write lock before reading, so two
/// processes can never both see a job as free and both take it.
public final class SQLiteJobQueue: JobQueue {
    public let path: String
    public var displayName: String { "sqlite:\(path)" }
    private let database: SQLiteDatabase
    private let clock: QueueClock

    public init(path: String, clock: @escaping QueueClock = { Date() }, busyTimeoutMilliseconds: Int32 = 5000) throws {
        self.path = path
        self.clock = clock
        let name = "sqlite:\(path)"
        do {
            database = try SQLiteDatabase(path: path, create: true, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        } catch let error as SQLiteError {
            throw SQLiteJobQueue.explain(error, queue: name)
        }
        try guarded { try migrate() }
    }

    private func migrate() throws {
        try database.transaction {
            try database.execute(QueueSchema.versionTable)
            let current = try database.query("SELECT COALESCE(MAX(version), 0) FROM pmt_queue_schema").first?.first.flatMap(Self.int) ?? 0
            guard current <= QueueSchema.latestVersion else {
                throw QueueError(queue: displayName, problem: QueueSchema.newerSchemaProblem(Int(current)))
            }
            for migration in QueueSchema.migrations(.sqlite) where migration.version > current {
                for statement in migration.statements { try database.execute(statement) }
                try database.query("INSERT INTO pmt_queue_schema (version, applied_at) VALUES (?, ?)",
                                   [.integer(Int64(migration.version)), .real(clock().timeIntervalSince1970)])
            }
        }
    }

    public func schemaVersion() throws -> Int {
        try guarded { Int(try database.query("SELECT MAX(version) FROM pmt_queue_schema").first?.first.flatMap(Self.int) ?? 0) }
    }

    public func enqueue(_ request: EnqueueRequest) throws -> EnqueueOutcome {
        let now = clock().timeIntervalSince1970
        let key = request.idempotencyKey
        return try guarded {
            try database.transaction {
                try database.query("""
                    INSERT INTO pmt_jobs (idempotency_key, name, content, content_sha256, model, glossary, domain, priority,
                                          state, available_at, enqueued_at, source_path)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                    ON CONFLICT (idempotency_key) DO NOTHING
                    """, [.text(key), .text(request.name), .blob([UInt8](request.content)), .text(request.contentSHA256),
                          Self.optional(request.options.model), Self.optional(request.options.glossary), Self.optional(request.options.domain),
                          .integer(Int64(request.priority)), .real(now), .real(now), Self.optional(request.sourcePath)])
                let created = database.changes == 1
                let row = try database.query("SELECT id, state FROM pmt_jobs WHERE idempotency_key = ?", [.text(key)]).first ?? []
                guard row.count == 2, let id = Self.int(row[0]), case .text(let state) = row[1], let parsed = JobState(rawValue: state) else {
                    throw QueueError(queue: displayName, problem: "enqueue of \(request.name): the job row is missing after insert")
                }
                return EnqueueOutcome(id: id, created: created, state: parsed)
            }
        }
    }

    public func claim(worker: String, leaseSeconds: Double, maxAttempts: Int, model: String?) throws -> ClaimedJob? {
        let now = clock().timeIntervalSince1970
        let token = LeaseToken.make(worker: worker)
        let modelValue = Self.optional(model)
        return try guarded {
            try database.transaction { () -> ClaimedJob? in
                try database.query(QueueSQL.buryExpired(QueueSQL.sqlite), [.integer(Int64(maxAttempts)), .real(now), .text(String(maxAttempts))])
                let next = try database.query("""
                    SELECT id FROM pmt_jobs
                    WHERE \(QueueSQL.claimable(QueueSQL.sqlite))
                    ORDER BY priority DESC, id LIMIT 1
                    """, [.real(now), .integer(Int64(maxAttempts)), modelValue])
                guard let id = next.first?.first.flatMap(Self.int) else { return nil }
                try database.query("""
                    UPDATE pmt_jobs SET \(QueueSQL.claimAssignments(QueueSQL.sqlite)) WHERE id = ?6
                    """, [.real(now), .null, .null, .text(token), .real(now + leaseSeconds), .integer(id)])
                let rows = try database.query("SELECT \(QueueSchema.recordColumns()), content FROM pmt_jobs WHERE id = ?", [.integer(id)])
                guard let row = rows.first else { return nil }
                let record = try JobRecord(columns: row.dropLast().map(Self.text), queue: displayName)
                guard case .blob(let bytes) = row.last! else {
                    return ClaimedJob(record: record, content: Data(), leaseToken: token)
                }
                return ClaimedJob(record: record, content: Data(bytes), leaseToken: token)
            }
        }
    }

    public func heartbeat(_ job: ClaimedJob, leaseSeconds: Double) throws -> Bool {
        let expires = clock().timeIntervalSince1970 + leaseSeconds
        return try held(job, { p in "lease_expires_at = \(p(1, "double precision"))" }, [.real(expires)])
    }

    public func complete(_ job: ClaimedJob, outputs: String) throws -> Bool {
        let now = clock().timeIntervalSince1970
        return try held(job, QueueSQL.completeAssignments, [.text(outputs), .real(now)])
    }

    public func fail(_ job: ClaimedJob, error: String, retryAt: Date?) throws -> Bool {
        let now = clock().timeIntervalSince1970
        return try held(job, QueueSQL.failAssignments,
                        [.text(retryAt == nil ? JobState.dead.rawValue : JobState.failedRetrying.rawValue), .text(error),
                         .real(retryAt?.timeIntervalSince1970 ?? now), retryAt == nil ? .real(now) : .null])
    }

    public func release(_ job: ClaimedJob, retryAt: Date, error: String?) throws -> Bool {
        try held(job, QueueSQL.releaseAssignments,
                 [.text(error == nil ? JobState.queued.rawValue : JobState.failedRetrying.rawValue), .real(retryAt.timeIntervalSince1970), Self.optional(error)])
    }

    /// Changes a job only while `job`'s lease token still holds it.
    private func held(_ job: ClaimedJob, _ assignments: (QueueSQL.Placeholder) -> String, _ values: [SQLiteValue]) throws -> Bool {
        try guarded {
            try database.transaction {
                let p = QueueSQL.sqlite
                try database.query("UPDATE pmt_jobs SET \(assignments(p)) WHERE \(QueueSQL.heldBy(p, from: values.count + 1))",
                                   values + [.integer(job.id), .text(job.leaseToken)])
                return database.changes == 1
            }
        }
    }

    public func retry(ids: [Int64]) throws -> [Int64] {
        let now = clock().timeIntervalSince1970
        return try guarded {
            try database.transaction {
                var changed: [Int64] = []
                for id in ids {
                    try database.query(QueueSQL.retry(QueueSQL.sqlite), [.real(now), .integer(id)])
                    if database.changes == 1 { changed.append(id) }
                }
                return changed
            }
        }
    }

    public func counts() throws -> [JobState: Int] {
        try guarded {
            var counts: [JobState: Int] = [:]
            for row in try database.query("SELECT state, COUNT(*) FROM pmt_jobs GROUP BY state") {
                if case .text(let name) = row[0], let state = JobState(rawValue: name), let count = Self.int(row[1]) {
                    counts[state] = Int(count)
                }
            }
            return counts
        }
    }

    public func list(state: JobState?, limit: Int) throws -> [JobRecord] {
        try guarded {
            let rows = try database.query("""
                SELECT \(QueueSchema.recordColumns()) FROM pmt_jobs WHERE (?1 IS NULL OR state = ?1) ORDER BY id LIMIT ?2
                """, [Self.optional(state?.rawValue), .integer(Int64(limit))])
            return try rows.map { try JobRecord(columns: $0.map(Self.text), queue: displayName) }
        }
    }

    public func job(id: Int64) throws -> JobRecord? {
        try guarded {
            try database.query("SELECT \(QueueSchema.recordColumns()) FROM pmt_jobs WHERE id = ?", [.integer(id)])
                .first.map { try JobRecord(columns: $0.map(Self.text), queue: displayName) }
        }
    }

    public func waitForWork(timeout: Double) throws {
        // One machine: polling a local file four times a second costs nothing worth a signal.
        Thread.sleep(forTimeInterval: min(max(timeout, 0), 0.25))
    }

    // MARK: - values and errors

    private func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw SQLiteJobQueue.explain(error, queue: displayName)
        }
    }

    /// SQLite's codes turned into what an operator can act on.
    static func explain(_ error: SQLiteError, queue: String) -> QueueError {
        let hint: String
        switch error.code & 0xff {
        case 5, 6: hint = "the queue file is locked by another process and stayed locked past the busy timeout"
        case 8: hint = "the queue file (or its folder, which must hold the -wal and -shm files) is read-only"
        case 14: hint = "cannot open the queue file (does its folder exist and is it writable?)"
        case 13: hint = "the disk holding the queue file is full"
        case 26, 11: hint = "the file is not a SQLite queue (or it is corrupt)"
        default: hint = "SQLite failed"
        }
        return QueueError(queue: queue, problem: "\(hint): \(error.message) (sqlite code \(error.code))")
    }

    private static func optional(_ text: String?) -> SQLiteValue { text.map { .text($0) } ?? .null }

    private static func int(_ value: SQLiteValue) -> Int64? {
        if case .integer(let v) = value { return v }
        return nil
    }

    private static func text(_ value: SQLiteValue) -> String? {
        switch value {
        case .null: return nil
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return v
        case .blob(let v): return String(decoding: v, as: UTF8.self)
        }
    }
}
