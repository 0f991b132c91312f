import Foundation

/// One glossary term found in a source segment.
public struct TermMatch: Equatable, Sendable {
    /// Where the term stands in the segment.
    public var range: Range<String.Index>
    /// The same span as UTF-16 offsets (what ICU and most tokenizer alignments use).
    public var utf16Range: Range<Int>
    /// The segment's text in `range` ("embodiments", "claim 3").
    public var matchedText: String
    /// The target to force, with a `{N}` placeholder filled from the source ("제3항에 있어서").
    public var target: String
    public var term: GlossaryTerm
}

/// Finds glossary terms in source segments: at ICU word boundaries, case-insensitively
/// unless a term says otherwise, with English inflections of a term's last word (see
/// `EnglishInflection`) unless its match mode is `exact`. Where matches overlap, the higher
/// priority wins, then the longer match, then the earlier one, so at one position the
/// longest term is taken first.
///
/// `{N}` in a source term stands for a number written in digits (`according to claim {N}`),
/// and the same `{N}` in the target receives it (`제{N}항에 있어서`). One `{N}` per term.
public struct TermMatcher: Sendable {
    public static let numberPlaceholder = "{N}"

    enum Piece: Sendable {
        case number
        /// The written form, its comparison key (folded unless case-sensitive) and, for an
        /// inflectable last word, every accepted key.
        case word(key: String, forms: Set<String>?)
    }

    struct Pattern: Sendable {
        let term: GlossaryTerm
        let pieces: [Piece]
    }

    private let patterns: [Pattern]
    /// Patterns by the key of their first piece; case-insensitive and case-sensitive apart.
    private let byFoldedKey: [String: [Int]]
    private let byExactKey: [String: [Int]]
    private let numberFirst: [Int]

    public var terms: [GlossaryTerm] { patterns.map(\.term) }

    public init(terms: [GlossaryTerm]) {
        var patterns: [Pattern] = []
        var folded: [String: [Int]] = [:], exact: [String: [Int]] = [:]
        var numberFirst: [Int] = []
        for term in terms {
            guard let pieces = Self.compile(term), let first = pieces.first else { continue }
            let index = patterns.count
            patterns.append(Pattern(term: term, pieces: pieces))
            switch first {
            case .number:
                numberFirst.append(index)
            case .word(let key, let forms):
                for k in (pieces.count == 1 ? forms : nil) ?? [key] {
                    if term.caseSensitive { exact[k, default: []].append(index) } else { folded[k, default: []].append(index) }
                }
            }
        }
        self.patterns = patterns
        self.byFoldedKey = folded
        self.byExactKey = exact
        self.numberFirst = numberFirst
    }

    static func compile(_ term: GlossaryTerm) -> [Piece]? {
        let parts = term.source.components(separatedBy: numberPlaceholder)
        guard parts.count <= 2 else { return nil }
        var pieces: [Piece] = []
        for (k, part) in parts.enumerated() {
            if k > 0 { pieces.append(.number) }
            for token in TermText.tokens(part) {
                pieces.append(.word(key: term.caseSensitive ? token.text : TermText.fold(token.text), forms: nil))
            }
        }
        guard !pieces.isEmpty else { return nil }
        if term.matchMode == .inflected, case .word(let key, _) = pieces[pieces.count - 1], key.allSatisfy({ $0.isLetter }) {
            pieces[pieces.count - 1] = .word(key: key, forms: EnglishInflection.forms(of: key))
        }
        return pieces
    }

    /// The matches in `segment`, in text order, none overlapping.
    public func matches(in segment: String) -> [TermMatch] {
        let tokens = TermText.tokens(segment)
        guard !tokens.isEmpty, !patterns.isEmpty else { return [] }
        let keys = tokens.map { TermText.fold($0.text) }

        struct Candidate {
            let pattern: Int
            let first: Int, last: Int  // token indices, inclusive
            let utf16: Range<Int>
        }
        var candidates: [Candidate] = []
        for i in tokens.indices {
            var starting = byFoldedKey[keys[i]] ?? []
            starting += byExactKey[tokens[i].text] ?? []
            if Self.isNumber(tokens[i].text) { starting += numberFirst }
            for p in starting where matchesPattern(patterns[p], tokens: tokens, keys: keys, at: i) {
                let last = i + patterns[p].pieces.count - 1
                candidates.append(Candidate(pattern: p, first: i, last: last, utf16: tokens[i].utf16Range.lowerBound..<tokens[last].utf16Range.upperBound))
            }
        }
        candidates.sort { a, b in
            let ta = patterns[a.pattern].term, tb = patterns[b.pattern].term
            if ta.priority != tb.priority { return ta.priority > tb.priority }
            if a.utf16.count != b.utf16.count { return a.utf16.count > b.utf16.count }
            if a.first != b.first { return a.first < b.first }
            return ta.entryID < tb.entryID
        }
        var taken = [Bool](repeating: false, count: tokens.count)
        var chosen: [Candidate] = []
        for c in candidates where !taken[c.first...c.last].contains(true) {
            for t in c.first...c.last { taken[t] = true }
            chosen.append(c)
        }
        chosen.sort { $0.first < $1.first }
        let utf16 = segment.utf16
        return chosen.map { c in
            let lower = utf16.index(utf16.startIndex, offsetBy: c.utf16.lowerBound)
            let upper = utf16.index(utf16.startIndex, offsetBy: c.utf16.upperBound)
            let term = patterns[c.pattern].term
            var target = term.target
            if let n = (c.first...c.last).first(where: { k in
                if case .number = patterns[c.pattern].pieces[k - c.first] { return true }
                return false
            }) {
                target = target.replacingOccurrences(of: Self.numberPlaceholder, with: tokens[n].text)
            }
            return TermMatch(range: lower..<upper, utf16Range: c.utf16, matchedText: String(segment[lower..<upper]), target: target, term: term)
        }
    }

    private func matchesPattern(_ pattern: Pattern, tokens: [TermText.Token], keys: [String], at start: Int) -> Bool {
        guard start + pattern.pieces.count <= tokens.count else { return false }
        for (k, piece) in pattern.pieces.enumerated() {
            let token = tokens[start + k]
            switch piece {
            case .number:
                guard Self.isNumber(token.text) else { return false }
            case .word(let key, let forms):
                let have = pattern.term.caseSensitive ? token.text : keys[start + k]
                if let forms { guard forms.contains(have) else { return false } } else { guard have == key else { return false } }
            }
        }
        return true
    }

    static func isNumber(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }
}
