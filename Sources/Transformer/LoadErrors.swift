/// A weight file that cannot be used: unreadable, truncated, corrupt, or not what the model's
/// configuration says. Every case names the file; every case about one tensor names it.
public enum WeightFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file cannot be opened or mapped.
    case unreadable(file: String, reason: String)
    /// The container itself is damaged (no zip directory, a header past the end, bad JSON …).
    case corrupt(file: String, problem: String)
    /// One entry is damaged: its header, name, offsets or size.
    case corruptTensor(file: String, tensor: String, problem: String)
    /// The file ends before `tensor`'s data does.
    case truncated(file: String, tensor: String, problem: String)
    /// A data type the reader does not support, or not the one this use needs.
    case unsupportedDType(file: String, tensor: String, dtype: String, problem: String)
    /// A compression method or layout feature the reader does not support.
    case unsupportedFeature(file: String, tensor: String, problem: String)
    /// A tensor the model needs is not in the file.
    case missingTensor(file: String, tensor: String, reason: String)
    /// The tensor is well-formed but its shape contradicts the model configuration.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int], reason: String)
    /// The same tensor name appears twice.
    case duplicateTensor(file: String, tensor: String)
    /// No such tensor (asked for by name, e.g. `tensor("x")`).
    case noSuchTensor(file: String, tensor: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .corrupt(let file, let problem):
            return "\(file): corrupt weight file: \(problem)"
        case .corruptTensor(let file, let tensor, let problem):
            return "\(file): tensor '\(tensor)': corrupt: \(problem)"
        case .truncated(let file, let tensor, let problem):
            return "\(file): tensor '\(tensor)': file is truncated: \(problem)"
        case .unsupportedDType(let file, let tensor, let dtype, let problem):
            return "\(file): tensor '\(tensor)': unsupported dtype \(dtype): \(problem)"
        case .unsupportedFeature(let file, let tensor, let problem):
            return "\(file): tensor '\(tensor)': \(problem)"
        case .missingTensor(let file, let tensor, let reason):
            return "\(file): tensor '\(tensor)' is missing (\(reason))"
        case .shapeMismatch(let file, let tensor, let expected, let found, let reason):
            return "\(file): tensor '\(tensor)' has shape \(Self.format(found)) but the configuration needs \(Self.format(expected)) (\(reason))"
        case .duplicateTensor(let file, let tensor):
            return "\(file): tensor '\(tensor)' appears more than once"
        case .noSuchTensor(let file, let tensor):
            return "\(file): no tensor named '\(tensor)'"
        }
    }

    static func format(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

/// A model folder whose configuration, vocabulary or layout is missing, malformed or
/// unsupported. Every case names the file; every case about one setting names the key.
public enum ModelConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file the folder needs is absent; `role` says who asked for it (e.g. `decoder.yml vocabs[1]`).
    case missingFile(path: String, role: String)
    case unreadable(file: String, reason: String)
    /// The file is not in the syntax it should be (YAML subset, JSON, vocabulary lines).
    case syntax(file: String, line: Int?, problem: String)
    case missingKey(file: String, key: String)
    /// The key's value has the wrong type or range.
    case badValue(file: String, key: String, value: String, expected: String)
    /// A well-formed value this loader does not support (an unknown activation, an architecture option).
    case unsupported(file: String, key: String, value: String, problem: String)
    /// Values that contradict each other or the weights (e.g. a vocabulary of the wrong size).
    case inconsistent(file: String, key: String, problem: String)

    public var description: String {
        switch self {
        case .missingFile(let path, let role):
            return "\(path): missing file (\(role))"
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .syntax(let file, let line, let problem):
            return line.map { "\(file):\($0): \(problem)" } ?? "\(file): \(problem)"
        case .missingKey(let file, let key):
            return "\(file): key '\(key)' is missing"
        case .badValue(let file, let key, let value, let expected):
            return "\(file): key '\(key)': value '\(value)' is not \(expected)"
        case .unsupported(let file, let key, let value, let problem):
            return "\(file): key '\(key)': '\(value)' is not supported: \(problem)"
        case .inconsistent(let file, let key, let problem):
            return "\(file): key '\(key)': \(problem)"
        }
    }
}
