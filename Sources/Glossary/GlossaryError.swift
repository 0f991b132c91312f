/// Failures of the glossary store, its files and its commands; each names where and what.
public enum GlossaryError: Error, CustomStringConvertible, Sendable {
    /// A line (or XML position) of an import file: `file:line: what`.
    case file(path: String, line: Int, message: String)
    /// A whole file (unreadable, unknown format, no language pair).
    case fileLevel(path: String, message: String)
    case noSuchEntry(id: Int64)
    case noSuchGlossary(String)
    /// An edit read version `expected` but the entry is now at `actual`.
    case staleEdit(id: Int64, expected: Int, actual: Int, by: String, at: String)
    case invalidValue(field: String, value: String, message: String)
    case newerSchema(path: String, found: Int, known: Int)
    case store(String)

    public var description: String {
        switch self {
        case .file(let path, let line, let message): return "\(path):\(line): \(message)"
        case .fileLevel(let path, let message): return "\(path): \(message)"
        case .noSuchEntry(let id): return "entry \(id): no such entry"
        case .noSuchGlossary(let name): return "glossary '\(name)': no such glossary"
        case .staleEdit(let id, let expected, let actual, let by, let at):
            return "entry \(id): changed since you read it (you read version \(expected); it is now version \(actual), by \(by) at \(at)); nothing was changed: read it again ('pmt glossary history \(id)') and redo the edit"
        case .invalidValue(let field, let value, let message): return "\(field) '\(value)': \(message)"
        case .newerSchema(let path, let found, let known):
            return "\(path): schema version \(found) was written by a newer pmt (this one knows up to \(known))"
        case .store(let message): return message
        }
    }
}
