/// Failures the CLI reports as `pmt: error: <where>: <what>`. Usage errors exit 2, all others 1.
enum CLIError: Error, CustomStringConvertible {
    case usage(String)
    case notImplemented(command: String, issue: String)
    case failure(String)

    var exitCode: Int32 {
        if case .usage = self { return 2 }
        return 1
    }

    var description: String {
        switch self {
        case .usage(let message), .failure(let message):
            return message
        case .notImplemented(let command, let issue):
            return "\(command): not implemented yet (\(issue)); nothing was done"
        }
    }
}
