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
}
