import Foundation
import XCTest

/// The CLI contract of DESIGN.md, checked on the real binary.
final class CommandLineTests: XCTestCase {
    static let commands: [[String]] = [
        ["translate"], ["tokenize"], ["worker"], ["bench"],
        ["model", "info"], ["model", "verify"], ["model", "fetch"],
        ["glossary", "init"], ["glossary", "add"], ["glossary", "edit"], ["glossary", "remove"], ["glossary", "list"],
        ["glossary", "search"], ["glossary", "import"], ["glossary", "export"], ["glossary", "lint"],
        ["glossary", "history"], ["glossary", "stats"],
        ["queue", "enqueue"], ["queue", "status"], ["queue", "list"], ["queue", "retry"], ["queue", "dead"],
    ]

    func testVersion() throws {
        let result = try PmtProcess.run(["--version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("pmt "), result.stdout)
        XCTAssertEqual(result.stderr, "")
    }

    func testTopLevelHelpListsEveryCommand() throws {
        let result = try PmtProcess.run(["--help"])
        XCTAssertEqual(result.status, 0)
        for command in ["translate", "tokenize", "model", "glossary", "queue", "worker", "bench"] {
            XCTAssertTrue(result.stdout.contains("  \(command)"), "help lacks \(command)")
        }
    }

    func testEveryCommandHasHelpOnStdout() throws {
        for command in Self.commands {
            let result = try PmtProcess.run(command + ["--help"])
            XCTAssertEqual(result.status, 0, "\(command)")
            XCTAssertTrue(result.stdout.hasPrefix("usage: pmt \(command.joined(separator: " "))"), "\(command): \(result.stdout)")
            XCTAssertEqual(result.stderr, "", "\(command)")
        }
    }

    func testUnknownCommandSuggestsTheNearest() throws {
        let result = try PmtProcess.run(["translte"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.hasPrefix("pmt: error: unknown command 'translte'; did you mean 'translate'?"), result.stderr)
        XCTAssertEqual(result.stdout, "")
        let sub = try PmtProcess.run(["glossary", "lnit", "--db", "x.db"])
        XCTAssertEqual(sub.status, 2)
        XCTAssertTrue(sub.stderr.contains("unknown sub-command 'lnit'; did you mean 'init'?") || sub.stderr.contains("did you mean 'lint'?"), sub.stderr)
    }

    func testUnknownFlagNamesItAndTheNearest() throws {
        let result = try PmtProcess.run(["translate", "--model", "m", "--beam-szie", "4"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("unknown option '--beam-szie'; did you mean '--beam-size'?"), result.stderr)
        let missing = try PmtProcess.run(["tokenize", "--spm"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--spm needs a value"), missing.stderr)
        let group = try PmtProcess.run(["queue"])
        XCTAssertEqual(group.status, 2)
        XCTAssertTrue(group.stderr.contains("expected a sub-command"), group.stderr)
    }

    func testNoCommandIsAUsageError() throws {
        let result = try PmtProcess.run([])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.hasPrefix("pmt: error: "), result.stderr)
    }

    /// Commands whose issue is not done exit 1, say so, and print nothing on stdout.
    func testPendingCommandsNeverPretend() throws {
        let pending: [[String]] = [
            ["model", "fetch", "opus-mt-en-ko", "--to", "m"],
        ]
        for command in pending {
            let result = try PmtProcess.run(command)
            XCTAssertEqual(result.status, 1, "\(command)")
            XCTAssertTrue(result.stderr.contains("not implemented yet"), "\(command): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(command)")
        }
    }
}
