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

    /// Without a `connect_timeout` libpq may wait minutes for an unreachable host.
    public static let defaultConnectTimeoutSeconds = 10

    public init(url: String) throws {
        target = PostgresConnection.redacted(url)
        let secrets = PostgresConnection.passwords(in: url)
        guard let connection = PQconnectdb(PostgresConnection.withConnectTimeout(url)) else {
            throw PostgresError(target: target, message: "libpq could not allocate a connection", sql: nil)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = PostgresConnection.scrubbed(PostgresConnection.trimmed(PQerrorMessage(connection)), secrets)
            PQfinish(connection)
            throw PostgresError(target: target, message: message, sql: nil)
        }
        handle = connection
        // Server notices ("relation … already exists, skipping") would go to stderr unasked.
        _ = try? query("SET client_min_messages = warning")
    }

    deinit { PQfinish(handle) }

    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// False once the server or the network dropped the connection; open a new one.
    public var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

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
            let message = result == nil ? PQerrorMessage(handle) : PQresultErrorMessage(result)
            throw PostgresError(target: target, message: PostgresConnection.trimmed(message), sql: sql)
        }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// Runs `body` in one transaction, rolled back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// Waits up to `timeout` seconds for a NOTIFY on a channel this connection LISTENs to;
    /// returns the channels notified (empty on timeout). Notifications that arrived during
    /// earlier queries are returned at once.
    public func waitForNotifications(timeout: Double) throws -> [String] {
        var channels = drainNotifications()
        if !channels.isEmpty { return channels }
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw PostgresError(target: target, message: "the connection has no socket (closed)", sql: nil) }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(0, min(timeout, 3600)) * 1000))
        if ready < 0 && errno != EINTR {
            throw PostgresError(target: target, message: "poll: \(String(cString: strerror(errno)))", sql: nil)
        }
        if ready > 0 {
            guard PQconsumeInput(handle) == 1 else {
                throw PostgresError(target: target, message: PostgresConnection.trimmed(PQerrorMessage(handle)), sql: nil)
            }
            channels = drainNotifications()
        }
        return channels
    }

    private func drainNotifications() -> [String] {
        var channels: [String] = []
        while let notification = PQnotifies(handle) {
            channels.append(String(cString: notification.pointee.relname))
            PQfreemem(notification)
        }
        return channels
    }

    private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        // strdup'd copies live until body returns; nothing escapes this scope.
        let copies = strings.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }

    /// libpq's messages span lines ("…failed: …\n\tIs the server running…"); one line reads
    /// better in `pmt: error:` output and JSON logs.
    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        return String(cString: message).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    // MARK: - connection strings

    /// The connection string without its password, for error messages and logs. Covers
    /// `scheme://user:PASSWORD@host`, `?password=…` in a URL and `password=…` in the
    /// keyword form, and removes any of those passwords wherever else they appear.
    public static func redacted(_ url: String) -> String {
        var text = url
        if let scheme = text.range(of: "://") {
            let authorityEnd = text[scheme.upperBound...].firstIndex(where: { "/?#".contains($0) }) ?? text.endIndex
            if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
               let colon = text[scheme.upperBound..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        if let pattern = try? NSRegularExpression(pattern: #"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*)"#) {
            text = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1***")
        }
        return scrubbed(text, passwords(in: url))
    }

    /// Every password the connection string carries, raw and percent-decoded (those under
    /// four characters are left to the structural redaction: scrubbing them would garble text).
    static func passwords(in url: String) -> [String] {
        var found: [String] = []
        if let scheme = url.range(of: "://") {
            let authorityEnd = url[scheme.upperBound...].firstIndex(where: { "/?#".contains($0) }) ?? url.endIndex
            if let at = url[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
               let colon = url[scheme.upperBound..<at].firstIndex(of: ":") {
                found.append(String(url[url.index(after: colon)..<at]))
            }
        }
        if let pattern = try? NSRegularExpression(pattern: #"(?i)\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|[^&\s]*)"#) {
            for match in pattern.matches(in: url, range: NSRange(url.startIndex..., in: url)) {
                if let range = Range(match.range(at: 1), in: url) {
                    var value = String(url[range])
                    if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                    found.append(value)
                }
            }
        }
        let decoded = found.compactMap { $0.removingPercentEncoding }
        return Array(Set((found + decoded).filter { $0.count >= 4 && $0 != "***" }))
    }

    /// Replaces each secret in `text` with ***; longest first, so one never hides part of another.
    static func scrubbed(_ text: String, _ secrets: [String]) -> String {
        secrets.sorted { $0.count > $1.count }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// Adds libpq's `connect_timeout` unless the string sets one.
    static func withConnectTimeout(_ url: String) -> String {
        guard !url.contains("connect_timeout") else { return url }
        if url.contains("://") {
            return url + (url.contains("?") ? "&" : "?") + "connect_timeout=\(defaultConnectTimeoutSeconds)"
        }
        return url + " connect_timeout=\(defaultConnectTimeoutSeconds)"
    }
}
