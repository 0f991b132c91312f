import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A write into the output folder failed: the machine's fault (folder missing, disk full,
/// no permission), not the document's, so the job is retried without counting an attempt.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}

/// Whole files or nothing: a temporary file in the same folder, written, fsync'd, renamed
/// over the name, then the folder fsync'd so the rename survives a power cut. Readers see
/// the old file or the new one, never a part.
public enum AtomicFile {
    /// Writes `data` as `folder/name`; `name` must be a single file name (see `OutputName`).
    /// All calls work relative to the folder's descriptor, so no name can reach outside it.
    @discardableResult
    public static func write(_ data: Data, folder: URL, name: String) throws -> URL {
        precondition(!name.contains("/") && name != "." && name != "..", "AtomicFile.write needs a single file name")
        let folderPath = folder.path
        let directory = open(folderPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw failure(folderPath, "cannot open the output folder") }
        defer { close(directory) }
        let temporary = ".\(name).\(getpid()).\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).partial"
        let file = openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw failure(folderPath, "cannot create a file in the output folder") }
        var written = false
        defer { if !written { unlinkat(directory, temporary, 0) } }
        do {
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let count = Glibc.write(file, buffer.baseAddress! + offset, buffer.count - offset)
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw failure("\(folderPath)/\(name)", "cannot write")
                    }
                    offset += count
                }
            }
            guard fsync(file) == 0 else { throw failure("\(folderPath)/\(name)", "cannot flush to disk") }
        } catch {
            close(file)
            throw error
        }
        guard close(file) == 0 else { throw failure("\(folderPath)/\(name)", "cannot close") }
        guard renameat(directory, temporary, directory, name) == 0 else { throw failure("\(folderPath)/\(name)", "cannot rename into place") }
        written = true
        guard fsync(directory) == 0 else { throw failure(folderPath, "cannot flush the folder to disk") }
        return folder.appendingPathComponent(name)
    }

    private static func failure(_ path: String, _ what: String) -> OutputError {
        let code = errno
        let reason: String
        switch code {
        case ENOENT: reason = "it does not exist"
        case ENOSPC, EDQUOT: reason = "the disk is full"
        case EACCES, EPERM: reason = "permission denied"
        case EROFS: reason = "the file system is read-only"
        case ENOTDIR: reason = "it is not a folder"
        default: reason = String(cString: strerror(code))
        }
        return OutputError(path: path, problem: "\(what): \(reason)")
    }
}
