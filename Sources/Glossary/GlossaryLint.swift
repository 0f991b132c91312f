/// A problem `lint` found, with the entries it concerns.
public struct LintFinding: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// Two active entries with the same source, target and scope.
        case duplicate
        /// One source term with two different targets in one scope.
        case conflict
        /// One active term contained, word for word, in another of the same scope.
        case overlap
        /// An empty source or target term.
        case empty
        /// A term with leading or trailing spaces or a run of spaces inside.
        case padded
        /// A glossary language code that is not a BCP 47 tag.
        case language
        /// An approved entry whose target uses a rendering another entry forbids.
        case forbiddenTarget = "forbidden-target"
    }

    public var kind: Kind
    public var entryIDs: [Int64]
    public var message: String

    public var description: String {
        "\(kind.rawValue)\t\(entryIDs.map(String.init).joined(separator: ","))\t\(message)"
    }
}

extension GlossaryStore {
    /// Every problem in the store; an empty list means clean. Active entries (approved and
    /// proposed) take part in the duplicate, conflict and overlap checks; deprecated ones do
    /// not; forbidden ones only as the renderings that approved targets must not use.
    public func lint() throws -> [LintFinding] {
        var findings: [LintFinding] = []
        for g in try glossaries() {
            for (role, code) in [("source", g.sourceLanguage), ("target", g.targetLanguage)] where !LanguageCode.isValid(code) {
                findings.append(LintFinding(kind: .language, entryIDs: [],
                                            message: "glossary '\(g.name)': \(role) language '\(code)' is not a BCP 47 language code (like en, ko, zh-Hans, pt-BR)"))
            }
        }
        let all = try entries()
        for e in all {
            for (role, text) in [("source", e.record.source), ("target", e.record.target)] {
                if text.trimmingSpaces.isEmpty {
                    findings.append(LintFinding(kind: .empty, entryIDs: [e.id], message: "entry \(e.id): empty \(role) term"))
                } else if Self.isPadded(text) {
                    findings.append(LintFinding(kind: .padded, entryIDs: [e.id], message: "entry \(e.id): \(role) term '\(text)' has leading, trailing or repeated spaces"))
                }
            }
        }

        let active = all.filter { $0.record.status == .approved || $0.record.status == .proposed }
        func pair(_ e: GlossaryEntry) -> String { "\(e.glossary.sourceLanguage.lowercased())-\(e.glossary.targetLanguage.lowercased())" }
        func sourceKey(_ e: GlossaryEntry) -> String { e.record.caseSensitive ? e.record.source : TermText.fold(e.record.source) }
        func scope(_ e: GlossaryEntry) -> String { e.effectiveDomain.map { TermText.fold($0) } ?? "" }
        func scopeText(_ e: GlossaryEntry) -> String { e.effectiveDomain.map { " in \($0)" } ?? "" }

        var groups: [String: [GlossaryEntry]] = [:]
        for e in active { groups[pair(e) + "\u{1}" + sourceKey(e) + "\u{1}" + scope(e), default: []].append(e) }
        for group in groups.values.sorted(by: { $0[0].id < $1[0].id }) where group.count > 1 {
            var byTarget: [String: [GlossaryEntry]] = [:]
            for e in group { byTarget[TermText.fold(e.record.target), default: []].append(e) }
            for same in byTarget.values.sorted(by: { $0[0].id < $1[0].id }) where same.count > 1 {
                findings.append(LintFinding(kind: .duplicate, entryIDs: same.map(\.id),
                                            message: "entries \(same.map { String($0.id) }.joined(separator: ", ")): '\(same[0].record.source)' → '\(same[0].record.target)'\(scopeText(same[0])) is listed \(same.count) times"))
            }
            if byTarget.count > 1 {
                let targets = group.map { "'\($0.record.target)' (entry \($0.id))" }.joined(separator: ", ")
                findings.append(LintFinding(kind: .conflict, entryIDs: group.map(\.id),
                                            message: "'\(group[0].record.source)'\(scopeText(group[0])) has \(byTarget.count) targets: \(targets)"))
            }
        }

        findings += overlaps(active, pair: pair, scope: scope)

        let forbidden = all.filter { $0.record.status == .forbidden && !$0.record.target.trimmingSpaces.isEmpty }
        for f in forbidden {
            let bad = TermText.fold(f.record.target)
            for a in all where a.record.status == .approved && a.id != f.id
                && LanguageCode.matches(a.glossary.targetLanguage, f.glossary.targetLanguage)
                && (scope(a) == scope(f) || scope(a).isEmpty || scope(f).isEmpty)
                && TermText.fold(a.record.target).contains(bad) {
                findings.append(LintFinding(kind: .forbiddenTarget, entryIDs: [a.id, f.id],
                                            message: "entry \(a.id): target '\(a.record.target)' (for '\(a.record.source)') uses '\(f.record.target)', which entry \(f.id) forbids"))
            }
        }
        return findings
    }

    static func isPadded(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if first.properties.isWhitespace || last.properties.isWhitespace { return true }
        var previousSpace = false
        for s in text.unicodeScalars {
            let space = s.properties.isWhitespace
            if space && previousSpace { return true }
            previousSpace = space
        }
        return false
    }

    /// Terms whose words appear, in order and contiguous, inside a longer term of the same
    /// pair and a compatible scope (the same, or either unscoped): the matcher always takes
    /// the longer, so the shorter one is either redundant there or a sign of a split term.
    private func overlaps(_ active: [GlossaryEntry], pair: (GlossaryEntry) -> String, scope: (GlossaryEntry) -> String) -> [LintFinding] {
        let separator = "\u{1}"
        var byWords: [String: [GlossaryEntry]] = [:]
        var words: [Int64: [String]] = [:]
        for e in active {
            let w = TermText.tokens(e.record.source).map { e.record.caseSensitive ? $0.text : TermText.fold($0.text) }
            words[e.id] = w
            byWords[pair(e) + separator + w.joined(separator: separator), default: []].append(e)
        }
        var findings: [LintFinding] = []
        for long in active {
            let w = words[long.id] ?? []
            guard w.count > 1 else { continue }
            var reported = Set<Int64>()
            for length in 1..<w.count {
                for start in 0...(w.count - length) {
                    let key = pair(long) + separator + w[start..<(start + length)].joined(separator: separator)
                    for short in byWords[key] ?? [] where !reported.contains(short.id)
                        && (scope(short) == scope(long) || scope(short).isEmpty || scope(long).isEmpty) {
                        reported.insert(short.id)
                        findings.append(LintFinding(kind: .overlap, entryIDs: [short.id, long.id],
                                                    message: "entry \(short.id) '\(short.record.source)' is contained in entry \(long.id) '\(long.record.source)'"))
                    }
                }
            }
        }
        return findings
    }
}
