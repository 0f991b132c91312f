import Foundation

/// The terminology store: one SQLite file (WAL) holding glossaries, their entries and the
/// history of every change. Each public method that writes is one transaction; callers may
/// wrap several in `transaction` to make a whole command atomic.
///
/// Not `Sendable`: one connection per user; open a store per thread or process.
public final class GlossaryStore {
    public let database: SQLiteDatabase
    public var path: String { database.path }

    /// Opens (with `create`, creates) the file and brings its schema up to date.
    public init(path: String, create: Bool = true) throws {
        database = try SQLiteDatabase(path: path, create: create)
        try GlossarySchema.migrate(database)
    }

    /// Opens an existing store for reading only (translation applies terms; it never
    /// writes). A store of an older schema is refused with what to do, since it cannot be
    /// migrated read-only.
    public init(readingFrom path: String) throws {
        database = try SQLiteDatabase(readingFrom: path)
        let found = try database.userVersion
        if found > GlossarySchema.currentVersion {
            throw GlossaryError.newerSchema(path: path, found: found, known: GlossarySchema.currentVersion)
        }
        if found < GlossarySchema.currentVersion {
            throw GlossaryError.store("\(path): schema version \(found), this pmt needs \(GlossarySchema.currentVersion): run any 'pmt glossary' command on it (e.g. 'pmt glossary stats --db \(path)') to upgrade it")
        }
    }

    public static var schemaVersion: Int { GlossarySchema.currentVersion }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try database.transaction(body)
    }

    static let now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

    // MARK: glossaries

    public func glossaries() throws -> [GlossaryInfo] {
        try database.query("SELECT id, name, source_lang, target_lang, domain, priority FROM glossaries ORDER BY name, source_lang, target_lang")
            .map(Self.glossary)
    }

    /// The glossaries called `name`, optionally only those of one language pair.
    public func glossaries(named name: String, sourceLanguage: String? = nil, targetLanguage: String? = nil) throws -> [GlossaryInfo] {
        try glossaries().filter {
            $0.name == name && (sourceLanguage.map(LanguageCode.canonical) ?? $0.sourceLanguage) == $0.sourceLanguage
                && (targetLanguage.map(LanguageCode.canonical) ?? $0.targetLanguage) == $0.targetLanguage
        }
    }

    /// The glossary with this name and pair, created (with `domain` and `priority`) when
    /// missing. An existing glossary keeps its own scope and priority.
    @discardableResult
    public func ensureGlossary(name: String, sourceLanguage: String, targetLanguage: String, domain: String? = nil, priority: Int = 0) throws -> GlossaryInfo {
        try TermRecord.checkField("glossary name", name)
        let source = LanguageCode.canonical(sourceLanguage), target = LanguageCode.canonical(targetLanguage)
        return try transaction {
            if let row = try database.query(
                "SELECT id, name, source_lang, target_lang, domain, priority FROM glossaries WHERE name = ? AND source_lang = ? AND target_lang = ?",
                [.text(name), .text(source), .text(target)]).first {
                return Self.glossary(row)
            }
            try database.query(
                "INSERT INTO glossaries (name, source_lang, target_lang, domain, priority, created_at) VALUES (?, ?, ?, ?, ?, \(Self.now))",
                [.text(name), .text(source), .text(target), Self.optional(domain), .integer(Int64(priority))])
            return GlossaryInfo(id: database.lastInsertRowID, name: name, sourceLanguage: source, targetLanguage: target, domain: domain, priority: priority)
        }
    }

    /// Sets a glossary's default scope and priority.
    public func configureGlossary(_ id: Int64, domain: String??, priority: Int?) throws {
        try transaction {
            if let domain { try database.query("UPDATE glossaries SET domain = ? WHERE id = ?", [Self.optional(domain), .integer(id)]) }
            if let priority { try database.query("UPDATE glossaries SET priority = ? WHERE id = ?", [.integer(Int64(priority)), .integer(id)]) }
        }
    }

    // MARK: entries

    static let entryColumns = """
        e.id, e.source, e.target, e.status, e.case_sensitive, e.match_mode, e.domain, e.priority, e.note, e.authority, \
        e.origin, e.version, e.updated_at, e.updated_by, g.id, g.name, g.source_lang, g.target_lang, g.domain, g.priority
        """
    static let entryFrom = "entries e JOIN glossaries g ON g.id = e.glossary_id"

    public func entry(_ id: Int64) throws -> GlossaryEntry {
        guard let row = try database.query("SELECT \(Self.entryColumns) FROM \(Self.entryFrom) WHERE e.id = ?", [.integer(id)]).first else {
            throw GlossaryError.noSuchEntry(id: id)
        }
        return try Self.entry(row)
    }

    /// Adds `record` to `glossary`; `origin` names the file an import brought it from.
    @discardableResult
    public func add(_ record: TermRecord, to glossary: GlossaryInfo, user: String, origin: String? = nil) throws -> GlossaryEntry {
        try record.validate()
        return try transaction {
            if let existing = try database.query(
                "SELECT id FROM entries WHERE glossary_id = ? AND source = ? AND ifnull(domain, '') = ?",
                [.integer(glossary.id), .text(record.source), .text(record.domain ?? "")]).first?.first,
               case .integer(let id) = existing {
                throw GlossaryError.store("glossary '\(glossary.name)' already has '\(record.source)'\(record.domain.map { " in \($0)" } ?? "") as entry \(id); edit that one")
            }
            try database.query(
                """
                INSERT INTO entries (glossary_id, source, target, status, case_sensitive, match_mode, domain, priority, note, authority,
                                     origin, synced_version, synced_values, version, created_at, updated_at, updated_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, \(Self.now), \(Self.now), ?)
                """,
                Self.recordValues(record, glossaryID: glossary.id)
                    + [Self.optional(origin), origin == nil ? .null : .integer(1), origin == nil ? .null : .text(Self.json(record)), .text(user)])
            let entry = try entry(database.lastInsertRowID)
            try recordHistory(entry: entry, action: origin == nil ? "add" : "import-add", old: nil, new: entry, user: user)
            return entry
        }
    }

    /// Applies `changes` to entry `id`. With `expectedVersion` (the version the editor read),
    /// an entry changed since then is refused (`GlossaryError.staleEdit`): no edit is lost.
    @discardableResult
    public func edit(_ id: Int64, _ changes: EntryChanges, expectedVersion: Int? = nil, user: String) throws -> GlossaryEntry {
        try transaction {
            let old = try entry(id)
            try checkVersion(old, expectedVersion)
            let record = changes.applied(to: old.record)
            if record == old.record { return old }
            return try write(record, over: old, action: "edit", user: user, origin: old.origin, synced: false)
        }
    }

    /// Deletes entry `id`; its history (with its last values) stays.
    @discardableResult
    public func remove(_ id: Int64, expectedVersion: Int? = nil, user: String) throws -> GlossaryEntry {
        try transaction {
            let old = try entry(id)
            try checkVersion(old, expectedVersion)
            try database.query("DELETE FROM entries WHERE id = ?", [.integer(id)])
            try recordHistory(entry: old, action: "remove", old: old, new: nil, user: user)
            return old
        }
    }

    private func checkVersion(_ entry: GlossaryEntry, _ expected: Int?) throws {
        guard let expected, expected != entry.version else { return }
        throw GlossaryError.staleEdit(id: entry.id, expected: expected, actual: entry.version, by: entry.updatedBy, at: entry.updatedAt)
    }

    /// Rewrites an entry's fields, raising its version and recording history. `synced`
    /// marks the new version as the one its file holds (imports), so later hand edits show.
    func write(_ record: TermRecord, over old: GlossaryEntry, action: String, user: String, origin: String?, synced: Bool) throws -> GlossaryEntry {
        try record.validate()
        if record.source != old.record.source || record.domain != old.record.domain {
            if let clash = try database.query(
                "SELECT id FROM entries WHERE glossary_id = ? AND source = ? AND ifnull(domain, '') = ? AND id != ?",
                [.integer(old.glossary.id), .text(record.source), .text(record.domain ?? ""), .integer(old.id)]).first?.first,
               case .integer(let other) = clash {
                throw GlossaryError.store("entry \(old.id): glossary '\(old.glossary.name)' already has '\(record.source)' as entry \(other)")
            }
        }
        let values = Self.recordValues(record, glossaryID: old.glossary.id).dropFirst()
        try database.query(
            """
            UPDATE entries SET source = ?, target = ?, status = ?, case_sensitive = ?, match_mode = ?, domain = ?, priority = ?,
                note = ?, authority = ?, origin = ?, version = version + 1,
                synced_version = CASE WHEN ? THEN version + 1 ELSE synced_version END,
                synced_values = CASE WHEN ? THEN ? ELSE synced_values END,
                updated_at = \(Self.now), updated_by = ?
            WHERE id = ?
            """,
            Array(values) + [Self.optional(origin), .integer(synced ? 1 : 0), .integer(synced ? 1 : 0), .text(Self.json(record)), .text(user), .integer(old.id)])
        let new = try entry(old.id)
        try recordHistory(entry: new, action: action, old: old, new: new, user: user)
        return new
    }

    // MARK: row mapping

    static func optional(_ text: String?) -> SQLiteValue { text.map { .text($0) } ?? .null }

    static func recordValues(_ r: TermRecord, glossaryID: Int64) -> [SQLiteValue] {
        [.integer(glossaryID), .text(r.source), .text(r.target), .text(r.status.rawValue), .integer(r.caseSensitive ? 1 : 0),
         .text(r.matchMode.rawValue), optional(r.domain), r.priority.map { .integer(Int64($0)) } ?? .null, .text(r.note), .text(r.authority)]
    }

    static func text(_ value: SQLiteValue) -> String? {
        if case .text(let t) = value { return t }
        return nil
    }

    static func integer(_ value: SQLiteValue) -> Int64? {
        if case .integer(let i) = value { return i }
        return nil
    }

    static func glossary(_ row: [SQLiteValue]) -> GlossaryInfo {
        GlossaryInfo(id: integer(row[0]) ?? 0, name: text(row[1]) ?? "", sourceLanguage: text(row[2]) ?? "", targetLanguage: text(row[3]) ?? "",
                     domain: text(row[4]), priority: Int(integer(row[5]) ?? 0))
    }

    static func entry(_ row: [SQLiteValue]) throws -> GlossaryEntry {
        let record = TermRecord(
            source: text(row[1]) ?? "", target: text(row[2]) ?? "", status: try TermStatus.parse(text(row[3]) ?? ""),
            caseSensitive: integer(row[4]) == 1, matchMode: try MatchMode.parse(text(row[5]) ?? ""), domain: text(row[6]),
            priority: integer(row[7]).map { Int($0) }, note: text(row[8]) ?? "", authority: text(row[9]) ?? "")
        return GlossaryEntry(
            id: integer(row[0]) ?? 0, glossary: glossary(Array(row[14...19])), record: record, origin: text(row[10]),
            version: Int(integer(row[11]) ?? 0), updatedAt: text(row[12]) ?? "", updatedBy: text(row[13]) ?? "")
    }
}
