import Foundation

/// Where the job queue lives: `sqlite:PATH` on one machine, `postgres://…` when many
/// workers share it.
public enum QueueURL: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static let `default` = QueueURL.sqlite(path: "pmt-queue.db")

    public init(_ text: String) throws {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw QueueURLError(text: text, problem: "sqlite: needs a file path, e.g. sqlite:pmt-queue.db") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw QueueURLError(text: text, problem: "expected sqlite:PATH or postgres://…")
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url): return PostgresConnection.redacted(url)
        }
    }
}

extension QueueURL {
    /// Opens (creating or migrating the schema) the queue this URL names.
    public func open(clock: @escaping QueueClock = { Date() }) throws -> any JobQueue {
        switch self {
        case .sqlite(let path): return try SQLiteJobQueue(path: path, clock: clock)
        case .postgres(let url): return try PostgresJobQueue(url: url, clock: clock)
        }
    }
}

public struct QueueURLError: Error, CustomStringConvertible, Sendable {
    public let text: String
    public let problem: String
    /// A mistyped URL may still carry a password: shown redacted like a valid one.
    public var description: String { "queue URL '\(PostgresConnection.redacted(text))': \(problem)" }
}
