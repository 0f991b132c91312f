import Foundation
import Translator

/// `pmt model info DIR` and `pmt model verify DIR`.
enum ModelCommand {
    static func inspect(_ command: String, _ arguments: ParsedArguments) throws -> ModelInspection {
        let directory = arguments.positionals[0]
        do {
            return try ModelInspection(URL(fileURLWithPath: directory))
        } catch {
            throw CLIError.failure("model \(command): \(error)")
        }
    }

    static func info(_ arguments: ParsedArguments) throws {
        print(try inspect("info", arguments).summary)
    }

    static func verify(_ arguments: ParsedArguments) throws {
        let inspection = try inspect("verify", arguments)
        let problems = inspection.problems(verifyWeights: true)
        guard problems.isEmpty else {
            for problem in problems { standardError("pmt: error: model verify: \(problem)") }
            throw CLIError.failure("model verify: \(inspection.folder.directory.path): \(problems.count) problem(s); this folder will not translate correctly")
        }
        print("ok: \(inspection.folder.directory.path) (\(inspection.folder.layout.rawValue)): every file, tensor, shape and vocabulary checked")
    }
}
