/// Compares two scanned documents as trees: element names, attributes (names, order and
/// values), and every child node in order: merged text (CDATA and references decoded,
/// line ends normalized), comments, processing instructions, opaque entity references.
/// Used to prove that a translated document differs from its source only where it should.
public enum XMLTreeComparison {
    enum Node: Equatable {
        case element(String)
        case text(String)
        case comment(String)
        case processingInstruction(String)
        case entity(String)
    }

    /// The first difference between `a` and `b` in words, or nil when they are equal.
    /// - translatedElements: element indices (in `a`, document order) whose own text
    ///   nodes may differ (the containers of translated units and the paired inline
    ///   markup inside them); their other children must still be equal.
    /// - ignoringLanguageValues: values of language attributes (`lang`, `xml:lang`,
    ///   `…:languageCode`) are not compared (their presence and position are).
    public static func firstDifference(_ a: XMLScan, _ b: XMLScan, translatedElements: Set<Int> = [],
                                       ignoringLanguageValues: Bool = false) -> String? {
        guard a.elements.count == b.elements.count else {
            return "element count \(a.elements.count) vs \(b.elements.count)"
        }
        for e in a.elements.indices {
            let where_ = "element \(e) <\(a.name(ofElement: e))> at \(a.location(ofOffset: a.tokens[a.elements[e].startToken].start))"
            guard a.name(ofElement: e) == b.name(ofElement: e) else {
                return "\(where_): name differs: <\(b.name(ofElement: e))>"
            }
            let attributesA = Array(a.attributes(ofElement: e)), attributesB = Array(b.attributes(ofElement: e))
            guard attributesA.count == attributesB.count else { return "\(where_): attribute count differs" }
            for (x, y) in zip(attributesA, attributesB) {
                let name = a.name(of: x)
                guard name == b.name(of: y) else { return "\(where_): attribute \(name) vs \(b.name(of: y))" }
                if ignoringLanguageValues, XMLUnitExtractor.isLanguageAttribute(name) { continue }
                guard a.value(of: x) == b.value(of: y) else {
                    return "\(where_): attribute \(name)=\"\(a.value(of: x))\" vs \"\(b.value(of: y))\""
                }
            }
            var childrenA = children(a, e), childrenB = children(b, e)
            if translatedElements.contains(e) {
                childrenA.removeAll { if case .text = $0 { return true } else { return false } }
                childrenB.removeAll { if case .text = $0 { return true } else { return false } }
            }
            guard childrenA == childrenB else {
                let k = zip(childrenA, childrenB).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(childrenA.count, childrenB.count)
                let x = k < childrenA.count ? "\(childrenA[k])" : "nothing"
                let y = k < childrenB.count ? "\(childrenB[k])" : "nothing"
                return "\(where_): child \(k) differs: \(x.prefix(200)) vs \(y.prefix(200))"
            }
        }
        return nil
    }

    static func children(_ scan: XMLScan, _ e: Int) -> [Node] {
        var nodes: [Node] = []
        var text = ""
        func flush() {
            if !text.isEmpty { nodes.append(.text(text)) }
            text = ""
        }
        let element = scan.elements[e]
        var t = element.startToken + 1
        while t < element.endToken {
            let token = scan.tokens[t]
            switch token.kind {
            case .startTag, .emptyElementTag:
                flush()
                nodes.append(.element(scan.name(of: token)))
                t = scan.elements[Int(token.elementIndex)].endToken + 1
                continue
            case .text:
                text += XMLText.normalizeLineEnds(scan.string(token.range))
            case .cdata:
                text += XMLText.normalizeLineEnds(scan.string((token.start + 9)..<(token.end - 3)))
            case .characterReference, .entityReference:
                if let decoded = XMLText.decodeReference(scan.bytes[token.range]) {
                    text += decoded
                } else {
                    flush()
                    nodes.append(.entity(scan.name(of: token)))
                }
            case .comment:
                flush()
                nodes.append(.comment(scan.string(token.range)))
            case .processingInstruction:
                flush()
                nodes.append(.processingInstruction(scan.string(token.range)))
            default:
                break
            }
            t += 1
        }
        flush()
        return nodes
    }
}

extension PatentDocument {
    /// The elements whose own text a translation of these units replaces: each unit's
    /// container and the paired inline markup inside the unit. For
    /// `XMLTreeComparison.firstDifference(translatedElements:)`.
    public func elementsWithTranslatedText(units ids: some Sequence<UnitID>) -> Set<Int> {
        guard let scan = xml else { return [] }
        let vocabulary = PatentVocabulary(format: format)
        var result = Set<Int>()
        for id in ids {
            let unit = units[id]
            result.insert(unit.container)
            // Elements are in document order: binary-search the first one inside the unit.
            var low = 0, high = scan.elements.count
            while low < high {
                let mid = (low + high) / 2
                if scan.tokens[scan.elements[mid].startToken].start < unit.byteRange.lowerBound { low = mid + 1 } else { high = mid }
            }
            var e = low
            while e < scan.elements.count, scan.tokens[scan.elements[e].startToken].start < unit.byteRange.upperBound {
                if vocabulary.isPairedInline(PatentVocabulary.key(scan.name(ofElement: e))) { result.insert(e) }
                e += 1
            }
        }
        return result
    }
}
