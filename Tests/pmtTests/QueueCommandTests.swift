import Foundation
import XCTest

/// `pmt queue …` on the real binary against a real SQLite file (and the test PostgreSQL
/// server for the connection-string checks).
final class QueueCommandTests: XCTestCase {
    private var folder: URL!
    private var queue: String { "sqlite:" + folder.appendingPathComponent("queue.db").path }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-queue-cli-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("filings/sub"), withIntermediateDirectories: true)
        try Data("A device comprising a frame.\n".utf8).write(to: folder.appendingPathComponent("filings/a.txt"))
        try Data("A method of making it.\n".utf8).write(to: folder.appendingPathComponent("filings/sub/a.txt"))
        try Data("ignored\n".utf8).write(to: folder.appendingPathComponent("filings/.hidden.txt"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testEnqueueIsIdempotentAndListable() throws {
        let filings = folder.appendingPathComponent("filings").path
        let first = try PmtProcess.run(["queue", "enqueue", "--queue", queue, filings, "--domain", "H01L", "--priority", "2"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout.split(separator: "\n").count, 2, first.stdout)
        XCTAssertTrue(first.stdout.contains("job 1: queued:") && first.stdout.contains("job 2: queued:"), first.stdout)
        let again = try PmtProcess.run(["queue", "enqueue", "--queue", queue, filings + "/a.txt", "--domain", "H01L"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.hasPrefix("job 1: already in the queue (queued):"), again.stdout)
        let status = try PmtProcess.run(["queue", "status", "--queue", queue, "--format", "jsonl"])
        XCTAssertEqual(jsonLines(status.stdout).first?["queued"] as? Int, 2, status.stdout)
        XCTAssertEqual(jsonLines(status.stdout).first?["total"] as? Int, 2)
        let list = try PmtProcess.run(["queue", "list", "--queue", queue, "--format", "jsonl"])
        let jobs = jsonLines(list.stdout)
        XCTAssertEqual(jobs.compactMap { $0["name"] as? String }, ["a.txt", "sub/a.txt"])
        XCTAssertEqual(jobs.first?["domain"] as? String, "H01L")
        XCTAssertEqual(jobs.first?["priority"] as? Int, 2)
        let digest = jobs.first?["content_sha256"] as? String ?? ""
        XCTAssertTrue(digest.count == 64 && digest.allSatisfy(\.isHexDigit), digest)
        let text = try PmtProcess.run(["queue", "list", "--queue", queue, "--state", "queued"])
        XCTAssertTrue(text.stdout.hasPrefix("id  state"), text.stdout)
        XCTAssertEqual(text.stdout.split(separator: "\n").count, 3)
    }

    func testRetryAndDeadReportWhatTheyDid() throws {
        let enqueue = try PmtProcess.run(["queue", "enqueue", "--queue", queue, folder.appendingPathComponent("filings/a.txt").path])
        XCTAssertEqual(enqueue.status, 0, enqueue.stderr)
        let retry = try PmtProcess.run(["queue", "retry", "--queue", queue, "1", "99"])
        XCTAssertEqual(retry.status, 1)
        XCTAssertTrue(retry.stderr.contains("job 1 is queued, not dead or failed-retrying") && retry.stderr.contains("no job 99"), retry.stderr)
        let dead = try PmtProcess.run(["queue", "dead", "--queue", queue])
        XCTAssertEqual(dead.status, 0)
        XCTAssertEqual(dead.stdout.split(separator: "\n").count, 1, "only the header: \(dead.stdout)")
        let bad = try PmtProcess.run(["queue", "retry", "--queue", queue, "x1"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.hasPrefix("pmt: error: queue retry: 'x1' is not a job id"), bad.stderr)
    }

    func testBadPathsAndURLsAreClearErrors() throws {
        let missing = try PmtProcess.run(["queue", "enqueue", "--queue", queue, folder.appendingPathComponent("filings/a.txt").path, "/no/such/filing.xml"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.hasPrefix("pmt: error: queue enqueue: /no/such/filing.xml: no such file or folder"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("queue.db").path), "nothing enqueued on a typo")
        let noQueue = try PmtProcess.run(["queue", "status", "--queue", queue])
        XCTAssertEqual(noQueue.status, 1)
        XCTAssertTrue(noQueue.stderr.hasPrefix("pmt: error: queue status: \(queue): no queue file there"), noQueue.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("queue.db").path))
        let scheme = try PmtProcess.run(["queue", "status", "--queue", "redis://x"])
        XCTAssertEqual(scheme.status, 2)
        XCTAssertTrue(scheme.stderr.contains("expected sqlite:PATH or postgres://"), scheme.stderr)
    }

    /// An unreachable server: exit 1, the socket named, the password nowhere.
    func testUnreachablePostgresNeverShowsThePassword() throws {
        let url = "postgresql://pmt:s3cret-pw@/postgres?host=\(folder.path)/no-socket&connect_timeout=2"
        for command in [["queue", "status"], ["queue", "enqueue", folder.appendingPathComponent("filings/a.txt").path]] {
            let result = try PmtProcess.run(command + ["--queue", url])
            XCTAssertEqual(result.status, 1, "\(command)")
            XCTAssertTrue(result.stderr.hasPrefix("pmt: error: \(command[0]) \(command[1]): postgresql://pmt:***@/postgres"), result.stderr)
            XCTAssertTrue(result.stderr.contains("no-socket"), result.stderr)
            XCTAssertFalse(result.stderr.contains("s3cret-pw") || result.stdout.contains("s3cret-pw"), result.stderr)
        }
        let worker = try PmtProcess.run(["worker", "--queue", url, "--model", "Models/random-tiny-en-ko", "--out", folder.path])
        XCTAssertEqual(worker.status, 1)
        XCTAssertTrue(worker.stderr.hasPrefix("pmt: error: worker: postgresql://pmt:***@"), worker.stderr)
        XCTAssertFalse(worker.stderr.contains("s3cret-pw"), worker.stderr)
    }

    /// A queue file this user may not write: a clear error, not a crash or a silent no-op.
    func testReadOnlyQueueFileIsAClearError() throws {
        let created = try PmtProcess.run(["queue", "enqueue", "--queue", queue, folder.appendingPathComponent("filings/a.txt").path])
        XCTAssertEqual(created.status, 0, created.stderr)
        // Root writes anything, so as root the command runs as `nobody`, for whom the file
        // (and its folder, where SQLite's -wal and -shm files go) are read-only.
        var command = ["queue", "enqueue", "--queue", queue, folder.appendingPathComponent("filings/sub/a.txt").path]
        var result: PmtResult
        if getuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { throw XCTSkip("root without runuser: cannot drop to a user without write access") }
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
            command = ["-u", "nobody", "--", try PmtProcess.binary().path] + command
            result = try PmtProcess.run(command, executable: URL(fileURLWithPath: "/usr/sbin/runuser"))
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path) }
            result = try PmtProcess.run(command)
        }
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("pmt: error: queue enqueue: \(queue): the queue file"), result.stderr)
        XCTAssertTrue(result.stderr.contains("read-only"), result.stderr)
        let status = try PmtProcess.run(["queue", "status", "--queue", queue, "--format", "jsonl"])
        XCTAssertEqual(jsonLines(status.stdout).first?["total"] as? Int, 1, "the earlier job is intact")
    }
}
