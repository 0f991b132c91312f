import Foundation
import XCTest
@testable import Glossary

/// A real SQLite file: written, closed, reopened by a new connection and read back.
final class SQLiteDatabaseTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testWrittenFileIsReadBackAfterReopening() throws {
        let path = directory.appendingPathComponent("terms.db").path
        do {
            let db = try SQLiteDatabase(path: path)
            try db.execute("CREATE TABLE terms (id INTEGER PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL, weight REAL, raw BLOB)")
            try db.transaction {
                try db.query("INSERT INTO terms (source, target, weight, raw) VALUES (?, ?, ?, ?)",
                             [.text("comprising"), .text("포함하는"), .real(0.5), .blob([0, 255, 7])])
                try db.query("INSERT INTO terms (source, target, weight, raw) VALUES (?, ?, ?, ?)",
                             [.text("said"), .text("상기"), .null, .blob([])])
            }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        let reopened = try SQLiteDatabase(path: path, create: false)
        let rows = try reopened.query("SELECT source, target, weight, raw FROM terms ORDER BY id")
        XCTAssertEqual(rows, [
            [.text("comprising"), .text("포함하는"), .real(0.5), .blob([0, 255, 7])],
            [.text("said"), .text("상기"), .null, .blob([])],
        ])
        XCTAssertEqual(try reopened.query("PRAGMA journal_mode"), [[.text("wal")]])
    }

    func testFailedTransactionLeavesNothingBehind() throws {
        let db = try SQLiteDatabase(path: directory.appendingPathComponent("t.db").path)
        try db.execute("CREATE TABLE t (v TEXT UNIQUE)")
        try db.query("INSERT INTO t VALUES ('kept')")
        XCTAssertThrowsError(try db.transaction {
            try db.query("INSERT INTO t VALUES ('lost')")
            try db.query("INSERT INTO t VALUES ('kept')")  // violates UNIQUE
        })
        XCTAssertEqual(try db.query("SELECT v FROM t"), [[.text("kept")]])
    }

    func testErrorsNameTheFileAndStatement() throws {
        let missing = directory.appendingPathComponent("absent/x.db").path
        XCTAssertThrowsError(try SQLiteDatabase(path: missing, create: false)) { error in
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
        let db = try SQLiteDatabase(path: directory.appendingPathComponent("e.db").path)
        XCTAssertThrowsError(try db.query("SELEC 1")) { error in
            XCTAssertTrue("\(error)".contains("e.db") && "\(error)".contains("SELEC 1"), "\(error)")
        }
    }

    /// A transaction inside a transaction is a savepoint: its failure undoes only itself.
    func testNestedTransactionRollsBackOnlyItsOwnPart() throws {
        let db = try SQLiteDatabase(path: directory.appendingPathComponent("n.db").path)
        try db.execute("CREATE TABLE t (v TEXT UNIQUE)")
        try db.transaction {
            try db.query("INSERT INTO t VALUES ('outer')")
            XCTAssertTrue(db.isInTransaction)
            XCTAssertThrowsError(try db.transaction {
                try db.query("INSERT INTO t VALUES ('inner')")
                try db.query("INSERT INTO t VALUES ('outer')")  // violates UNIQUE
            })
            try db.query("INSERT INTO t VALUES ('after')")
        }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.query("SELECT v FROM t ORDER BY rowid"), [[.text("outer")], [.text("after")]])
    }

    /// Repeated statements reuse one compiled statement; bindings never leak between runs,
    /// and text with NUL characters comes back whole.
    func testRepeatedStatementsAndEmbeddedNUL() throws {
        let db = try SQLiteDatabase(path: directory.appendingPathComponent("r.db").path)
        try db.execute("CREATE TABLE t (a TEXT, b TEXT)")
        for k in 0..<100 { try db.query("INSERT INTO t VALUES (?, ?)", [.text("row \(k)"), k == 0 ? .text("a\u{0}b") : .null]) }
        XCTAssertEqual(db.lastInsertRowID, 100)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t WHERE b IS NULL"), .integer(99))
        XCTAssertEqual(try db.scalar("SELECT b FROM t WHERE a = ?", [.text("row 0")]), .text("a\u{0}b"))
        XCTAssertEqual(try db.scalar("SELECT length(CAST(b AS BLOB)) FROM t WHERE a = 'row 0'"), .integer(3))
    }
}
