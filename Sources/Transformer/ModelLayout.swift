import Foundation

/// The folder layouts `pmt` loads (DESIGN.md, "Model folders"), told apart by their files.
public enum ModelLayout: String, Sendable, Equatable {
    case marianRelease = "Marian release"
    case huggingFaceMarian = "Hugging Face Marian"
    case huggingFaceM2M100 = "Hugging Face M2M-100/NLLB"

    /// Reads the folder listing (and `config.json`'s `model_type`) to name the layout.
    public static func detect(in directory: URL) throws -> ModelLayout {
        let path = directory.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelLayoutError(directory: path, problem: "not a folder")
        }
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: path))
        if files.contains("decoder.yml") { return .marianRelease }
        if files.contains("config.json") {
            let data = try Data(contentsOf: directory.appendingPathComponent("config.json"))
            guard let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ModelLayoutError(directory: path, problem: "config.json is not a JSON object")
            }
            switch config["model_type"] as? String {
            case "marian": return .huggingFaceMarian
            case "m2m_100", "nllb": return .huggingFaceM2M100
            case "nllb-moe", "nllb_moe":
                throw ModelLayoutError(directory: path, problem: "config.json model_type '\(config["model_type"] as? String ?? "")' (NLLB mixture of experts) is not supported; dense NLLB-200 and M2M-100 checkpoints (model_type m2m_100) are")
            case let other:
                throw ModelLayoutError(directory: path, problem: "config.json model_type '\(other ?? "missing")' is not marian, m2m_100 or nllb")
            }
        }
        throw ModelLayoutError(directory: path, problem: "neither decoder.yml (Marian release) nor config.json (Hugging Face) is here")
    }
}

public struct ModelLayoutError: Error, CustomStringConvertible, Sendable {
    public let directory: String
    public let problem: String
    public var description: String { "\(directory): \(problem)" }
}
