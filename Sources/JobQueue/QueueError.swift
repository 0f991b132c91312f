/// Failures of the queue itself (not of a job): they name the queue (password removed)
/// and what went wrong.
public struct QueueError: Error, CustomStringConvertible, Sendable {
    public let queue: String
    public let problem: String

    public init(queue: String, problem: String) {
        self.queue = queue
        self.problem = problem
    }

    public var description: String { "\(queue): \(problem)" }
}
