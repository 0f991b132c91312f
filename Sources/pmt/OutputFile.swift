import Foundation
import JobQueue

/// Results go to stdout, or with `-o PATH` to a file written atomically (`AtomicFile`: a
/// temporary file in the same folder, flushed, renamed over the target), so no reader ever
/// sees half an output and a failure leaves an existing file as it was.
enum OutputFile {
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        let url = URL(fileURLWithPath: path)
        do {
            try AtomicFile.write(Data(text.utf8), folder: url.deletingLastPathComponent(), name: url.lastPathComponent)
        } catch let error as OutputError {
            throw CLIError.failure("\(path): cannot write: \(error.problem)")
        }
    }
}
