/// Where in an input a problem is: `FILE:LINE:COLUMN` (line and column 1-based; the
/// column counts Unicode scalars, so it matches what an editor shows).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// Everything that can be wrong with a document coming in, or with a request to write one.
/// Each case names the place and says what is wrong in words a clerk can act on.
public enum PatentDocumentError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// Zero bytes, or nothing but whitespace.
    case empty(file: String)
    /// NUL bytes or other data that is not text.
    case binary(SourceLocation, String)
    /// The bytes are not in an encoding we read, or disagree with the declared one.
    case encoding(SourceLocation, String)
    /// Not well-formed XML.
    case malformed(SourceLocation, String)
    /// A well-formed document whose root element is not a patent format we know.
    case unknownRoot(SourceLocation, name: String)
    /// A reference to an external (SYSTEM/PUBLIC) entity: never resolved, never fetched.
    case externalEntity(SourceLocation, name: String, systemID: String)
    /// Entity definitions whose expansion would exceed the bound (an expansion bomb).
    case entityExpansion(SourceLocation, String)
    /// A JSONL line that is not an object with a string `text`.
    case jsonl(SourceLocation, String)
    /// A document over the size this reader accepts.
    case tooLarge(file: String, bytes: Int, limit: Int)
    /// `rendered(translations:)` was given something it cannot write.
    case invalidRequest(file: String, String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
        case .empty(let file): "\(file): empty document (no bytes, or only whitespace)"
        case .binary(let at, let what): "\(at): not a text document: \(what)"
        case .encoding(let at, let what): "\(at): \(what)"
        case .malformed(let at, let what): "\(at): malformed XML: \(what)"
        case .unknownRoot(let at, let name):
            "\(at): unknown root element <\(name)>: not a USPTO, EP ST.36, WIPO ST.96, JPO or CNIPA patent document"
        case .externalEntity(let at, let name, let systemID):
            "\(at): reference to external entity &\(name); (\"\(systemID)\"): external entities are never resolved or fetched"
        case .entityExpansion(let at, let what): "\(at): \(what)"
        case .jsonl(let at, let what): "\(at): \(what)"
        case .tooLarge(let file, let bytes, let limit): "\(file): document of \(bytes) bytes is over the \(limit)-byte limit"
        case .invalidRequest(let file, let what): "\(file): \(what)"
        }
    }
}
