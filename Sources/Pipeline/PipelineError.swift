/// Failures of document translation, each naming the file it concerns.
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    case memory(file: String, String)
    case engine(file: String, String)

    public var description: String {
        switch self {
        case .memory(let file, let problem): return "\(file): translation memory: \(problem)"
        case .engine(let file, let problem): return "\(file): \(problem)"
        }
    }
}
