import Foundation

/// Cuts a segment that is too long for the model into clauses, the way a claim is built:
/// at `;`, then `:`, then `, wherein`, then `, and`, then any comma, and only as a last
/// resort at a space. Each cut is made after the punctuation and its following spaces (so
/// "wherein" opens the next piece), nearest the middle of the piece, so the
/// pieces concatenated give back the segment exactly. No cut falls inside a protected span
/// or a placeholder marker.
public struct ClauseSplitter: Sendable {
    /// Boundaries in order of preference; the first kind that can make a piece fit is used.
    static let delimiters: [String] = [";", ":", ", wherein", ", whereby", ", and", ", or", ","]

    public init() {}

    /// Pieces of `text`, each with `cost(piece) <= limit` where any cut can achieve it;
    /// an unbreakable stretch longer than the limit stays whole (the engine then cuts it).
    public func split(_ text: String, limit: Int, protected: [Range<String.Index>] = [],
                      cost: (Substring) -> Int) -> [Substring] {
        var forbidden = protected
        forbidden += markerRanges(in: text)
        var pieces: [Substring] = []
        splitRecursively(text[...], limit: limit, forbidden: forbidden, cost: cost, into: &pieces)
        return pieces
    }

    private func splitRecursively(_ piece: Substring, limit: Int, forbidden: [Range<String.Index>],
                                  cost: (Substring) -> Int, into pieces: inout [Substring]) {
        guard cost(piece) > limit, let cut = bestCut(in: piece, forbidden: forbidden) else {
            pieces.append(piece)
            return
        }
        splitRecursively(piece[..<cut], limit: limit, forbidden: forbidden, cost: cost, into: &pieces)
        splitRecursively(piece[cut...], limit: limit, forbidden: forbidden, cost: cost, into: &pieces)
    }

    /// The allowed cut of the most preferred kind nearest the middle of `piece`.
    private func bestCut(in piece: Substring, forbidden: [Range<String.Index>]) -> String.Index? {
        let middle = piece.utf16.count / 2
        func nearest(_ cuts: [String.Index]) -> String.Index? {
            cuts.min { abs(piece.utf16.distance(from: piece.startIndex, to: $0) - middle) < abs(piece.utf16.distance(from: piece.startIndex, to: $1) - middle) }
        }
        func allowed(_ cut: String.Index) -> Bool {
            cut > piece.startIndex && cut < piece.endIndex && !forbidden.contains { $0.lowerBound < cut && cut < $0.upperBound }
        }
        for delimiter in Self.delimiters {
            var cuts: [String.Index] = []
            var search = piece.startIndex
            while let found = piece[search...].range(of: delimiter) {
                // ", wherein …" starts a clause: cut after the comma, before the word.
                var cut = delimiter.count > 1 ? piece.index(after: found.lowerBound) : found.upperBound
                while cut < piece.endIndex, piece[cut] == " " { cut = piece.index(after: cut) }
                if allowed(cut) { cuts.append(cut) }
                search = found.upperBound
            }
            if let cut = nearest(cuts) { return cut }
        }
        var spaces: [String.Index] = []
        var i = piece.startIndex
        while i < piece.endIndex {
            let next = piece.index(after: i)
            if piece[i] == " ", next < piece.endIndex, piece[next] != " ", allowed(next) { spaces.append(next) }
            i = next
        }
        return nearest(spaces)
    }

    private func markerRanges(in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var search = text.startIndex
        while let open = text[search...].firstIndex(of: "⟦"), let close = text[open...].firstIndex(of: "⟧") {
            ranges.append(open..<text.index(after: close))
            search = text.index(after: close)
        }
        return ranges
    }
}
