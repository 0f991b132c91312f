import CSQLite

/// Errors from SQLite, with the database file and the statement that failed.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        "\(path): \(message) (sqlite code \(code))" + (sql.map { " in: \($0)" } ?? "")
    }
}

/// One value read from or bound to a statement.
public enum SQLiteValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A connection to one SQLite file. Not shared between threads: each user opens its own.
public final class SQLiteDatabase {
    public let path: String
    private var handle: OpaquePointer?

    /// Opens (and with `create`, creates) the file; write-ahead logging so readers never
    /// block the writer, and a busy timeout so two maintainers wait rather than fail.
    public convenience init(path: String, create: Bool = true, busyTimeoutMilliseconds: Int32 = 5000) throws {
        try self.init(path: path, create: create, readOnly: false, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
    }

    /// Opens an existing file for reading only (its journal mode left as it is).
    public convenience init(readingFrom path: String, busyTimeoutMilliseconds: Int32 = 5000) throws {
        try self.init(path: path, create: false, readOnly: true, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
    }

    private init(path: String, create: Bool, readOnly: Bool, busyTimeoutMilliseconds: Int32) throws {
        self.path = path
        var flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_FULLMUTEX
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            handle = nil
            throw SQLiteError(path: path, code: status, message: message, sql: nil)
        }
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        if !readOnly { try execute("PRAGMA journal_mode=WAL") }
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    private var statements: [String: OpaquePointer] = [:]

    /// A compiled statement for `sql`, compiled once per connection.
    private func prepare(_ sql: String) throws -> OpaquePointer? {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let prepared = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard prepared == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw error(prepared, sql)
        }
        // An empty statement (only comments or spaces) compiles to nil; nothing to cache.
        if let statement { statements[sql] = statement }
        return statement
    }

    private func error(_ code: Int32, _ sql: String?) -> SQLiteError {
        SQLiteError(path: path, code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements that return no rows we need.
    public func execute(_ sql: String) throws {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status, sql) }
    }

    /// Runs one statement with bound parameters and returns every row.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        let statement = try prepare(sql)
        // Cached statements are reset, not finalized, so repeated statements compile once.
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let v): status = sqlite3_bind_int64(statement, index, v)
            case .real(let v): status = sqlite3_bind_double(statement, index, v)
            case .text(let v):
                // An explicit byte length keeps text with NUL characters whole.
                status = sqlite3_bind_text(statement, index, v, Int32(v.utf8.count), SQLiteDatabase.transient)
            case .blob(let v):
                status = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), SQLiteDatabase.transient) }
            }
            guard status == SQLITE_OK else { throw error(status, sql) }
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw error(status, sql) }
            rows.append((0..<sqlite3_column_count(statement)).map { column(statement, $0) })
        }
    }

    private func column(_ statement: OpaquePointer?, _ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_text(statement, index) else { return .text("") }
            return .text(String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    /// Runs `body` in one transaction; `IMMEDIATE` takes the write lock up front so two
    /// writers never both read, then one fails to upgrade. Called inside a transaction, it
    /// nests as a savepoint, so a failing inner part rolls back only itself.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        let nested = isInTransaction
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let savepoint = "pmt_sp\(savepointDepth)"
        try execute(nested ? "SAVEPOINT \(savepoint)" : "BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute(nested ? "RELEASE \(savepoint)" : "COMMIT")
            return result
        } catch {
            if nested {
                try? execute("ROLLBACK TO \(savepoint)")
                try? execute("RELEASE \(savepoint)")
            } else {
                try? execute("ROLLBACK")
            }
            throw error
        }
    }

    private var savepointDepth = 0

    /// True between BEGIN and COMMIT/ROLLBACK.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The first column of the first row, or nil when there is no row.
    public func scalar(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> SQLiteValue? {
        try query(sql, parameters).first?.first
    }

    /// `PRAGMA user_version`: the schema version the migrations keep.
    public var userVersion: Int {
        get throws {
            if case .integer(let v)? = try scalar("PRAGMA user_version") { return Int(v) }
            return 0
        }
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
