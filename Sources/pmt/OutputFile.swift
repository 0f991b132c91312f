import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Results go to stdout, or with `-o PATH` to a file written atomically: a temporary file
/// in the same folder, flushed to disk, then renamed over the target with rename(2)
/// (Foundation's replaceItemAt is broken on Linux), so no reader ever sees half an output.
enum OutputFile {
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        // Relative paths are taken from the current directory, like every other tool.
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)).standardizedFileURL
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw CLIError.failure("\(path): cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw CLIError.failure("\(path): cannot write: \(String(cString: strerror(errno)))")
            }
        } catch let error as CLIError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError.failure("\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
