import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Results go to stdout, or with `-o PATH` to a file written atomically: a temporary file
/// in the same folder, flushed to disk, then renamed over the target, so no reader ever
/// sees half an output and a failure leaves an existing file as it was.
enum OutputFile {
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/.\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial"
        do {
            guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
                throw CLIError.failure("\(path): cannot create a temporary file in \(folder)")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
            // rename(2), not FileManager.replaceItemAt: the latter fails on Linux when the
            // target exists, after having removed it.
            guard rename(temporary, path) == 0 else {
                throw CLIError.failure("\(path): cannot write: \(String(cString: strerror(errno)))")
            }
        } catch let error as CLIError {
            unlink(temporary)
            throw error
        } catch {
            unlink(temporary)
            throw CLIError.failure("\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
