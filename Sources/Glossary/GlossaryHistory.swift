import Foundation

/// One change to one entry: who, when, what, and the values before and after (JSON).
public struct HistoryRecord: Equatable, Sendable {
    public var id: Int64
    public var at: String
    public var user: String
    public var entryID: Int64
    public var glossary: String
    /// add, edit, remove, import-add, import-change, import-retire
    public var action: String
    public var oldValues: String?
    public var newValues: String?
}

extension GlossaryStore {
    /// The values history keeps of an entry, as a JSON object with sorted keys.
    static func json(_ entry: GlossaryEntry) -> String {
        json(entry.record, extra: ["version": entry.version, "origin": entry.origin ?? NSNull()])
    }

    /// A record's fields as a JSON object with sorted keys (also how the store remembers
    /// what a file said at the last import).
    static func json(_ r: TermRecord, extra: [String: Any] = [:]) -> String {
        var object: [String: Any] = [
            "source": r.source, "target": r.target, "status": r.status.rawValue, "case_sensitive": r.caseSensitive,
            "match": r.matchMode.rawValue, "domain": r.domain ?? NSNull(), "priority": r.priority.map { $0 as Any } ?? NSNull(),
            "note": r.note, "authority": r.authority,
        ]
        object.merge(extra) { _, new in new }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    func recordHistory(entry: GlossaryEntry, action: String, old: GlossaryEntry?, new: GlossaryEntry?, user: String) throws {
        try database.query(
            "INSERT INTO history (at, user, entry_id, glossary, action, old_values, new_values) VALUES (\(Self.now), ?, ?, ?, ?, ?, ?)",
            [.text(user), .integer(entry.id), .text("\(entry.glossary.name).\(entry.glossary.sourceLanguage)-\(entry.glossary.targetLanguage)"),
             .text(action), Self.optional(old.map(Self.json)), Self.optional(new.map(Self.json))])
    }

    /// Every change, oldest first; only those of one entry when `entryID` is given.
    public func history(entryID: Int64? = nil) throws -> [HistoryRecord] {
        let rows = try entryID.map {
            try database.query("SELECT id, at, user, entry_id, glossary, action, old_values, new_values FROM history WHERE entry_id = ? ORDER BY id", [.integer($0)])
        } ?? database.query("SELECT id, at, user, entry_id, glossary, action, old_values, new_values FROM history ORDER BY id")
        return rows.map {
            HistoryRecord(id: Self.integer($0[0]) ?? 0, at: Self.text($0[1]) ?? "", user: Self.text($0[2]) ?? "", entryID: Self.integer($0[3]) ?? 0,
                          glossary: Self.text($0[4]) ?? "", action: Self.text($0[5]) ?? "", oldValues: Self.text($0[6]), newValues: Self.text($0[7]))
        }
    }
}
