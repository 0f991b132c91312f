/// Collects the translatable units of a scanned patent document, in document order.
///
/// A unit container's content is cut into runs at block children (a nested `claim-text`,
/// a list, a table); each run with text becomes one unit. So a claim
/// `<claim-text>1. An apparatus comprising:<claim-text>a unit…;</claim-text>…</claim-text>`
/// gives one unit for the preamble and one per nested element, each replaceable on its own.
/// Comments, breaks, opaque items and whitespace at the edges of a run stay outside the
/// unit, untouched.
struct XMLUnitExtractor {
    let scan: XMLScan
    let vocabulary: PatentVocabulary
    private var keys: [String]
    private(set) var units: [TranslatableUnit] = []

    init(scan: XMLScan, format: PatentFormat) {
        self.scan = scan
        vocabulary = PatentVocabulary(format: format)
        keys = scan.names.map(PatentVocabulary.key)
    }

    func key(ofElement e: Int) -> String { keys[Int(scan.elements[e].nameID)] }

    mutating func extract() -> [TranslatableUnit] {
        let root = scan.root
        walk(root, region: nil, path: [step(root, index: 1)])
        return units
    }

    func step(_ e: Int, index: Int) -> UnitPath.Step {
        var id: String?
        var num: String?
        for attribute in scan.attributes(ofElement: e) {
            let name = keys[Int(attribute.nameID)]
            if name == "id", id == nil { id = scan.value(of: attribute) }
            if name == "num", num == nil { num = scan.value(of: attribute) }
        }
        return UnitPath.Step(name: scan.name(ofElement: e), index: index, id: id, num: num)
    }

    private mutating func walk(_ e: Int, region: String?, path: [UnitPath.Step]) {
        let key = key(ofElement: e)
        var region = region
        if region == nil, PatentVocabulary.regions.contains(key) { region = key }
        if let region {
            if PatentVocabulary.opaqueBlocks.contains(key) { return }
            if vocabulary.isUnitContainer(key) {
                collectRuns(e, kind: vocabulary.kind(ofContainer: key, region: region), region: region, path: path)
                return
            }
        }
        var counts: [Int32: Int] = [:]
        let element = scan.elements[e]
        var t = element.startToken + 1
        while t < element.endToken {
            let token = scan.tokens[t]
            if token.kind == .startTag || token.kind == .emptyElementTag {
                let child = Int(token.elementIndex)
                counts[token.nameID, default: 0] += 1
                walk(child, region: region, path: path + [step(child, index: counts[token.nameID]!)])
                t = scan.elements[child].endToken + 1
            } else {
                t += 1
            }
        }
    }

    // MARK: runs

    enum Item {
        case token(Int)
        case element(Int)
    }

    private mutating func collectRuns(_ container: Int, kind: UnitKind, region: String, path: [UnitPath.Step]) {
        var items: [Item] = []
        var run = 0
        var counts: [Int32: Int] = [:]
        let element = scan.elements[container]
        var t = element.startToken + 1
        while t < element.endToken {
            let token = scan.tokens[t]
            guard token.kind == .startTag || token.kind == .emptyElementTag else {
                items.append(.token(t))
                t += 1
                continue
            }
            let child = Int(token.elementIndex)
            counts[token.nameID, default: 0] += 1
            let childKey = key(ofElement: child)
            if vocabulary.isBlock(childKey) || (vocabulary.isPairedInline(childKey) && containsBlock(child)) {
                if emitUnit(items, container: container, kind: kind, path: path, run: run + 1) { run += 1 }
                items.removeAll(keepingCapacity: true)
                walk(child, region: region, path: path + [step(child, index: counts[token.nameID]!)])
            } else {
                items.append(.element(child))
            }
            t = scan.elements[child].endToken + 1
        }
        _ = emitUnit(items, container: container, kind: kind, path: path, run: run + 1)
    }

    private func containsBlock(_ e: Int) -> Bool {
        let element = scan.elements[e]
        for t in (element.startToken + 1)..<max(element.startToken + 1, element.endToken) {
            let token = scan.tokens[t]
            if token.kind == .startTag || token.kind == .emptyElementTag, vocabulary.isBlock(keys[Int(token.nameID)]) {
                return true
            }
        }
        return false
    }

    enum Role { case paired, void, opaque }

    func role(ofElement e: Int) -> Role {
        let key = key(ofElement: e)
        let isEmptyTag = scan.tokens[scan.elements[e].startToken].kind == .emptyElementTag
        if PatentVocabulary.voidInline.contains(key) { return .void }
        if vocabulary.isPairedInline(key) { return isEmptyTag ? .void : .paired }
        return .opaque
    }

    /// Whether an item carries text for the model (edges without text stay outside).
    func bearsText(_ item: Item) -> Bool {
        switch item {
        case .element(let e):
            return role(ofElement: e) == .paired
        case .token(let t):
            let token = scan.tokens[t]
            switch token.kind {
            case .text:
                return scan.bytes[token.range].contains { !XMLScanner.isSpace($0) }
            case .cdata, .characterReference:
                return true
            case .entityReference:
                return XMLEntityTable.predefined[scan.name(of: token)] != nil
            default:
                return false
            }
        }
    }

    func range(of item: Item) -> Range<Int> {
        switch item {
        case .token(let t): return scan.tokens[t].range
        case .element(let e): return scan.tokens[scan.elements[e].startToken].start..<scan.tokens[scan.elements[e].endToken].end
        }
    }

    private mutating func emitUnit(_ all: [Item], container: Int, kind: UnitKind, path: [UnitPath.Step], run: Int) -> Bool {
        guard let first = all.firstIndex(where: bearsText), let last = all.lastIndex(where: bearsText) else { return false }
        let items = all[first...last]
        var start = range(of: items.first!).lowerBound
        var end = range(of: items.last!).upperBound
        // Edge whitespace (any Unicode White_Space: the CNIPA files end paragraphs with
        // no-break spaces) stays in the document, outside the unit.
        if case .token(let t) = items.first!, scan.tokens[t].kind == .text {
            while start < end, let (scalar, length) = scalar(at: start), scalar.properties.isWhitespace { start += length }
        }
        if case .token(let t) = items.last!, scan.tokens[t].kind == .text {
            while end > start, let (scalar, length) = scalar(endingAt: end), scalar.properties.isWhitespace { end -= length }
        }
        var builder = UnitTextBuilder()
        append(items, clampedTo: start..<end, parent: nil, into: &builder)
        guard builder.hasContent else { return false }
        units.append(TranslatableUnit(
            id: units.count, kind: kind, path: UnitPath(steps: path, run: run), text: builder.text,
            placeholders: builder.placeholders, language: language(of: container), byteRange: start..<end,
            container: container))
        return true
    }

    func scalar(at offset: Int) -> (Unicode.Scalar, Int)? {
        let lead = scan.bytes[offset]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard offset + length <= scan.bytes.count else { return nil }
        return String(decoding: scan.bytes[offset..<(offset + length)], as: UTF8.self).unicodeScalars.first.map { ($0, length) }
    }

    func scalar(endingAt end: Int) -> (Unicode.Scalar, Int)? {
        var start = end - 1
        while start > 0, scan.bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return scalar(at: start).map { ($0.0, end - start) }
    }

    private func append<S: Sequence>(_ items: S, clampedTo bounds: Range<Int>, parent: Int?, into builder: inout UnitTextBuilder)
        where S.Element == Item {
        for item in items {
            switch item {
            case .token(let t):
                let token = scan.tokens[t]
                switch token.kind {
                case .text:
                    let r = max(token.start, bounds.lowerBound)..<min(token.end, bounds.upperBound)
                    builder.appendText(XMLText.normalizeLineEnds(scan.string(r)), parent: parent)
                case .cdata:
                    builder.appendText(XMLText.normalizeLineEnds(scan.string((token.start + 9)..<(token.end - 3))), parent: parent)
                case .characterReference, .entityReference:
                    if let decoded = XMLText.decodeReference(scan.bytes[token.range]) {
                        builder.appendText(decoded, parent: parent, raw: scan.string(token.range))
                    } else {
                        builder.appendOpaque(name: "#entity", raw: scan.string(token.range), kind: .opaque, parent: parent)
                    }
                case .comment:
                    builder.appendOpaque(name: "#comment", raw: scan.string(token.range), kind: .opaque, parent: parent)
                case .processingInstruction:
                    builder.appendOpaque(name: "#pi", raw: scan.string(token.range), kind: .opaque, parent: parent)
                default:
                    builder.appendOpaque(name: "#markup", raw: scan.string(token.range), kind: .opaque, parent: parent)
                }
            case .element(let e):
                let element = scan.elements[e]
                let name = scan.name(ofElement: e)
                switch role(ofElement: e) {
                case .void:
                    builder.appendOpaque(name: name, raw: scan.string(range(of: item)), kind: .void, parent: parent)
                case .opaque:
                    builder.appendOpaque(name: name, raw: scan.string(range(of: item)), kind: .opaque, parent: parent)
                case .paired:
                    let number = builder.open(name: name, open: scan.string(scan.tokens[element.startToken].range),
                                              close: scan.string(scan.tokens[element.endToken].range), parent: parent)
                    var inner: [Item] = []
                    var t = element.startToken + 1
                    while t < element.endToken {
                        let token = scan.tokens[t]
                        if token.kind == .startTag || token.kind == .emptyElementTag {
                            let child = Int(token.elementIndex)
                            inner.append(.element(child))
                            t = scan.elements[child].endToken + 1
                        } else {
                            inner.append(.token(t))
                            t += 1
                        }
                    }
                    append(inner, clampedTo: bounds, parent: number, into: &builder)
                    builder.close(number)
                }
            }
        }
    }

    // MARK: language

    static func isLanguageAttribute(_ name: String) -> Bool {
        name == "lang" || name == "xml:lang" || PatentVocabulary.key(name) == "languagecode"
    }

    static func normalizeLanguage(_ code: String) -> String? {
        let lower = code.trimmingSpaces().lowercased()
        guard !lower.isEmpty else { return nil }
        switch lower {
        case "cn": return "zh"  // offices sometimes write the country code
        case "jp": return "ja"
        case "kr": return "ko"
        default: return lower
        }
    }

    func languageAttribute(ofElement e: Int) -> XMLAttribute? {
        scan.attributes(ofElement: e).first { Self.isLanguageAttribute(scan.name(of: $0)) }
    }

    func language(of container: Int) -> String? {
        if key(ofElement: container) == "b542" {
            // EP titles: each B542 follows the B541 that names its language.
            let parent = scan.elements[container].parent
            if parent >= 0 {
                var previous: Int?
                for sibling in scan.children(ofElement: parent) {
                    if sibling == container { break }
                    if key(ofElement: sibling) == "b541" { previous = sibling }
                }
                if let previous { return Self.normalizeLanguage(scan.textContent(ofElement: previous)) }
            }
        }
        var e = container
        while e >= 0 {
            if let attribute = languageAttribute(ofElement: e) { return Self.normalizeLanguage(scan.value(of: attribute)) }
            e = scan.elements[e].parent
        }
        return nil
    }
}

extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}

/// Builds a unit's text and placeholder table.
struct UnitTextBuilder {
    var text = ""
    var placeholders: [Placeholder] = []
    var hasContent = false

    mutating func appendText(_ s: String, parent: Int?, raw: String? = nil) {
        // Literal brackets of the source would read as markers: they become opaque
        // placeholders holding the character (or the reference that wrote it).
        if s.unicodeScalars.contains(where: { $0 == "⟦" || $0 == "⟧" }) {
            var run = ""
            for scalar in s.unicodeScalars {
                if scalar == "⟦" || scalar == "⟧" {
                    appendPlain(run)
                    run = ""
                    appendOpaque(name: "#text", raw: raw ?? String(scalar), kind: .opaque, parent: parent)
                } else {
                    run.unicodeScalars.append(scalar)
                }
            }
            appendPlain(run)
        } else {
            appendPlain(s)
        }
    }

    private mutating func appendPlain(_ s: String) {
        if !hasContent, s.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) { hasContent = true }
        text += s
    }

    mutating func appendOpaque(name: String, raw: String, kind: Placeholder.Kind, parent: Int?) {
        let p = Placeholder(number: placeholders.count + 1, kind: kind, name: name, open: raw, close: "", parent: parent)
        placeholders.append(p)
        text += p.openMarker
    }

    mutating func open(name: String, open: String, close: String, parent: Int?) -> Int {
        let p = Placeholder(number: placeholders.count + 1, kind: .paired, name: name, open: open, close: close, parent: parent)
        placeholders.append(p)
        text += p.openMarker
        return p.number
    }

    mutating func close(_ number: Int) {
        text += "⟦/\(number)⟧"
    }
}
