/// The statements both backends share, written once. `p(n, type)` writes parameter n:
/// `?n` for SQLite, `$n::type` for PostgreSQL (which must know each parameter's type).
enum QueueSQL {
    typealias Placeholder = @Sendable (Int, String) -> String

    static let sqlite: Placeholder = { n, _ in "?\(n)" }
    static let postgres: Placeholder = { n, type in "$\(n)::\(type)" }

    /// Running jobs whose lease expired on their last allowed attempt: dead, not retried.
    /// p1 max attempts, p2 now, p3 max attempts as text.
    static func buryExpired(_ p: Placeholder) -> String {
        """
        UPDATE pmt_jobs SET state = 'dead', finished_at = \(p(2, "double precision")),
            last_error = 'lease expired on attempt ' || attempts || ' of ' || \(p(3, "text")) || ' (worker '
                || COALESCE(lease_owner, '?') || ' stopped or lost the queue)' || COALESCE('; before that: ' || last_error, ''),
            lease_owner = NULL, lease_expires_at = NULL
        WHERE state = 'running' AND lease_expires_at <= \(p(2, "double precision")) AND attempts >= \(p(1, "integer"))
        """
    }

    /// p1 now, p2 max attempts, p3 the worker's model (or NULL for any).
    static func claimable(_ p: Placeholder) -> String {
        """
        ((state IN ('queued', 'failed-retrying') AND available_at <= \(p(1, "double precision")))
         OR (state = 'running' AND lease_expires_at <= \(p(1, "double precision")) AND attempts < \(p(2, "integer"))))
        AND (\(p(3, "text")) IS NULL OR model IS NULL OR model = \(p(3, "text")))
        """
    }

    /// p1 now, p4 lease token, p5 lease expiry. A job taken from a dead worker notes why.
    static func claimAssignments(_ p: Placeholder) -> String {
        """
        state = 'running', attempts = attempts + 1, lease_owner = \(p(4, "text")),
        lease_expires_at = \(p(5, "double precision")), started_at = \(p(1, "double precision")),
        last_error = CASE WHEN state = 'running'
            THEN 'attempt ' || attempts || ': the lease of ' || COALESCE(lease_owner, '?') || ' expired' ELSE last_error END
        """
    }

    /// p1 outputs, p2 now.
    static func completeAssignments(_ p: Placeholder) -> String {
        """
        state = 'succeeded', outputs = \(p(1, "text")), finished_at = \(p(2, "double precision")),
        lease_owner = NULL, lease_expires_at = NULL, completions = completions + 1
        """
    }

    /// p1 new state, p2 error, p3 available at, p4 finished at (NULL while retrying).
    static func failAssignments(_ p: Placeholder) -> String {
        """
        state = \(p(1, "text")), last_error = \(p(2, "text")), available_at = \(p(3, "double precision")),
        finished_at = \(p(4, "double precision")), lease_owner = NULL, lease_expires_at = NULL
        """
    }

    /// p1 new state, p2 available at, p3 error (NULL keeps the last one). The attempt is not counted.
    static func releaseAssignments(_ p: Placeholder) -> String {
        """
        state = \(p(1, "text")), available_at = \(p(2, "double precision")), last_error = COALESCE(\(p(3, "text")), last_error),
        attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL
        """
    }

    /// The WHERE of every change to a held job: p(n) id, p(n+1) lease token.
    static func heldBy(_ p: Placeholder, from n: Int) -> String {
        "id = \(p(n, "bigint")) AND state = 'running' AND lease_owner = \(p(n + 1, "text"))"
    }

    /// p1 now, p2 id.
    static func retry(_ p: Placeholder) -> String {
        """
        UPDATE pmt_jobs SET state = 'queued', attempts = 0, available_at = \(p(1, "double precision")), finished_at = NULL
        WHERE id = \(p(2, "bigint")) AND state IN ('dead', 'failed-retrying')
        """
    }
}

/// A lease token: the worker's name and a random part, new for every claim.
enum LeaseToken {
    static func make(worker: String) -> String {
        "\(worker)#\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
    }
}
