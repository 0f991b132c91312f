import Foundation
import Glossary
import PatentDocuments

/// A translation reused rather than recomputed.
public struct MemoryEntry: Sendable, Equatable {
    public let target: String
    public let tokens: [String]
    public let score: Float

    public init(target: String, tokens: [String], score: Float) {
        self.target = target
        self.tokens = tokens
        self.score = score
    }
}

/// Exact-segment reuse in a SQLite file: claims repeated in the summary and boilerplate are
/// translated once. An entry is keyed by its context (model, options, glossary version: a
/// different model or glossary never reuses it) and by the normalized source segment.
public final class TranslationMemory {
    public let path: String
    private let database: SQLiteDatabase
    static let schemaVersion = 1

    public init(path: String) throws {
        self.path = path
        database = try SQLiteDatabase(path: path)
        let version = try database.userVersion
        guard version <= Self.schemaVersion else {
            throw PipelineError.memory(file: path, "written by a newer pmt (schema \(version), this one knows \(Self.schemaVersion))")
        }
        if version < 1 {
            try database.transaction {
                try database.execute("""
                    CREATE TABLE IF NOT EXISTS segments(
                        key TEXT PRIMARY KEY,
                        context TEXT NOT NULL,
                        source TEXT NOT NULL,
                        target TEXT NOT NULL,
                        tokens TEXT NOT NULL,
                        score REAL NOT NULL,
                        created TEXT NOT NULL,
                        uses INTEGER NOT NULL DEFAULT 0)
                    """)
                try database.execute("PRAGMA user_version = 1")
            }
        }
    }

    /// NFC, runs of white space as one space, trimmed: the form segments are compared in.
    public static func normalized(_ source: String) -> String {
        ((try? UnicodeNormalization.nfc(source)) ?? source).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func key(context: String, normalizedSource: String) -> String {
        SHA256.hex(context + "\u{0}" + normalizedSource)
    }

    /// The entries known for `sources` (by normalized source) in `context`; counts their use.
    public func lookup(_ sources: [String], context: String) throws -> [String: MemoryEntry] {
        var found: [String: MemoryEntry] = [:]
        try database.transaction {
            for source in Set(sources.map(Self.normalized)) {
                let key = Self.key(context: context, normalizedSource: source)
                let rows = try database.query("SELECT target, tokens, score FROM segments WHERE key = ?", [.text(key)])
                guard let row = rows.first, case .text(let target) = row[0], case .text(let tokens) = row[1] else { continue }
                let score: Float
                switch row[2] {
                case .real(let value): score = Float(value)
                case .integer(let value): score = Float(value)
                default: score = 0
                }
                found[source] = MemoryEntry(target: target, tokens: tokens.isEmpty ? [] : tokens.split(separator: " ").map(String.init), score: score)
                _ = try database.query("UPDATE segments SET uses = uses + 1 WHERE key = ?", [.text(key)])
            }
        }
        return found
    }

    /// Records translations in one transaction (an existing entry is kept: first one wins).
    public func store(_ entries: [(source: String, entry: MemoryEntry)], context: String) throws {
        guard !entries.isEmpty else { return }
        let now = ISO8601DateFormatter().string(from: Date())
        try database.transaction {
            for (source, entry) in entries {
                let normalized = Self.normalized(source)
                _ = try database.query(
                    "INSERT OR IGNORE INTO segments(key, context, source, target, tokens, score, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [.text(Self.key(context: context, normalizedSource: normalized)), .text(context), .text(normalized),
                     .text(entry.target), .text(entry.tokens.joined(separator: " ")), .real(Double(entry.score)), .text(now)])
            }
        }
    }

    /// How many segments the memory holds.
    public func count() throws -> Int {
        if case .integer(let n) = try database.scalar("SELECT count(*) FROM segments") { return Int(n) }
        return 0
    }
}
