import Foundation

/// The work a worker does for one job, injected so the queue knows nothing of documents
/// or models. It returns the files to write; the worker names them safely and writes them
/// atomically. A thrown error counts as a failed attempt of the document, except
/// `EnvironmentFault`, which says the machine (not the document) is at fault.
public protocol JobHandler: Sendable {
    func process(_ job: ClaimedJob) throws -> [OutputDocument]
}

public struct OutputDocument: Sendable {
    public var name: String
    public var contents: Data

    public init(name: String, contents: Data) {
        self.name = name
        self.contents = contents
    }
}

/// A failure of the worker's machine (a model file unreadable, memory short): the job is
/// given back and retried later without counting an attempt.
public struct EnvironmentFault: Error, CustomStringConvertible, Sendable {
    public let problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}
