/// Which entries `entries(matching:)` returns; nil fields do not filter.
public struct EntryFilter: Sendable {
    public var glossary: String?
    public var sourceLanguage: String?
    public var targetLanguage: String?
    /// Entries whose own or inherited scope is exactly this (case-insensitive).
    public var domain: String?
    public var status: TermStatus?

    public init(glossary: String? = nil, sourceLanguage: String? = nil, targetLanguage: String? = nil, domain: String? = nil, status: TermStatus? = nil) {
        self.glossary = glossary
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        self.domain = domain
        self.status = status
    }
}

/// One row of `stats`: how many entries a glossary holds in one scope and status.
public struct GlossaryStatsRow: Equatable, Sendable {
    public var glossary: String
    public var sourceLanguage: String
    public var targetLanguage: String
    public var domain: String?
    public var status: TermStatus
    public var count: Int
}

extension GlossaryStore {
    /// Entries in store order (the order they were added or imported).
    public func entries(matching filter: EntryFilter = EntryFilter()) throws -> [GlossaryEntry] {
        try database.query("SELECT \(Self.entryColumns) FROM \(Self.entryFrom) ORDER BY e.id").map(Self.entry).filter { entry in
            (filter.glossary == nil || filter.glossary == entry.glossary.name)
                && (filter.sourceLanguage.map { LanguageCode.matches($0, entry.glossary.sourceLanguage) } ?? true)
                && (filter.targetLanguage.map { LanguageCode.matches($0, entry.glossary.targetLanguage) } ?? true)
                && (filter.domain.map { TermText.fold($0) == entry.effectiveDomain.map { TermText.fold($0) } } ?? true)
                && (filter.status.map { $0 == entry.record.status } ?? true)
        }
    }

    /// Full-text search (SQLite FTS5) over source terms, target terms and notes. Each word of
    /// `query` must match the start of a word (so `포함` finds `포함하는`); the words are
    /// quoted, so FTS5 operators and SQL text in a query are searched for, not run.
    public func search(_ query: String, limit: Int = 100) throws -> [GlossaryEntry] {
        let words = query.split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else { return [] }
        let match = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }.joined(separator: " ")
        return try database.query(
            "SELECT \(Self.entryColumns) FROM entries_fts f JOIN entries e ON e.id = f.rowid JOIN glossaries g ON g.id = e.glossary_id WHERE entries_fts MATCH ? ORDER BY f.rank, e.id LIMIT ?",
            [.text(match), .integer(Int64(limit))]).map(Self.entry)
    }

    public func stats() throws -> [GlossaryStatsRow] {
        try database.query(
            """
            SELECT g.name, g.source_lang, g.target_lang, coalesce(e.domain, g.domain), e.status, count(*)
            FROM \(Self.entryFrom) GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
            """).map {
            GlossaryStatsRow(glossary: Self.text($0[0]) ?? "", sourceLanguage: Self.text($0[1]) ?? "", targetLanguage: Self.text($0[2]) ?? "",
                             domain: Self.text($0[3]), status: try TermStatus.parse(Self.text($0[4]) ?? ""), count: Int(Self.integer($0[5]) ?? 0))
        }
    }

    /// The approved terms that apply to a document in `sourceLanguage` → `targetLanguage`
    /// whose IPC classes or domain codes are `scopes`: entries without a scope always apply,
    /// scoped ones when `TermScope.applies` says so. Ready for `TermMatcher`.
    public func applicableTerms(sourceLanguage: String, targetLanguage: String, scopes: [String] = []) throws -> [GlossaryTerm] {
        try entries(matching: EntryFilter(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, status: .approved))
            .filter { TermScope.applies($0.effectiveDomain, to: scopes) }
            .map(GlossaryTerm.init(entry:))
    }
}
