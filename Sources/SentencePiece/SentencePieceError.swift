/// What went wrong loading a model or decoding ids, with the file where there is one.
public enum SentencePieceError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String, reason: String)
    case invalidModel(String)
    case invalidModelFile(path: String, problem: String)
    case idOutOfRange(Int, size: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .invalidModel(let problem): return "invalid SentencePiece model: \(problem)"
        case .invalidModelFile(let path, let problem): return "\(path): not a valid SentencePiece model: \(problem)"
        case .idOutOfRange(let id, let size): return "id \(id) is outside the vocabulary (0..<\(size))"
        }
    }
}
