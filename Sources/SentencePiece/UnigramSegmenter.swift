/// Viterbi segmentation of a unigram model, as the reference's optimized encoder: one
/// best path per end position, user-defined symbols scored to always win, and an unknown
/// piece (min score − 10) wherever no single-character piece exists.
struct UnigramSegmenter: Sendable {
    let vocabulary: Vocabulary

    private struct Best {
        var id: Int32 = -1
        var score: Float = 0
        var start: Int32 = -1
    }

    /// (byte range in `normalized`, id) for each piece, in order.
    func segment(_ normalized: UnsafeBufferPointer<UInt8>) -> [(Range<Int>, Int)] {
        let size = normalized.count
        guard size > 0 else { return [] }
        let unknownScore = vocabulary.minScore - 10
        let userScale = Double(vocabulary.maxScore)
        let unkID = Int32(vocabulary.unkID)
        var best = [Best](repeating: Best(), count: size + 1)
        best.withUnsafeMutableBufferPointer { best in
            vocabulary.types.withUnsafeBufferPointer { types in
                vocabulary.scores.withUnsafeBufferPointer { scores in
                    vocabulary.trie.withWalker { walker in
                        var start = 0
                        while start < size {
                            let here = best[start].score
                            let charLength = min(UTF8Scan.leadLength(normalized[start]), size - start)
                            var hasSingle = false
                            var node = 0
                            var position = start
                            while position < size, let next = walker.child(node, normalized[position]) {
                                node = next
                                position += 1
                                let id = walker.id(node)
                                guard id >= 0 else { continue }
                                let type = types[id]
                                if type == .unused { continue }
                                let length = position - start
                                let score: Float = type == .userDefined ? Float(Double(length) * userScale - 0.1) : scores[id]
                                let candidate = score + here
                                if best[position].start == -1 || candidate > best[position].score {
                                    best[position] = Best(id: Int32(id), score: candidate, start: Int32(start))
                                }
                                if length == charLength { hasSingle = true }
                            }
                            if !hasSingle {
                                let candidate = unknownScore + here
                                let target = start + charLength
                                if best[target].start == -1 || candidate > best[target].score {
                                    best[target] = Best(id: unkID, score: candidate, start: Int32(start))
                                }
                            }
                            start += charLength
                        }
                    }
                }
            }
        }
        var result: [(Range<Int>, Int)] = []
        var end = size
        while end > 0 {
            let node = best[end]
            let start = Int(node.start)
            result.append((start..<end, Int(node.id)))
            end = start
        }
        result.reverse()
        return result
    }
}
