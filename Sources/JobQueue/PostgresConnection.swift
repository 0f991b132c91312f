import CPostgres
import Foundation

/// Errors from libpq, with the server (or connection string, password removed) and statement.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public let target: String
    public let message: String
    public let sql: String?

    public var description: String {
        "\(target): \(message)" + (sql.map { " in: \($0)" } ?? "")
    }
}

/// One libpq connection. Results come back as text, which is libpq's native form.
public final class PostgresConnection {
    public let target: String
    private let handle: OpaquePointer

    public init(url: String) throws {
        target = PostgresConnection.redacted(url)
        guard let connection = PQconnectdb(url) else {
            throw PostgresError(target: target, message: "libpq could not allocate a connection", sql: nil)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = PostgresConnection.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(target: target, message: message, sql: nil)
        }
        handle = connection
    }

    deinit { PQfinish(handle) }

    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Runs one statement with `$1…` parameters; returns rows of optional text values.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        let result = withCStrings(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            break
        default:
            throw PostgresError(target: target, message: PostgresConnection.trimmed(PQresultErrorMessage(result)), sql: sql)
        }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        // strdup'd copies live until body returns; nothing escapes this scope.
        let copies = strings.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The connection string without its password, for error messages and logs.
    static func redacted(_ url: String) -> String {
        guard let at = url.range(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at.lowerBound else { return url }
        let credentials = url[scheme.upperBound..<at.lowerBound]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return url.replacingCharacters(in: colon..<at.lowerBound, with: ":***")
    }
}
