import Foundation
import XCTest

/// Runs the built `pmt` binary as a user would, capturing exit status, stdout and stderr.
struct PmtResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum PmtProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The binary next to the test bundle (same build configuration), else .build/debug.
    static func binary() throws -> URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("pmt"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("pmt"),
            packageRoot.appendingPathComponent(".build/debug/pmt"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("pmt binary not found near \(Bundle.main.bundleURL.path); run swift build first")
        }
        return found
    }

    static func run(_ arguments: [String], stdin: String = "", executable: URL? = nil) throws -> PmtResult {
        let process = Process()
        process.executableURL = try executable ?? binary()
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return PmtResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// Starts `pmt` in the package root without waiting; stderr goes to `stderr` (a file the
    /// test reads while the process runs), stdout is discarded.
    static func start(_ arguments: [String], stderr: URL) throws -> Process {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
