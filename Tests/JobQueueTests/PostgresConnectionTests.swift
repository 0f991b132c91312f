import Foundation
import XCTest
@testable import JobQueue

/// libpq against a real server: the private one that Scripts/test starts (its URL in
/// PMT_TEST_POSTGRES_URL). Without one, the test skips and says why.
final class PostgresConnectionTests: XCTestCase {
    private func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["PMT_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip("no PostgreSQL server for tests: PMT_TEST_POSTGRES_URL is not set (Scripts/test and .ci/run start a private one)")
        }
        return url
    }

    func testRoundTripThroughARealServer() throws {
        let connection = try PostgresConnection(url: try serverURL())
        XCTAssertGreaterThanOrEqual(connection.serverVersion, 150000)
        let table = "pmt_probe_\(UInt32.random(in: 0...UInt32.max))"
        try connection.query("CREATE TEMP TABLE \(table) (id serial PRIMARY KEY, body text, note text)")
        try connection.query("INSERT INTO \(table) (body, note) VALUES ($1, $2), ($3, $4)", ["청구항 1", nil, "claim 2", "n"])
        let rows = try connection.query("SELECT body, note FROM \(table) ORDER BY id")
        XCTAssertEqual(rows, [["청구항 1", nil], ["claim 2", "n"]])
        XCTAssertEqual(try connection.query("SELECT $1::int + $2::int", ["40", "2"]), [["42"]])
    }

    func testServerErrorsNameTheStatement() throws {
        let connection = try PostgresConnection(url: try serverURL())
        XCTAssertThrowsError(try connection.query("SELECT * FROM no_such_table_here")) { error in
            XCTAssertTrue("\(error)".contains("no_such_table_here"), "\(error)")
        }
    }

    func testUnreachableServerIsAClearError() {
        let url = "postgresql://nobody@/postgres?host=/nonexistent-socket-dir&connect_timeout=2"
        XCTAssertThrowsError(try PostgresConnection(url: url)) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent-socket-dir"), "\(error)")
        }
    }

    func testQueueURLs() throws {
        XCTAssertEqual(try QueueURL("sqlite:jobs.db"), .sqlite(path: "jobs.db"))
        XCTAssertEqual(try QueueURL("postgres://u:secret@db/pmt").description, "postgres://u:***@db/pmt")
        XCTAssertThrowsError(try QueueURL("redis://x")) { XCTAssertTrue("\($0)".contains("redis://x")) }
        XCTAssertThrowsError(try QueueURL("sqlite:"))
    }
}
