import Foundation
import Synchronization
import XCTest
@testable import JobQueue

/// A clock the tests move by hand, so lease expiry and back-off are exact, not slept.
final class ManualClock: Sendable {
    private let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var clock: QueueClock { { [self] in now.withLock { $0 } } }
    var date: Date { now.withLock { $0 } }
    func advance(_ seconds: Double) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

enum QueueTestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pmt-queue-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The private test server's URL (Scripts/test starts it), or the test skips.
    static func postgresURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["PMT_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip("no PostgreSQL server for tests: PMT_TEST_POSTGRES_URL is not set (Scripts/test and .ci/run start a private one)")
        }
        return url
    }

    /// A URL whose connections work in a new, empty schema of the test server, so each
    /// test starts from a fresh queue.
    static func freshPostgresQueueURL() throws -> String {
        let base = try postgresURL()
        let schema = "pmt_test_\(UInt32.random(in: 0...UInt32.max))"
        try PostgresConnection(url: base).query("CREATE SCHEMA \(schema)")
        return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }

    /// FLORES English sentences: real text for filings.
    static func floresLines(_ count: Int) throws -> [String] {
        let file = packageRoot.appendingPathComponent("../shared/corpora/flores200-devtest/eng.devtest").standardized
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw XCTSkip("FLORES file missing: \(file.path) (the shared corpora are not on this machine)")
        }
        return Array(text.split(separator: "\n").prefix(count).map(String.init))
    }
}
