import Foundation
import XCTest

/// `pmt worker` as operations run it: a real process, a real queue file, the fixture
/// model, and real signals.
final class WorkerCommandTests: XCTestCase {
    private var folder: URL!
    private var queue: String { "sqlite:" + folder.appendingPathComponent("queue.db").path }
    private var out: URL { folder.appendingPathComponent("out") }
    private let model = PmtProcess.packageRoot.appendingPathComponent("Models/random-tiny-en-ko").path

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-worker-cli-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func flores(_ count: Int, from start: Int = 0) throws -> [String] {
        let file = PmtProcess.packageRoot.appendingPathComponent("../shared/corpora/flores200-devtest/eng.devtest").standardized
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { throw XCTSkip("missing \(file.path)") }
        let lines = text.split(separator: "\n").map(String.init)
        return (0..<count).map { lines[(start + $0) % lines.count] }
    }

    /// Enqueues `documents` filings of `lines` FLORES lines each.
    private func enqueue(documents: Int, lines: Int) throws {
        let filings = folder.appendingPathComponent("filings")
        try FileManager.default.createDirectory(at: filings, withIntermediateDirectories: true)
        for n in 0..<documents {
            let body = try flores(lines, from: n * 7).joined(separator: "\n") + "\n"
            try Data("Filing \(n).\n\(body)".utf8).write(to: filings.appendingPathComponent(String(format: "doc-%02d.txt", n)))
        }
        let result = try PmtProcess.run(["queue", "enqueue", "--queue", queue, "--model", model, filings.path])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    private func events(_ log: URL) -> [[String: Any]] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    private func waitFor(_ event: String, in log: URL, seconds: Double = 60) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let found = events(log).first(where: { $0["event"] as? String == event }) { return found }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    private func waitForExit(_ process: Process, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { process.terminate(); return false }
        return true
    }

    private func jobs() throws -> [[String: Any]] {
        let list = try PmtProcess.run(["queue", "list", "--queue", queue, "--format", "jsonl"])
        XCTAssertEqual(list.status, 0, list.stderr)
        return list.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testMissingOrUnusableFoldersAreClearErrors() throws {
        let missing = folder.appendingPathComponent("no-such-out").path
        let result = try PmtProcess.run(["worker", "--queue", queue, "--model", model, "--out", missing])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "pmt: error: worker: --out \(missing): the folder does not exist\n")
        let usage = try PmtProcess.run(["worker", "--queue", queue, "--out", out.path])
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.stderr.hasPrefix("pmt: error: worker: --model DIR is required"), usage.stderr)
        let badModel = try PmtProcess.run(["worker", "--queue", queue, "--model", folder.path, "--out", out.path])
        XCTAssertEqual(badModel.status, 1)
        XCTAssertTrue(badModel.stderr.hasPrefix("pmt: error: worker: --model \(folder.path):"), badModel.stderr)
    }

    /// SIGTERM while a job is in hand: the job finishes (complete output), no new job is
    /// taken, the rest stay queued, and the worker exits 0 with its throughput.
    /// XML filings go through the document pipeline: a well-formed Korean document out; a
    /// malformed one is dead after its attempts with the reader's message.
    func testXMLFilingsAreTranslatedAsDocuments() throws {
        let filings = folder.appendingPathComponent("filings")
        try FileManager.default.createDirectory(at: filings, withIntermediateDirectories: true)
        let example = PmtProcess.packageRoot.appendingPathComponent("Examples/example-filing.xml")
        try FileManager.default.copyItem(at: example, to: filings.appendingPathComponent("good.xml"))
        try Data("<us-patent-application><abstract><p>broken</abstract></us-patent-application>".utf8)
            .write(to: filings.appendingPathComponent("broken.xml"))
        // With the office's glossary: the example's claim says "comprising".
        let terms = folder.appendingPathComponent("terms.db").path
        XCTAssertEqual(try PmtProcess.run(["glossary", "init", "--db", terms]).status, 0)
        let imported = try PmtProcess.run(["glossary", "import", PmtProcess.packageRoot.appendingPathComponent("Glossaries").path, "--db", terms])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let enqueued = try PmtProcess.run(["queue", "enqueue", "--queue", queue, "--model", model, "--glossary", terms, filings.path])
        XCTAssertEqual(enqueued.status, 0, enqueued.stderr)
        let log = folder.appendingPathComponent("worker.log")
        let worker = try PmtProcess.start(["worker", "--queue", queue, "--model", model, "--out", out.path,
                                           "--max-attempts", "2", "--retry-delay", "0"], stderr: log)
        XCTAssertNotNil(waitFor("job.dead", in: log), "\(events(log))")
        XCTAssertNotNil(waitFor("job.succeeded", in: log), "\(events(log))")
        worker.terminate()
        XCTAssertTrue(waitForExit(worker))
        let all = try jobs()
        let dead = try XCTUnwrap(all.first { $0["name"] as? String == "broken.xml" })
        XCTAssertEqual(dead["state"] as? String, "dead")
        let error = try XCTUnwrap(dead["last_error"] as? String, "\(dead)")
        XCTAssertTrue(error.contains("broken.xml") && error.contains("abstract"), error)
        let output = try String(contentsOf: out.appendingPathComponent("good.ko.xml"), encoding: .utf8)
        XCTAssertTrue(output.contains(#"<us-patent-application lang="KO""#))
        XCTAssertTrue(output.contains("FIG. 2"), "protected spans kept")
        XCTAssertTrue(output.contains("포함하는"), "the glossary's rendering of 'comprising' is forced")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["good.ko.xml"])
    }

    func testSIGTERMFinishesTheJobInHandAndStops() throws {
        try enqueue(documents: 8, lines: 60)
        let log = folder.appendingPathComponent("worker.log")
        let worker = try PmtProcess.start(["worker", "--queue", queue, "--model", model, "--out", out.path], stderr: log)
        let started = try XCTUnwrap(waitFor("job.started", in: log), "no job started: \(events(log))")
        worker.terminate()   // SIGTERM
        XCTAssertTrue(waitForExit(worker), "the worker did not stop")
        XCTAssertEqual(worker.terminationReason, .exit)
        XCTAssertEqual(worker.terminationStatus, 0)
        let logged = events(log)
        XCTAssertTrue(logged.contains { $0["event"] as? String == "worker.stopping" })
        let stopped = try XCTUnwrap(logged.first { $0["event"] as? String == "worker.stopped" })
        XCTAssertNotNil(stopped["jobs_per_minute"])

        let all = try jobs()
        XCTAssertEqual(all.count, 8)
        XCTAssertFalse(all.contains { $0["state"] as? String == "running" }, "a job was left running")
        let inHand = try XCTUnwrap(all.first { ($0["id"] as? Int) == (started["job"] as? Int) })
        XCTAssertEqual(inHand["state"] as? String, "succeeded", "the job in hand was finished")
        let succeeded = all.filter { $0["state"] as? String == "succeeded" }
        XCTAssertLessThan(succeeded.count, 8, "stopped before draining the queue")
        XCTAssertEqual(all.filter { $0["state"] as? String == "queued" }.count, 8 - succeeded.count, "the rest wait for the next worker")
        for job in succeeded {
            let name = (job["name"] as? String ?? "").replacingOccurrences(of: ".txt", with: ".ko.txt")
            let data = try XCTUnwrap(FileManager.default.contents(atPath: out.appendingPathComponent(name).path), name)
            XCTAssertEqual(data.filter { $0 == 0x0A }.count, 61, "\(name): one line per input line")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).count, succeeded.count, "no temporary files left")
    }

    /// A second signal gives the job in hand back at once: queued again, attempt not spent,
    /// no output written.
    func testSecondSignalReleasesTheJobInHand() throws {
        try enqueue(documents: 1, lines: 900)
        let log = folder.appendingPathComponent("worker.log")
        let worker = try PmtProcess.start(["worker", "--queue", queue, "--model", model, "--out", out.path], stderr: log)
        XCTAssertNotNil(waitFor("job.started", in: log), "\(events(log))")
        worker.interrupt()   // SIGINT
        XCTAssertNotNil(waitFor("worker.stopping", in: log, seconds: 10))
        worker.terminate()   // SIGTERM
        XCTAssertTrue(waitForExit(worker, seconds: 10))
        XCTAssertEqual(worker.terminationStatus, 0)
        let job = try XCTUnwrap(jobs().first)
        if job["state"] as? String == "succeeded" { throw XCTSkip("the 900-line document finished before the second signal; machine too fast for this check") }
        XCTAssertEqual(job["state"] as? String, "queued")
        XCTAssertEqual(job["attempts"] as? Int, 0)
        XCTAssertTrue(events(log).contains { $0["event"] as? String == "job.released" && $0["reason"] as? String == "shutdown" })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix(".") }, [])
    }
}

/// The chaos run of Scripts/chaos-queue, shortened: workers killed with SIGKILL and
/// restarted while they work; every job must succeed exactly once, poison must die.
final class ChaosQueueTests: XCTestCase {
    private func chaos(_ extra: [String]) throws {
        let script = PmtProcess.packageRoot.appendingPathComponent("Scripts/chaos-queue")
        guard FileManager.default.isExecutableFile(atPath: PmtProcess.packageRoot.appendingPathComponent(".venv/bin/python").path) else {
            throw XCTSkip("no .venv (Scripts/setup makes it): Scripts/chaos-queue needs its Python")
        }
        let arguments = ["--documents", "20", "--workers", "2", "--kill-every", "1", "--max-kills", "2", "--lease-seconds", "2",
                         "--timeout", "120", "--pmt", try PmtProcess.binary().path] + extra
        let result = try PmtProcess.run(arguments, executable: script)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("jobs: 24 (dead 4, succeeded 20)"), result.stdout)
        XCTAssertTrue(result.stdout.contains(" 2 SIGKILLs"), result.stdout)
        XCTAssertTrue(result.stdout.contains("jobs/minute"), result.stdout)
    }

    func testShortChaosRunOnSQLite() throws { try chaos(["--backend", "sqlite"]) }

    func testShortChaosRunOnPostgres() throws {
        guard let url = ProcessInfo.processInfo.environment["PMT_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip("no PostgreSQL server for tests: PMT_TEST_POSTGRES_URL is not set (Scripts/test and .ci/run start a private one)")
        }
        try chaos(["--backend", "postgres", "--postgres-url", url])
    }
}
