import Foundation
import XCTest

/// `pmt glossary …` on the real binary and a real SQLite file: the maintainer's workflow,
/// exit codes, and all-or-nothing imports.
final class GlossaryCommandTests: XCTestCase {
    private var directory: URL!
    private var db: String { directory.appendingPathComponent("terms.db").path }
    private let glossaries = PmtProcess.packageRoot.appendingPathComponent("Glossaries").path
    private let patentCore = PmtProcess.packageRoot.appendingPathComponent("Glossaries/patent-core.en-ko.tsv").path

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-glossary-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func pmt(_ arguments: [String], status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> PmtResult {
        let result = try PmtProcess.run(["glossary"] + arguments)
        XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)", file: file, line: line)
        return result
    }

    func testMaintainerWorkflow() throws {
        try pmt(["init", "--db", db])
        let lines = try String(contentsOfFile: patentCore, encoding: .utf8).split(separator: "\n").count - 1
        let first = try pmt(["import", glossaries, "--db", db, "--user", "kim"])
        XCTAssertEqual(first.stdout, "\(patentCore): patent-core.en-ko: \(lines) added, 0 changed, 0 retired, 0 unchanged\n")
        let second = try pmt(["import", glossaries, "--db", db, "--user", "kim"])
        XCTAssertTrue(second.stdout.hasSuffix(": 0 added, 0 changed, 0 retired, \(lines) unchanged\n"), second.stdout)
        XCTAssertEqual(try pmt(["lint", "--db", db]).stdout, "")

        // Export is the file, byte for byte.
        XCTAssertEqual(try pmt(["export", "--db", db]).stdout, try String(contentsOfFile: patentCore, encoding: .utf8))

        // Add, edit with the version read, then a stale edit is refused.
        let added = try pmt(["add", "heat sink", "방열판", "--db", db, "--glossary", "patent-core", "--status", "approved", "--user", "lee"])
        let id = try XCTUnwrap(added.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        XCTAssertTrue(added.stdout.hasPrefix("added entry \(id) (version 1)"), added.stdout)
        try pmt(["edit", id, "--target", "히트싱크", "--expect-version", "1", "--db", db, "--user", "park"])
        let stale = try pmt(["edit", id, "--target", "방열체", "--expect-version", "1", "--db", db, "--user", "choi"], status: 1)
        XCTAssertTrue(stale.stderr.hasPrefix("pmt: error: glossary edit: entry \(id): changed since you read it (you read version 1; it is now version 2, by park"), stale.stderr)
        XCTAssertEqual(stale.stdout, "")
        let listed = try pmt(["list", "--db", db, "--status", "approved"]).stdout
        XCTAssertTrue(listed.contains("\(id)\t2\tpatent-core.en-ko\tapproved\theat sink\t히트싱크\t\t0\n"), listed)
        let history = try pmt(["history", id, "--db", db]).stdout.split(separator: "\n")
        XCTAssertEqual(history.count, 3)
        XCTAssertEqual(history.dropFirst().map { $0.split(separator: "\t")[1...2].joined(separator: " ") }, ["lee add", "park edit"])
        XCTAssertTrue(try pmt(["search", "히트", "--db", db]).stdout.contains("heat sink"))
        let stats = try pmt(["stats", "--db", db]).stdout
        XCTAssertTrue(stats.hasSuffix("total\t\t\t\(lines + 1)\n"), stats)

        // A conflict makes lint fail with exit 1 and name the entries.
        try pmt(["add", "wafer", "원판", "--db", db, "--glossary", "extra", "--source-lang", "en", "--target-lang", "ko", "--status", "approved"])
        let lint = try pmt(["lint", "--db", db], status: 1)
        XCTAssertTrue(lint.stdout.hasPrefix("conflict\t"), lint.stdout)
        XCTAssertTrue(lint.stderr.contains("glossary lint: 1 finding(s)"), lint.stderr)

        // The sync retires what a file no longer holds, and says so.
        let trimmed = directory.appendingPathComponent("patent-core.en-ko.tsv").path
        try (try String(contentsOfFile: patentCore, encoding: .utf8)).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("wafer\t") && !$0.hasPrefix("substrate\t") }.joined(separator: "\n").write(toFile: trimmed, atomically: true, encoding: .utf8)
        XCTAssertTrue(try pmt(["import", trimmed, "--db", db]).stdout.hasSuffix(": 0 added, 0 changed, 2 retired, \(lines - 2) unchanged\n"))
    }

    func testFailedImportLeavesTheStoreUnchanged() throws {
        try pmt(["init", "--db", db])
        try pmt(["import", patentCore, "--db", db])
        let before = try pmt(["export", "--db", db, "--format", "csv"]).stdout
        let historyBefore = try pmt(["history", "--db", db]).stdout
        let bad = directory.appendingPathComponent("more.en-ko.tsv").path
        try "source\ttarget\nwidget\t위젯\nsprocket\t스프로킷\textra\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try pmt(["import", patentCore, bad, "--db", db], status: 1)
        XCTAssertEqual(result.stderr, "pmt: error: \(bad):3: expected 2 fields, found 3\n")
        XCTAssertEqual(try pmt(["export", "--db", db, "--format", "csv"]).stdout, before)
        XCTAssertEqual(try pmt(["history", "--db", db]).stdout, historyBefore)
    }

    func testExportToAFileAndReimportEveryFormat() throws {
        try pmt(["init", "--db", db])
        try pmt(["import", patentCore, "--db", db])
        let tsv = try pmt(["export", "--db", db]).stdout
        for format in ["tsv", "csv", "tbx"] {
            let out = directory.appendingPathComponent("copy.en-ko.\(format)").path
            try pmt(["export", "--db", db, "--format", format, "-o", out])
            try pmt(["export", "--db", db, "--format", format, "-o", out])  // over an existing file
            let other = directory.appendingPathComponent("\(format).db").path
            try pmt(["init", "--db", other])
            try pmt(["import", out, "--db", other, "--glossary", "patent-core"])
            XCTAssertEqual(try pmt(["export", "--db", other]).stdout, tsv, format)
        }
    }

    func testUsageErrorsAndMissingStores() throws {
        XCTAssertTrue(try pmt(["list"], status: 2).stderr.contains("--db DB is required"))
        let missing = try pmt(["list", "--db", directory.appendingPathComponent("none.db").path], status: 1)
        XCTAssertTrue(missing.stderr.contains("no glossary store there"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("none.db").path))
        try pmt(["init", "--db", db])
        XCTAssertTrue(try pmt(["add", "x", "엑스", "--db", db], status: 2).stderr.contains("give --source-lang and --target-lang"))
        XCTAssertTrue(try pmt(["add", "x", "엑스", "--db", db, "--source-lang", "en", "--target-lang", "ko", "--status", "maybe"], status: 2).stderr.contains("'maybe' is not one of"))
        XCTAssertTrue(try pmt(["edit", "7", "--db", db], status: 2).stderr.contains("nothing to change"))
        XCTAssertTrue(try pmt(["edit", "7", "--note", "n", "--db", db], status: 1).stderr.contains("entry 7: no such entry"))
        XCTAssertTrue(try pmt(["export", "--db", db, "--format", "xlsx"], status: 2).stderr.contains("'xlsx' is not one of tsv, csv, tbx"))
        XCTAssertTrue(try pmt(["import", directory.appendingPathComponent("nope.tsv").path, "--db", db], status: 1).stderr.contains("no such file or folder"))
    }

    /// Six maintainers edit the same entry at once, each having read version 1: exactly one
    /// edit lands, the others are refused, and the history holds exactly that one edit.
    func testConcurrentEditsOfOneVersionLetExactlyOneWin() throws {
        try pmt(["init", "--db", db])
        try pmt(["add", "wafer", "웨이퍼", "--db", db, "--source-lang", "en", "--target-lang", "ko", "--user", "kim"])
        // Six processes started together, then collected.
        let binary = try PmtProcess.binary()
        var running: [(process: Process, stderr: Pipe)] = []
        for k in 0..<6 {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["glossary", "edit", "1", "--target", "웨이퍼 \(k)", "--expect-version", "1", "--db", db, "--user", "m\(k)"]
            let stderr = Pipe()
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            running.append((process, stderr))
        }
        for r in running { try r.process.run() }
        let results = running.map { r -> PmtResult in
            let err = r.stderr.fileHandleForReading.readDataToEndOfFile()
            r.process.waitUntilExit()
            return PmtResult(status: r.process.terminationStatus, stdout: "", stderr: String(decoding: err, as: UTF8.self))
        }
        let all = results
        XCTAssertEqual(all.count, 6)
        XCTAssertEqual(all.filter { $0.status == 0 }.count, 1, all.map(\.stderr).joined())
        XCTAssertEqual(all.filter { $0.status == 1 && $0.stderr.contains("changed since you read it") }.count, 5, all.map(\.stderr).joined())
        let history = try pmt(["history", "1", "--db", db]).stdout.split(separator: "\n")
        XCTAssertEqual(history.count, 3)
        let winner = try XCTUnwrap(all.firstIndex { $0.status == 0 })
        XCTAssertTrue(history[2].contains("\tm\(winner)\tedit\t"), "\(history)")
        XCTAssertTrue(try pmt(["list", "--db", db]).stdout.contains("\t2\tmanual.en-ko\tproposed\twafer\t웨이퍼 \(winner)\t"))
    }
}
