import PatentDocuments

/// A placeholder marker of a unit's text, at its offset in the segment's clean text.
struct SegmentMarker: Equatable {
    /// The marker as written in the unit text: `⟦3⟧`, `⟦/3⟧`, `⟦4/⟧`.
    let text: String
    let number: Int
    enum Role { case open, close, void }
    let role: Role
    /// Offset in `Segment.clean`, in Characters.
    let offset: Int
}

/// One piece of a unit the engine translates: a sentence, or a clause of an overlong one.
struct Segment {
    let unit: UnitID
    /// White space before and after the piece in the unit text, kept as it was.
    let leading: Substring
    let trailing: Substring
    /// The piece without its markers: what the engine sees.
    let clean: String
    let markers: [SegmentMarker]
}

/// Cuts units into segments: sentences by the patent segmenter, clauses where a sentence is
/// over the engine's token limit, markers lifted out with their positions.
struct SegmentPlanner {
    let segmenter: SentenceSegmenter
    let splitter = ClauseSplitter()
    let spans: ProtectedSpanFinder

    func segments(of unit: TranslatableUnit, engine: any SegmentEngine) throws -> [Segment] {
        var out: [Segment] = []
        for sentence in try sentences(of: unit.text) {
            let clean = Self.lift(sentence).clean
            let pieces: [Substring]
            if engine.sourceTokenCount(clean[...]) > engine.segmentTokenLimit {
                let text = String(sentence)
                let protected = spans.spans(in: text).map(\.range)
                pieces = splitter.split(text, limit: engine.segmentTokenLimit, protected: protected) {
                    engine.sourceTokenCount(Self.lift($0).clean[...])
                }
            } else {
                pieces = [sentence]
            }
            for piece in pieces {
                let core = piece.drop { $0.isWhitespace }
                let body = core.reversed().drop { $0.isWhitespace }
                let end = core.index(core.startIndex, offsetBy: body.count)
                let lifted = Self.lift(core[..<end])
                out.append(Segment(unit: unit.id, leading: piece[..<core.startIndex], trailing: core[end...],
                                   clean: lifted.clean, markers: lifted.markers))
            }
        }
        return out
    }

    /// Sentences by the segmenter, with boundaries moved out of markers: a cut never falls
    /// inside `⟦…⟧`, and a closing marker right after a sentence end stays with its sentence
    /// (`"alkenyl."⟦/7⟧ Furthermore`).
    func sentences(of text: String) throws -> [Substring] {
        let ranges = try segmenter.sentenceRanges(in: text)
        guard text.contains("⟦"), ranges.count > 1 else { return ranges.map { text[$0] } }
        var cuts: [String.Index] = []
        for range in ranges.dropLast() {
            var cut = range.upperBound
            // Inside a marker: back to its start, then treat it like any marker at the cut.
            if let open = text[..<cut].lastIndex(of: "⟦"), !text[open..<cut].contains("⟧") { cut = open }
            while text[cut...].hasPrefix("⟦/"), let close = text[cut...].firstIndex(of: "⟧") {
                cut = text.index(after: close)
                while cut < text.endIndex, text[cut].isWhitespace { cut = text.index(after: cut) }
            }
            if cut > (cuts.last ?? text.startIndex), cut < text.endIndex { cuts.append(cut) }
        }
        var out: [Substring] = []
        var start = text.startIndex
        for cut in cuts {
            out.append(text[start..<cut])
            start = cut
        }
        out.append(text[start...])
        return out
    }

    /// The text without its `⟦…⟧` markers, runs of white space as one space (as the
    /// translation memory compares segments), and the markers with their offsets in it.
    static func lift(_ text: Substring) -> (clean: String, markers: [SegmentMarker]) {
        var clean = ""
        var markers: [SegmentMarker] = []
        var count = 0
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "⟦", let close = text[i...].firstIndex(of: "⟧"), let marker = parse(text[i...close], offset: count) {
                markers.append(marker)
                i = text.index(after: close)
                continue
            }
            if text[i].isWhitespace {
                if clean.last != " " { clean.append(" "); count += 1 }
            } else {
                clean.append(text[i])
                count += 1
            }
            i = text.index(after: i)
        }
        return (clean, markers)
    }

    private static func parse(_ marker: Substring, offset: Int) -> SegmentMarker? {
        var inner = marker.dropFirst().dropLast()
        var role = SegmentMarker.Role.open
        if inner.hasPrefix("/") { role = .close; inner = inner.dropFirst() }
        if inner.hasSuffix("/") {
            guard role == .open else { return nil }
            role = .void
            inner = inner.dropLast()
        }
        guard let number = Int(inner) else { return nil }
        return SegmentMarker(text: String(marker), number: number, role: role, offset: offset)
    }
}
