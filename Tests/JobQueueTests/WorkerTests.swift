import Foundation
import Synchronization
import XCTest
import Pipeline
@testable import JobQueue

/// A real handler for the worker tests: strict UTF-8 text in, the same text upper-cased
/// out as `<name>.upper.txt`; anything else is the document's fault.
struct UppercaseHandler: JobHandler {
    struct Rejected: Error, CustomStringConvertible { let description: String }

    func process(_ job: ClaimedJob) throws -> [OutputDocument] {
        guard !job.content.isEmpty else { throw Rejected(description: "\(job.name): the file is empty") }
        guard let text = String(data: job.content, encoding: .utf8) else { throw Rejected(description: "\(job.name): not valid UTF-8") }
        return [OutputDocument(name: job.name + ".upper.txt", contents: Data(text.uppercased().utf8))]
    }
}

final class LogLines: Sendable {
    private let lines = Mutex([String]())
    var sink: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
    func events(_ name: String) -> [[String: Any]] {
        all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.filter { $0["event"] as? String == name }
    }
}

final class WorkerTests: XCTestCase {
    private var folder: URL!
    override func setUpWithError() throws { folder = try QueueTestSupport.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func configuration(out: URL, queue: QueueURL? = nil, maxAttempts: Int = 3) -> WorkerConfiguration {
        WorkerConfiguration(queue: queue ?? .sqlite(path: folder.appendingPathComponent("queue.db").path), outputFolder: out,
                            concurrency: 1, leaseSeconds: 30, retry: RetryPolicy(maxAttempts: maxAttempts, baseDelaySeconds: 5),
                            name: "test-worker")
    }

    /// The output folder vanishes: the job is given back with a clear error, its attempt not
    /// spent; when the folder is back, the job is done. Nothing is lost.
    func testMissingOutputFolderRetriesLaterWithoutSpendingAttempts() throws {
        let time = ManualClock()
        let out = folder.appendingPathComponent("out")
        let config = configuration(out: out)
        let queue = try config.queue.open(clock: time.clock)
        let id = try queue.enqueue(EnqueueRequest(name: "claims.txt", content: Data("a device\n".utf8))).id
        let log = LogLines()
        let worker = Worker(configuration: config, handler: UppercaseHandler(), log: WorkerLog(sink: log.sink), clock: time.clock)
        for _ in 1...4 {   // more times than max attempts: still not dead
            XCTAssertEqual(try worker.processNext(using: queue), .released(id))
            let record = try XCTUnwrap(queue.job(id: id))
            XCTAssertEqual(record.state, .failedRetrying)
            XCTAssertEqual(record.attempts, 0)
            XCTAssertTrue(record.lastError?.contains(out.path) == true && record.lastError?.contains("does not exist") == true, record.lastError ?? "nil")
            XCTAssertEqual(try worker.processNext(using: queue), .idle, "backed off")
            time.advance(3600)
        }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        XCTAssertEqual(try worker.processNext(using: queue), .succeeded(id))
        XCTAssertEqual(FileManager.default.contents(atPath: out.appendingPathComponent("claims.txt.upper.txt").path), Data("A DEVICE\n".utf8))
        XCTAssertEqual(log.events("job.released").count, 4)
        let record = try XCTUnwrap(queue.job(id: id))
        XCTAssertEqual(record.completions, 1)
        let outputs = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(record.outputs).utf8)) as? [[String: Any]])
        XCTAssertEqual(outputs.first?["sha256"] as? String, SHA256.hex(Data("A DEVICE\n".utf8)))
        XCTAssertEqual(outputs.first?["lines"] as? Int, 1)
    }

    /// A document the handler rejects fails, backs off, and is dead after the last attempt
    /// with the handler's error; no output is written for it.
    func testPoisonDocumentIsDeadAfterMaxAttempts() throws {
        let time = ManualClock()
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let config = configuration(out: out, maxAttempts: 3)
        let queue = try config.queue.open(clock: time.clock)
        let id = try queue.enqueue(EnqueueRequest(name: "poison.txt", content: Data([0x41, 0xff, 0xfe, 0x0a]))).id
        let worker = Worker(configuration: config, handler: UppercaseHandler(), log: WorkerLog(sink: { _ in }), clock: time.clock)
        XCTAssertEqual(try worker.processNext(using: queue), .retrying(id))
        XCTAssertEqual(try worker.processNext(using: queue), .idle)
        time.advance(5.01)
        XCTAssertEqual(try worker.processNext(using: queue), .retrying(id))
        time.advance(4.9)   // second back-off is 5–10 s
        time.advance(5.2)
        XCTAssertEqual(try worker.processNext(using: queue), .dead(id))
        let record = try XCTUnwrap(queue.job(id: id))
        XCTAssertEqual(record.state, .dead)
        XCTAssertEqual(record.attempts, 3)
        XCTAssertEqual(record.lastError, "poison.txt: not valid UTF-8")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
    }

    /// `run()` with three slots drains the queue, writes every output once, and stops
    /// when asked; the summary and the log report throughput.
    func testRunDrainsTheQueueAndStopsGracefully() throws {
        let lines = try QueueTestSupport.floresLines(40)
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var config = configuration(out: out)
        config.concurrency = 3
        config.idleWaitSeconds = 0.05
        let queue = try config.queue.open()
        for (n, line) in lines.enumerated() { _ = try queue.enqueue(EnqueueRequest(name: "doc-\(n).txt", content: Data((line + "\n").utf8))) }
        let log = LogLines()
        let worker = Worker(configuration: config, handler: UppercaseHandler(), log: WorkerLog(sink: log.sink))
        let done = DispatchSemaphore(value: 0)
        let result = Mutex(WorkerSummary())
        Thread {
            let summary = worker.run()
            result.withLock { $0 = summary }
            done.signal()
        }.start()
        let deadline = Date().addingTimeInterval(30)
        while try queue.counts()[.succeeded, default: 0] < lines.count && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        worker.stop()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "the worker stops")
        XCTAssertEqual(result.withLock { $0.succeeded }, lines.count)
        XCTAssertEqual(try queue.counts(), [.succeeded: lines.count])
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        XCTAssertEqual(files.count, lines.count)
        for (n, line) in lines.enumerated() {
            XCTAssertEqual(FileManager.default.contents(atPath: out.appendingPathComponent("doc-\(n).txt.upper.txt").path), Data((line.uppercased() + "\n").utf8))
        }
        let stopped = try XCTUnwrap(log.events("worker.stopped").first)
        XCTAssertEqual(stopped["succeeded"] as? Int, lines.count)
        XCTAssertGreaterThan(stopped["jobs_per_minute"] as? Double ?? 0, 0)
    }

    /// An unreachable PostgreSQL server: the worker keeps trying and says why, and its
    /// log never shows the password.
    func testUnreachableQueueIsLoggedWithoutThePassword() throws {
        let url = "postgresql://pmt:s3cret-pw@/postgres?host=\(folder.path)/no-socket&connect_timeout=1"
        let log = LogLines()
        let worker = Worker(configuration: configuration(out: folder, queue: try QueueURL(url)), handler: UppercaseHandler(), log: WorkerLog(sink: log.sink))
        let done = DispatchSemaphore(value: 0)
        Thread { worker.run(); done.signal() }.start()
        Thread.sleep(forTimeInterval: 0.4)
        worker.stop()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        let errors = log.events("queue.error")
        XCTAssertFalse(errors.isEmpty, log.all.joined(separator: "\n"))
        XCTAssertTrue((errors.first?["error"] as? String ?? "").contains("no-socket"), "\(errors)")
        XCTAssertFalse(log.all.contains { $0.contains("s3cret-pw") }, log.all.joined(separator: "\n"))
    }

    /// Files dropped in the inbox are enqueued once (even when dropped twice) and archived.
    func testInboxEnqueuesAndArchives() throws {
        let inbox = folder.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let queueURL = QueueURL.sqlite(path: folder.appendingPathComponent("queue.db").path)
        let queue = try queueURL.open()
        let watcher = InboxWatcher(configuration: InboxConfiguration(folder: inbox, options: JobOptions(model: "m")), queue: queueURL, log: WorkerLog(sink: { _ in }))
        try Data("one\n".utf8).write(to: inbox.appendingPathComponent("a.txt"))
        try Data("hidden\n".utf8).write(to: inbox.appendingPathComponent(".b.txt.partial"))
        var stamps = try watcher.look(queue, previous: [:])
        XCTAssertEqual(try queue.counts(), [:], "a file is taken only once its size held still")
        stamps = try watcher.look(queue, previous: stamps)
        XCTAssertEqual(try queue.counts(), [.queued: 1])
        XCTAssertEqual(try queue.list(state: nil, limit: 5).first?.options.model, "m")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent("archive").path), ["a.txt"])
        try Data("one\n".utf8).write(to: inbox.appendingPathComponent("a.txt"))
        stamps = try watcher.look(queue, previous: stamps)
        stamps = try watcher.look(queue, previous: stamps)
        XCTAssertEqual(try queue.counts(), [.queued: 1], "the same filing again is the same job")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent("archive").path)), ["a.txt", "a.txt.2"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: inbox.appendingPathComponent(".b.txt.partial").path))
    }

    /// The server drops the worker's connections mid-run (as in a restart): the worker logs
    /// it, reconnects, and every job still succeeds exactly once.
    func testPostgresConnectionsDroppedMidRunLoseNothing() throws {
        let base = try QueueTestSupport.freshPostgresQueueURL()
        let victim = "pmt_victim_\(UInt32.random(in: 0...UInt32.max))"
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var config = configuration(out: out, queue: try QueueURL(base + "&application_name=\(victim)"))
        config.concurrency = 2
        config.leaseSeconds = 3
        let setup = try PostgresJobQueue(url: base)
        let lines = try QueueTestSupport.floresLines(40)
        for (n, line) in lines.enumerated() { _ = try setup.enqueue(EnqueueRequest(name: "doc-\(n).txt", content: Data((line + "\n").utf8))) }
        let log = LogLines()
        let worker = Worker(configuration: config, handler: SlowUppercaseHandler(), log: WorkerLog(sink: log.sink))
        let done = DispatchSemaphore(value: 0)
        Thread { worker.run(); done.signal() }.start()
        let admin = try PostgresConnection(url: try QueueTestSupport.postgresURL())
        var cuts = 0
        let deadline = Date().addingTimeInterval(60)
        while try setup.counts()[.succeeded, default: 0] < lines.count && Date() < deadline {
            let succeeded = try setup.counts()[.succeeded, default: 0]
            if (cuts == 0 && succeeded >= 5) || (cuts == 1 && succeeded >= 20) {
                let killed = try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [victim])
                XCTAssertFalse(killed.isEmpty, "the worker's connections were found")
                cuts += 1
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        worker.stop()
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success)
        XCTAssertEqual(cuts, 2)
        XCTAssertFalse(log.events("queue.error").isEmpty, "the dropped connections were noticed")
        let jobs = try setup.list(state: nil, limit: 100)
        XCTAssertEqual(jobs.count, lines.count)
        XCTAssertTrue(jobs.allSatisfy { $0.state == .succeeded && $0.completions == 1 }, "\(jobs.map { ($0.id, $0.state, $0.completions) })")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix(".") }.count, lines.count)
    }
}

/// `UppercaseHandler` that takes a little while, so connections drop while jobs are in hand.
struct SlowUppercaseHandler: JobHandler {
    func process(_ job: ClaimedJob) throws -> [OutputDocument] {
        Thread.sleep(forTimeInterval: 0.03)
        return try UppercaseHandler().process(job)
    }
}
