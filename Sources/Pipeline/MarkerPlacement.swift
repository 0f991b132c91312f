import PatentDocuments

/// Puts a segment's markup markers into its translation. The engine never sees markers
/// (models garble them), so they are placed by rule, always in their source order: the
/// markup of the output is then exactly the markup of the source (same elements, same
/// nesting, same order), whatever the engine wrote. Positions:
/// 1. a pair around text that reappears verbatim in the translation (a protected span such
///    as `FIG. 1`, a formula, a number, a Latin name) wraps that occurrence; a pair inside a
///    protected span wraps the same characters of that span in the translation;
/// 2. every other marker goes to the position proportional to its place in the source,
///    moved to the nearest word boundary;
/// 3. no marker goes before the one that precedes it in the source.
enum MarkerPlacement {
    static func place(_ markers: [SegmentMarker], source: String, spans: [ProtectedSpan], in translation: String) -> String {
        guard !markers.isEmpty else { return translation }
        let target = Array(translation)
        let sourceCharacters = Array(source)
        let spanOffsets = spans.map { span -> (range: Range<Int>, text: String) in
            let start = source.distance(from: source.startIndex, to: span.range.lowerBound)
            return (start..<(start + span.text.count), span.text)
        }

        var positions: [Int] = []
        var plannedClose: [Int: Int] = [:]  // pair number → position of its close marker
        var cursor = 0
        for (k, marker) in markers.enumerated() {
            var position: Int
            switch marker.role {
            case .close where plannedClose[marker.number] != nil:
                position = plannedClose[marker.number]!
            case .open:
                if let close = markers[(k + 1)...].first(where: { $0.role == .close && $0.number == marker.number }),
                   close.offset > marker.offset,
                   let found = verbatim(marker.offset..<close.offset, source: sourceCharacters, spans: spanOffsets, in: target, from: cursor) {
                    position = found.lowerBound
                    plannedClose[marker.number] = found.upperBound
                } else {
                    position = proportional(marker.offset, sourceCount: sourceCharacters.count, target: target)
                }
            default:
                position = proportional(marker.offset, sourceCount: sourceCharacters.count, target: target)
            }
            position = max(position, cursor)
            positions.append(position)
            cursor = position
        }

        var out = ""
        var next = 0
        for (marker, position) in zip(markers, positions) {
            out += String(target[next..<position])
            out += marker.text
            next = position
        }
        out += String(target[next...])
        return out
    }

    /// Where the source text `inner` (or the protected span around it) occurs in the
    /// translation at or after `from`.
    static func verbatim(_ inner: Range<Int>, source: [Character], spans: [(range: Range<Int>, text: String)],
                         in target: [Character], from: Int) -> Range<Int>? {
        if let span = spans.first(where: { $0.range.lowerBound <= inner.lowerBound && inner.upperBound <= $0.range.upperBound }) {
            guard let at = occurrence(Array(span.text), in: target, from: from) else { return nil }
            return (at + inner.lowerBound - span.range.lowerBound)..<(at + inner.upperBound - span.range.lowerBound)
        }
        let needle = Array(source[inner])
        guard needle.contains(where: { !$0.isWhitespace }), let at = occurrence(needle, in: target, from: from) else { return nil }
        return at..<(at + needle.count)
    }

    /// The source offset scaled to the translation's length, moved to the nearest word
    /// boundary (a space or either end).
    static func proportional(_ offset: Int, sourceCount: Int, target: [Character]) -> Int {
        guard sourceCount > 0, !target.isEmpty else { return target.count }
        if offset <= 0 { return 0 }
        if offset >= sourceCount { return target.count }
        let guess = min(target.count, Int((Double(offset) / Double(sourceCount) * Double(target.count)).rounded()))
        var best = target.count, distance = abs(target.count - guess)
        if guess < distance { best = 0; distance = guess }
        for i in 1..<target.count where target[i - 1].isWhitespace != target[i].isWhitespace || target[i].isWhitespace {
            if abs(i - guess) < distance { best = i; distance = abs(i - guess) }
        }
        return best
    }

    /// The first occurrence of `needle` in `haystack` starting at or after `from`.
    static func occurrence(_ needle: [Character], in haystack: [Character], from: Int) -> Int? {
        guard !needle.isEmpty, from + needle.count <= haystack.count else { return nil }
        for start in from...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
