/// Puts markup back into a translated unit. The rule, so that markup is never lost and
/// never invented, whatever the model did with the placeholders:
///
/// 1. Markers are read leniently (`⟦ 3 ⟧` counts as `⟦3⟧`). A marker whose number the unit
///    does not have, a marker of the wrong form (`⟦/n⟧` for a void item, `⟦n/⟧` for paired
///    markup) and stray `⟦`/`⟧` characters are deleted.
/// 2. Only the first occurrence of each marker counts; later copies are deleted (the text
///    around them stays).
/// 3. Paired markup stays where the model put it when its `⟦n⟧` comes before its `⟦/n⟧` and
///    it nests properly with the pairs around it (checked left to right with a stack);
///    otherwise both of its markers are deleted and the pair counts as dropped.
/// 4. Every dropped placeholder is re-inserted at the end of the unit, in source order, with
///    the source nesting among the dropped ones (a dropped `<b>` that held a dropped
///    `<i>` comes back as `<b><i></i></b>`); paired markup comes back empty, since its
///    text is already somewhere in the translation.
///
/// Text is escaped (`&`, `<`, `>`); characters XML does not allow are dropped.
public enum PlaceholderRestorer {
    public struct Result: Sendable, Equatable {
        public let xml: String
        /// Placeholders (numbers) that were missing or misplaced and were appended.
        public let reinserted: [Int]
        /// Markers deleted as duplicates, unknown numbers, wrong forms or stray brackets.
        public let deletedMarkers: Int
    }

    enum Piece {
        case text(String)
        case open(Int), close(Int), single(Int)
    }

    public static func restore(_ translation: String, placeholders: [Placeholder]) -> Result {
        let byNumber = Dictionary(uniqueKeysWithValues: placeholders.map { ($0.number, $0) })
        var deleted = 0
        var pieces: [Piece] = []
        var seenOpen = Set<Int>(), seenClose = Set<Int>(), seenSingle = Set<Int>()

        for token in tokenize(translation) {
            switch token {
            case .text(let s):
                pieces.append(.text(s))
            case .stray:
                deleted += 1
            case .marker(let n, let closing, let selfClosing):
                guard let p = byNumber[n] else { deleted += 1; continue }
                if p.kind == .paired {
                    if closing, !selfClosing, seenClose.insert(n).inserted { pieces.append(.close(n)) }
                    else if !closing, !selfClosing, seenOpen.insert(n).inserted { pieces.append(.open(n)) }
                    else { deleted += 1 }
                } else if !closing, seenSingle.insert(n).inserted {
                    pieces.append(.single(n))
                } else {
                    deleted += 1
                }
            }
        }

        // Rule 3: keep the pairs that open before they close and nest properly.
        var stack: [Int] = []
        var placed = Set<Int>()
        var failed = Set<Int>()
        for piece in pieces {
            switch piece {
            case .open(let n):
                stack.append(n)
            case .close(let n):
                if stack.last == n {
                    stack.removeLast()
                    placed.insert(n)
                } else if let k = stack.lastIndex(of: n) {
                    stack.remove(at: k)
                    failed.insert(n)
                } else {
                    failed.insert(n)
                }
            default:
                break
            }
        }
        failed.formUnion(stack)
        placed.subtract(failed)
        placed.formUnion(seenSingle)

        var xml = ""
        for piece in pieces {
            switch piece {
            case .text(let s): xml += XMLText.escape(s)
            case .open(let n) where placed.contains(n): xml += byNumber[n]!.open
            case .close(let n) where placed.contains(n): xml += byNumber[n]!.close
            case .single(let n): xml += byNumber[n]!.open
            case .open, .close: deleted += 1
            }
        }

        // Rule 4: the dropped ones, appended in source order with their source nesting.
        let missing = placeholders.filter { !placed.contains($0.number) }
        if !missing.isEmpty {
            let missingNumbers = Set(missing.map(\.number))
            var children: [Int?: [Placeholder]] = [:]
            for p in missing {
                var parent = p.parent
                while let q = parent, !missingNumbers.contains(q) { parent = byNumber[q]?.parent }
                children[parent, default: []].append(p)
            }
            func emit(_ p: Placeholder) {
                xml += p.open
                for child in children[p.number] ?? [] { emit(child) }
                xml += p.close
            }
            for p in children[nil] ?? [] { emit(p) }
        }
        return Result(xml: xml, reinserted: missing.map(\.number), deletedMarkers: deleted)
    }

    enum Token: Equatable {
        case text(String)
        case marker(Int, closing: Bool, selfClosing: Bool)
        case stray
    }

    /// Splits text into runs and markers `⟦n⟧`, `⟦/n⟧`, `⟦n/⟧` (spaces allowed inside).
    static func tokenize(_ s: String) -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(s.unicodeScalars)
        var text = String.UnicodeScalarView()
        var k = 0
        func flush() {
            if !text.isEmpty { tokens.append(.text(String(text))) }
            text = String.UnicodeScalarView()
        }
        while k < scalars.count {
            let c = scalars[k]
            if c == "⟧" {
                flush()
                tokens.append(.stray)
                k += 1
                continue
            }
            guard c == "⟦" else {
                text.append(c)
                k += 1
                continue
            }
            // Try to read a marker.
            var j = k + 1
            func spaces() { while j < scalars.count, scalars[j] == " " { j += 1 } }
            spaces()
            var closing = false
            if j < scalars.count, scalars[j] == "/" { closing = true; j += 1; spaces() }
            var number = 0
            var digits = 0
            while j < scalars.count, let d = scalars[j].properties.numericType == .decimal ? Int(String(scalars[j])) : nil, digits < 6 {
                number = number * 10 + d
                digits += 1
                j += 1
            }
            spaces()
            var selfClosing = false
            if j < scalars.count, scalars[j] == "/" { selfClosing = true; j += 1; spaces() }
            flush()
            if digits > 0, j < scalars.count, scalars[j] == "⟧", !(closing && selfClosing) {
                tokens.append(.marker(number, closing: closing, selfClosing: selfClosing))
                k = j + 1
            } else {
                tokens.append(.stray)
                k += 1
            }
        }
        flush()
        return tokens
    }
}
