/// The store's schema as numbered migrations; `PRAGMA user_version` says how many ran.
/// A migration is never edited once released: changes come as a new one at the end.
enum GlossarySchema {
    static let migrations: [String] = [
        // 1: glossaries, entries (with a row version for optimistic concurrency), history,
        // and full-text search over terms kept in step by triggers.
        """
        CREATE TABLE glossaries (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            source_lang TEXT NOT NULL,
            target_lang TEXT NOT NULL,
            domain TEXT,
            priority INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            UNIQUE (name, source_lang, target_lang)
        );
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            glossary_id INTEGER NOT NULL REFERENCES glossaries(id),
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'deprecated', 'forbidden')),
            case_sensitive INTEGER NOT NULL DEFAULT 0 CHECK (case_sensitive IN (0, 1)),
            match_mode TEXT NOT NULL DEFAULT 'inflected' CHECK (match_mode IN ('inflected', 'exact')),
            domain TEXT,
            priority INTEGER,
            note TEXT NOT NULL DEFAULT '',
            authority TEXT NOT NULL DEFAULT '',
            origin TEXT,
            synced_version INTEGER,
            synced_values TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE UNIQUE INDEX entries_key ON entries (glossary_id, source, ifnull(domain, ''));
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            entry_id INTEGER NOT NULL,
            glossary TEXT NOT NULL,
            action TEXT NOT NULL,
            old_values TEXT,
            new_values TEXT
        );
        CREATE INDEX history_entry ON history (entry_id);
        CREATE VIRTUAL TABLE entries_fts USING fts5(
            source, target, note, content='entries', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
            INSERT INTO entries_fts (rowid, source, target, note) VALUES (new.id, new.source, new.target, new.note);
        END;
        CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, source, target, note) VALUES ('delete', old.id, old.source, old.target, old.note);
        END;
        CREATE TRIGGER entries_fts_update AFTER UPDATE OF source, target, note ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, source, target, note) VALUES ('delete', old.id, old.source, old.target, old.note);
            INSERT INTO entries_fts (rowid, source, target, note) VALUES (new.id, new.source, new.target, new.note);
        END;
        """,
    ]

    static var currentVersion: Int { migrations.count }

    /// Brings the file to the current version, each step in its own transaction together
    /// with the new `user_version`, so a crash never leaves a half-migrated store. The version
    /// is read again under the write lock: two processes opening a new file at once never
    /// both run the same step.
    static func migrate(_ db: SQLiteDatabase) throws {
        while true {
            let done = try db.transaction { () -> Bool in
                let found = try db.userVersion
                if found > currentVersion {
                    throw GlossaryError.newerSchema(path: db.path, found: found, known: currentVersion)
                }
                if found == currentVersion { return true }
                try db.execute(migrations[found])
                try db.execute("PRAGMA user_version = \(found + 1)")
                return false
            }
            if done { return }
        }
    }
}
