import Foundation
import Pipeline

/// The shared queue: many workers on many machines against one PostgreSQL database.
/// Claims lock the chosen row with `FOR UPDATE SKIP LOCKED`, so concurrent claimers pass
/// over each other's rows instead of waiting or taking the same job; enqueues and
/// retries `NOTIFY pmt_jobs`, which idle workers `LISTEN` for.
///
/// Times are the workers' clocks (seconds since 1970), as with SQLite: machines sharing a
/// queue keep their clocks synchronized (NTP), which leases of many seconds tolerate.
public final class PostgresJobQueue: JobQueue {
    public let displayName: String
    private let connection: PostgresConnection
    private let clock: QueueClock
    private var listening = false

    static let channel = "pmt_jobs"
    /// Serializes migrations of workers that start at the same moment.
    static let migrationLockKey = "7207420517"

    public init(url: String, clock: @escaping QueueClock = { Date() }) throws {
        displayName = PostgresConnection.redacted(url)
        self.clock = clock
        do {
            connection = try PostgresConnection(url: url)
        } catch let error as PostgresError {
            throw QueueError(queue: displayName, problem: "cannot connect: \(error.message)")
        }
        try guarded { try migrate() }
    }

    private func migrate() throws {
        try connection.transaction {
            try connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))")
            try connection.query(QueueSchema.versionTable)
            let current = Int(try connection.query("SELECT COALESCE(MAX(version), 0) FROM pmt_queue_schema").first?.first??.description ?? "0") ?? 0
            guard current <= QueueSchema.latestVersion else {
                throw QueueError(queue: displayName, problem: QueueSchema.newerSchemaProblem(current))
            }
            for migration in QueueSchema.migrations(.postgres) where migration.version > current {
                for statement in migration.statements { try connection.query(statement) }
                try connection.query("INSERT INTO pmt_queue_schema (version, applied_at) VALUES ($1, $2)",
                                     [String(migration.version), String(clock().timeIntervalSince1970)])
            }
        }
    }

    public func schemaVersion() throws -> Int {
        try guarded { Int(try connection.query("SELECT MAX(version) FROM pmt_queue_schema").first?.first?.flatMap { $0 } ?? "0") ?? 0 }
    }

    public func enqueue(_ request: EnqueueRequest) throws -> EnqueueOutcome {
        let now = String(clock().timeIntervalSince1970)
        let key = request.idempotencyKey
        return try guarded {
            try connection.transaction {
                let inserted = try connection.query("""
                    INSERT INTO pmt_jobs (idempotency_key, name, content, content_sha256, model, glossary, domain, priority,
                                          state, available_at, enqueued_at, source_path)
                    VALUES ($1, $2, $3::bytea, $4, $5, $6, $7, $8::integer, 'queued', $9::double precision, $9::double precision, $10)
                    ON CONFLICT (idempotency_key) DO NOTHING
                    RETURNING id, state
                    """, [key, request.name, "\\x" + Hex.encode(request.content), request.contentSHA256,
                          request.options.model, request.options.glossary, request.options.domain,
                          String(request.priority), now, request.sourcePath])
                let existing = inserted.isEmpty ? try connection.query("SELECT id, state FROM pmt_jobs WHERE idempotency_key = $1", [key]) : []
                let row = inserted.first ?? existing.first ?? []
                guard row.count == 2, let id = row[0].flatMap({ Int64($0) }), let state = row[1].flatMap({ JobState(rawValue: $0) }) else {
                    throw QueueError(queue: displayName, problem: "enqueue of \(request.name): the job row is missing after insert")
                }
                if !inserted.isEmpty { try connection.query("SELECT pg_notify('\(Self.channel)', $1)", [String(id)]) }
                return EnqueueOutcome(id: id, created: !inserted.isEmpty, state: state)
            }
        }
    }

    public func claim(worker: String, leaseSeconds: Double, maxAttempts: Int, model: String?) throws -> ClaimedJob? {
        let now = clock().timeIntervalSince1970
        let token = LeaseToken.make(worker: worker)
        let p = QueueSQL.postgres
        return try guarded {
            try connection.query(QueueSQL.buryExpired(p), [String(maxAttempts), String(now), String(maxAttempts)])
            let rows = try connection.query("""
                WITH next AS (
                    SELECT id FROM pmt_jobs WHERE \(QueueSQL.claimable(p))
                    ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                UPDATE pmt_jobs SET \(QueueSQL.claimAssignments(p))
                FROM next WHERE pmt_jobs.id = next.id
                RETURNING \(QueueSchema.recordColumns(prefix: "pmt_jobs.")), encode(pmt_jobs.content, 'hex')
                """, [String(now), String(maxAttempts), model, token, String(now + leaseSeconds)])
            guard let row = rows.first else { return nil }
            let record = try JobRecord(columns: Array(row.dropLast()), queue: displayName)
            guard let hex = row.last??.description, let content = Hex.decode(Substring(hex)) else {
                throw QueueError(queue: displayName, problem: "job \(record.id): its content is not readable hex")
            }
            return ClaimedJob(record: record, content: content, leaseToken: token)
        }
    }

    public func heartbeat(_ job: ClaimedJob, leaseSeconds: Double) throws -> Bool {
        try held(job, { p in "lease_expires_at = \(p(1, "double precision"))" }, [String(clock().timeIntervalSince1970 + leaseSeconds)])
    }

    public func complete(_ job: ClaimedJob, outputs: String) throws -> Bool {
        try held(job, QueueSQL.completeAssignments, [outputs, String(clock().timeIntervalSince1970)])
    }

    public func fail(_ job: ClaimedJob, error: String, retryAt: Date?) throws -> Bool {
        let now = clock().timeIntervalSince1970
        return try held(job, QueueSQL.failAssignments,
                        [retryAt == nil ? JobState.dead.rawValue : JobState.failedRetrying.rawValue, error,
                         String(retryAt?.timeIntervalSince1970 ?? now), retryAt == nil ? String(now) : nil])
    }

    public func release(_ job: ClaimedJob, retryAt: Date, error: String?) throws -> Bool {
        let released = try held(job, QueueSQL.releaseAssignments,
                                [error == nil ? JobState.queued.rawValue : JobState.failedRetrying.rawValue, String(retryAt.timeIntervalSince1970), error])
        if released && error == nil { _ = try guarded { try connection.query("SELECT pg_notify('\(Self.channel)', $1)", [String(job.id)]) } }
        return released
    }

    private func held(_ job: ClaimedJob, _ assignments: (QueueSQL.Placeholder) -> String, _ values: [String?]) throws -> Bool {
        let p = QueueSQL.postgres
        return try guarded {
            !(try connection.query("UPDATE pmt_jobs SET \(assignments(p)) WHERE \(QueueSQL.heldBy(p, from: values.count + 1)) RETURNING id",
                                   values + [String(job.id), job.leaseToken])).isEmpty
        }
    }

    public func retry(ids: [Int64]) throws -> [Int64] {
        let now = String(clock().timeIntervalSince1970)
        return try guarded {
            try connection.transaction {
                var changed: [Int64] = []
                for id in ids where !(try connection.query(QueueSQL.retry(QueueSQL.postgres) + " RETURNING id", [now, String(id)])).isEmpty {
                    changed.append(id)
                }
                if !changed.isEmpty { try connection.query("SELECT pg_notify('\(Self.channel)', '')") }
                return changed
            }
        }
    }

    public func counts() throws -> [JobState: Int] {
        try guarded {
            var counts: [JobState: Int] = [:]
            for row in try connection.query("SELECT state, COUNT(*) FROM pmt_jobs GROUP BY state") {
                if let state = row[0].flatMap({ JobState(rawValue: $0) }), let count = row[1].flatMap({ Int($0) }) { counts[state] = count }
            }
            return counts
        }
    }

    public func list(state: JobState?, limit: Int) throws -> [JobRecord] {
        try guarded {
            try connection.query("""
                SELECT \(QueueSchema.recordColumns()) FROM pmt_jobs WHERE ($1::text IS NULL OR state = $1::text) ORDER BY id LIMIT $2::integer
                """, [state?.rawValue, String(limit)]).map { try JobRecord(columns: $0, queue: displayName) }
        }
    }

    public func job(id: Int64) throws -> JobRecord? {
        try guarded {
            try connection.query("SELECT \(QueueSchema.recordColumns()) FROM pmt_jobs WHERE id = $1::bigint", [String(id)])
                .first.map { try JobRecord(columns: $0, queue: displayName) }
        }
    }

    public func waitForWork(timeout: Double) throws {
        try guarded {
            if !listening {
                try connection.query("LISTEN \(Self.channel)")
                listening = true
            }
            _ = try connection.waitForNotifications(timeout: timeout)
        }
    }

    /// True once the connection dropped; the caller opens a new queue.
    public var isBroken: Bool { connection.isBroken }

    private func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError {
            throw QueueError(queue: displayName, problem: error.message + (error.sql.map { " (in: \(Self.firstLine($0)))" } ?? ""))
        }
    }

    private static func firstLine(_ sql: String) -> String {
        let line = sql.split(separator: "\n").first.map(String.init) ?? sql
        return line.trimmingCharacters(in: .whitespaces) + (sql.contains("\n") ? " …" : "")
    }
}
