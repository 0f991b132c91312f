import Foundation

/// When a failed job runs again: exponential back-off (base · 2^(attempt−1), capped) with
/// jitter, so jobs that failed together (a database restart) do not all return together.
public struct RetryPolicy: Equatable, Sendable {
    public var maxAttempts: Int
    public var baseDelaySeconds: Double
    public var maxDelaySeconds: Double
    /// The delay is scaled by a random factor in [1 − jitter, 1].
    public var jitter: Double

    public init(maxAttempts: Int = 5, baseDelaySeconds: Double = 10, maxDelaySeconds: Double = 3600, jitter: Double = 0.5) {
        precondition(maxAttempts >= 1 && baseDelaySeconds >= 0 && maxDelaySeconds >= baseDelaySeconds && (0...1).contains(jitter))
        self.maxAttempts = maxAttempts
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.jitter = jitter
    }

    /// Seconds to wait after the `attempt`-th attempt failed; `unit` is a random draw in [0, 1).
    public func delay(afterAttempt attempt: Int, unit: Double = Double.random(in: 0..<1)) -> Double {
        let exponent = Double(max(0, min(attempt - 1, 60)))
        let ceiling = min(maxDelaySeconds, baseDelaySeconds * pow(2, exponent))
        return ceiling * (1 - jitter * unit)
    }

    /// When to run again after `attempt` failed, or nil when that was the last attempt.
    public func retryAt(afterAttempt attempt: Int, now: Date, unit: Double = Double.random(in: 0..<1)) -> Date? {
        attempt >= maxAttempts ? nil : now.addingTimeInterval(delay(afterAttempt: attempt, unit: unit))
    }
}
