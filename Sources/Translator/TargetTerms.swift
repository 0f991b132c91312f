import Decoding
import SentencePiece
import Transformer

/// One line's target terms (one entry per occurrence in the source) as search constraints.
///
/// A term is cut by the target SentencePiece model on its own, as a separate word: with
/// the model's dummy prefix, so "정부" becomes `▁정부`, the form it takes after a space
/// inside a sentence (and at its start). A term glued to the word before it (no space in
/// the output) is therefore not what is forced; Korean terms stand as words, so this is
/// the form wanted. Pieces map to ids through the model's target vocabulary; a piece the
/// vocabulary lacks is forced as `<unk>`, and the term's own text is put back in its place
/// when the output is detokenized (`restore`).
struct TargetTerms {
    struct Term {
        let ids: [Int32]
        /// The term's pieces as SentencePiece wrote them (the surface for unknown ones).
        let pieces: [String]
        let hasUnknown: Bool
    }

    /// Distinct id sequences in first-seen order (what the search merges and reports on).
    let terms: [Term]
    let counts: [Int]
    /// Per given occurrence: its term (index into `terms`), or nil for a term that encodes
    /// to no piece.
    let occurrence: [Int?]

    init(_ texts: [String], pieces: SentencePieceProcessor, vocabulary: Vocabulary, unknown: Int32) {
        var terms: [Term] = [], counts: [Int] = [], occurrence: [Int?] = []
        var index: [[Int32]: Int] = [:]
        for text in texts {
            let tokens = pieces.encode(text)
            guard !tokens.isEmpty else {
                occurrence.append(nil)
                continue
            }
            let ids = tokens.map { vocabulary.id(of: $0.pieceString).map(Int32.init) ?? unknown }
            if let k = index[ids] {
                counts[k] += 1
                occurrence.append(k)
            } else {
                index[ids] = terms.count
                occurrence.append(terms.count)
                terms.append(Term(ids: ids, pieces: tokens.map(\.pieceString), hasUnknown: ids.contains(unknown)))
                counts.append(1)
            }
        }
        self.terms = terms
        self.counts = counts
        self.occurrence = occurrence
    }

    var constraints: [TokenConstraint] { zip(terms, counts).map { TokenConstraint(tokens: $0.ids, count: $1) } }

    /// Per given occurrence, whether the hypothesis has it: the k-th occurrence of a term is
    /// met when the search met the term at least k + 1 times.
    func met(_ hypothesis: Hypothesis) -> [Bool] {
        var seen = [Int](repeating: 0, count: terms.count)
        return occurrence.map { k in
            guard let k else { return false }
            seen[k] += 1
            return k < hypothesis.constraintsMet.count && seen[k] <= hypothesis.constraintsMet[k]
        }
    }

    /// `pieces` (the hypothesis's target pieces) with each forced term that holds `<unk>`
    /// spelled as the term's own pieces again, at its first met occurrences left to right.
    func restore(_ pieces: [String], ids: [Int32], met: [Int]) -> [String] {
        var pieces = pieces
        for (k, term) in terms.enumerated() where term.hasUnknown && k < met.count {
            var left = met[k], i = 0
            while left > 0 && i + term.ids.count <= ids.count {
                if ids[i..<(i + term.ids.count)].elementsEqual(term.ids) {
                    pieces.replaceSubrange(i..<(i + term.ids.count), with: term.pieces)
                    left -= 1
                    i += term.ids.count
                } else {
                    i += 1
                }
            }
        }
        return pieces
    }
}
