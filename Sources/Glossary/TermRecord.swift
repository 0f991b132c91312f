/// One term as maintainers write it in a file: everything but the store's bookkeeping.
/// `domain` and `priority` are nil when the entry takes its glossary's.
public struct TermRecord: Equatable, Hashable, Sendable {
    public var source: String
    public var target: String
    public var status: TermStatus
    public var caseSensitive: Bool
    public var matchMode: MatchMode
    public var domain: String?
    public var priority: Int?
    public var note: String
    public var authority: String

    public init(
        source: String, target: String, status: TermStatus = .approved, caseSensitive: Bool = false,
        matchMode: MatchMode = .inflected, domain: String? = nil, priority: Int? = nil,
        note: String = "", authority: String = ""
    ) {
        self.source = source
        self.target = target
        self.status = status
        self.caseSensitive = caseSensitive
        self.matchMode = matchMode
        self.domain = domain
        self.priority = priority
        self.note = note
        self.authority = authority
    }

    /// Control characters (tab, line breaks, NUL, …) would break the TSV form or XML, so no
    /// field holds them; everything else is kept verbatim.
    static func checkField(_ name: String, _ value: String) throws {
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw GlossaryError.invalidValue(field: name, value: value, message: "control characters (tabs, line breaks) are not allowed in glossary fields")
        }
    }

    func validate() throws {
        for (name, value) in [("source", source), ("target", target), ("domain", domain ?? ""), ("note", note), ("authority", authority)] {
            try Self.checkField(name, value)
        }
    }

    /// The key under which one file or glossary may hold a source term once per scope.
    var scopeKey: String { domain.map { TermText.fold($0) } ?? "" }
}

/// A glossary: a named term list for one language pair, with a default scope and priority.
public struct GlossaryInfo: Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var sourceLanguage: String
    public var targetLanguage: String
    /// A domain code or IPC class (prefix) the whole list applies to; nil applies everywhere.
    public var domain: String?
    public var priority: Int

    public init(id: Int64 = 0, name: String, sourceLanguage: String, targetLanguage: String, domain: String? = nil, priority: Int = 0) {
        self.id = id
        self.name = name
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        self.domain = domain
        self.priority = priority
    }
}

/// An entry as the store keeps it.
public struct GlossaryEntry: Equatable, Sendable {
    public var id: Int64
    public var glossary: GlossaryInfo
    public var record: TermRecord
    /// The file an import brought it from; nil for entries added by hand.
    public var origin: String?
    /// Raised by every change; an edit names the version it read (optimistic concurrency).
    public var version: Int
    public var updatedAt: String
    public var updatedBy: String

    /// The entry's scope and priority after falling back to its glossary's.
    public var effectiveDomain: String? { record.domain ?? glossary.domain }
    public var effectivePriority: Int { record.priority ?? glossary.priority }
}

/// The fields an edit changes; nil leaves a field as it is. For `domain` and `priority`,
/// `.some(nil)` clears the entry's own value (it then takes its glossary's).
public struct EntryChanges: Sendable {
    public var source: String?
    public var target: String?
    public var status: TermStatus?
    public var caseSensitive: Bool?
    public var matchMode: MatchMode?
    public var domain: String??
    public var priority: Int??
    public var note: String?
    public var authority: String?

    public init(
        source: String? = nil, target: String? = nil, status: TermStatus? = nil, caseSensitive: Bool? = nil,
        matchMode: MatchMode? = nil, domain: String?? = nil, priority: Int?? = nil, note: String? = nil, authority: String? = nil
    ) {
        self.source = source
        self.target = target
        self.status = status
        self.caseSensitive = caseSensitive
        self.matchMode = matchMode
        self.domain = domain
        self.priority = priority
        self.note = note
        self.authority = authority
    }

    public var isEmpty: Bool {
        source == nil && target == nil && status == nil && caseSensitive == nil && matchMode == nil
            && domain == nil && priority == nil && note == nil && authority == nil
    }

    func applied(to record: TermRecord) -> TermRecord {
        var r = record
        if let source { r.source = source }
        if let target { r.target = target }
        if let status { r.status = status }
        if let caseSensitive { r.caseSensitive = caseSensitive }
        if let matchMode { r.matchMode = matchMode }
        if let domain { r.domain = domain }
        if let priority { r.priority = priority }
        if let note { r.note = note }
        if let authority { r.authority = authority }
        return r
    }
}
