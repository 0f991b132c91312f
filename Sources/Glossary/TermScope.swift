/// Whether an entry's scope applies to a document. Scopes that look like IPC symbols
/// (section `H`, class `H01`, subclass `H01L`, group `H01L 21/02`) apply to every document
/// class under them, compared without spaces or case; any other scope is a domain code that
/// must equal one of the document's codes (case-insensitive). No scope applies everywhere.
public enum TermScope {
    public static func applies(_ scope: String?, to documentScopes: [String]) -> Bool {
        guard let scope, !scope.isEmpty else { return true }
        let wanted = normalized(scope)
        return documentScopes.contains { document in
            let have = normalized(document)
            if isIPC(wanted) && isIPC(have) {
                // H01L applies to H01L21/02 but H01 does not reach H011… (a different class).
                return have == wanted || (have.hasPrefix(wanted) && !wanted.hasSuffix("/") && boundaryAfter(wanted, in: have))
            }
            return have == wanted
        }
    }

    static func normalized(_ text: String) -> String {
        String(text.uppercased().filter { !$0.isWhitespace })
    }

    /// A, A01, A01B, A01B1, A01B1/02 …
    static func isIPC(_ text: String) -> Bool {
        let c = Array(text)
        guard let first = c.first, ("A"..."H").contains(first) else { return false }
        if c.count == 1 { return true }
        guard c.count >= 3, c[1].isASCII, c[1].isNumber, c[2].isASCII, c[2].isNumber else { return false }
        if c.count == 3 { return true }
        guard c[3].isASCII, c[3].isLetter else { return false }
        let rest = c[4...]
        if rest.isEmpty { return true }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        return true
    }

    /// Prefix matches must stop where the IPC symbol's levels meet: after the subclass
    /// letter, a main group must be complete (H01L2 does not reach H01L21).
    private static func boundaryAfter(_ prefix: String, in full: String) -> Bool {
        let next = full[full.index(full.startIndex, offsetBy: prefix.count)]
        let last = prefix.last!
        if last.isNumber && next.isNumber { return false }
        return true
    }
}

/// An approved term ready for matching: the source and target with everything resolved
/// (scope and priority after falling back to the glossary's).
public struct GlossaryTerm: Equatable, Hashable, Sendable {
    public var entryID: Int64
    public var source: String
    public var target: String
    public var caseSensitive: Bool
    public var matchMode: MatchMode
    public var priority: Int
    public var domain: String?

    public init(entryID: Int64 = 0, source: String, target: String, caseSensitive: Bool = false, matchMode: MatchMode = .inflected, priority: Int = 0, domain: String? = nil) {
        self.entryID = entryID
        self.source = source
        self.target = target
        self.caseSensitive = caseSensitive
        self.matchMode = matchMode
        self.priority = priority
        self.domain = domain
    }

    public init(entry: GlossaryEntry) {
        self.init(entryID: entry.id, source: entry.record.source, target: entry.record.target, caseSensitive: entry.record.caseSensitive,
                  matchMode: entry.record.matchMode, priority: entry.effectivePriority, domain: entry.effectiveDomain)
    }
}
