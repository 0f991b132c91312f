/// BPE segmentation as the reference does it: characters (user-defined symbols frozen as
/// one), then repeatedly the best-scoring adjacent pair that is a piece, ties to the
/// leftmost; unused pieces are split back into the pair that formed them.
struct BPESegmenter: Sendable {
    let vocabulary: Vocabulary
    let normalizer: Normalizer

    func segment(_ text: UnsafeBufferPointer<UInt8>) -> [(Range<Int>, Int)] {
        guard text.count > 0 else { return [] }
        return vocabulary.trie.withWalker { walker in
            vocabulary.scores.withUnsafeBufferPointer { scores in
                vocabulary.types.withUnsafeBufferPointer { types in
                    var merges = BPEMerges(text: text, walker: walker, scores: scores, types: types)
                    merges.split(normalizer)
                    merges.run()
                    return merges.output(vocabulary)
                }
            }
        }
    }
}

/// The working state of one BPE segmentation. A value type whose methods mutate it, so
/// the hot loop carries no dynamic exclusivity checks.
private struct BPEMerges {
    struct Symbol {
        var previous: Int
        var next: Int
        var frozen: Bool
        var start: Int
        var length: Int
        /// The trie node reached by this symbol's bytes, or -1: a pair is then looked up
        /// by walking only the right symbol's bytes.
        var node: Int
    }

    let text: UnsafeBufferPointer<UInt8>
    let walker: PieceTrie.Walker
    let scores: UnsafeBufferPointer<Float>
    let types: UnsafeBufferPointer<ModelProto.PieceType>
    var symbols: [Symbol] = []
    var heap = PairHeap()
    /// For unused pieces: where the pair that last formed them split, keyed by content as
    /// in the reference.
    var formedFrom: [[UInt8]: Int] = [:]

    init(text: UnsafeBufferPointer<UInt8>, walker: PieceTrie.Walker, scores: UnsafeBufferPointer<Float>, types: UnsafeBufferPointer<ModelProto.PieceType>) {
        self.text = text
        self.walker = walker
        self.scores = scores
        self.types = types
    }

    private func walk(from node: Int, _ range: Range<Int>) -> Int {
        guard node >= 0 else { return -1 }
        var current = node
        for i in range {
            guard let next = walker.child(current, text[i]) else { return -1 }
            current = next
        }
        return current
    }

    mutating func split(_ normalizer: Normalizer) {
        symbols.reserveCapacity(text.count)
        var position = 0
        while position < text.count {
            let user = normalizer.userSymbolLength(text, from: position, to: text.count)
            let length = user > 0 ? user : min(text.count - position, UTF8Scan.leadLength(text[position]))
            let index = symbols.count
            symbols.append(Symbol(previous: index - 1, next: position + length < text.count ? index + 1 : -1,
                                  frozen: user > 0, start: position, length: length,
                                  node: walk(from: 0, position..<(position + length))))
            position += length
        }
    }

    private mutating func consider(_ left: Int, _ right: Int) {
        guard left >= 0, right >= 0, !symbols[left].frozen, !symbols[right].frozen else { return }
        let r = symbols[right]
        let node = walk(from: symbols[left].node, r.start..<(r.start + r.length))
        guard node >= 0 else { return }
        let id = walker.id(node)
        guard id >= 0 else { return }
        let start = symbols[left].start
        let size = symbols[left].length + r.length
        heap.push(PairHeap.Pair(left: Int32(left), right: Int32(right), score: scores[id], size: Int32(size), node: Int32(node)))
        if types[id] == .unused {
            formedFrom[Array(text[start..<(start + size)])] = symbols[left].length
        }
    }

    mutating func run() {
        for i in 1..<symbols.count { consider(i - 1, i) }
        while let top = heap.pop() {
            let l = Int(top.left), r = Int(top.right)
            let left = symbols[l], right = symbols[r]
            guard left.length > 0, right.length > 0, left.length + right.length == Int(top.size) else { continue }
            symbols[l].length += right.length
            symbols[l].node = Int(top.node)
            symbols[l].next = right.next
            if right.next >= 0 { symbols[right.next].previous = l }
            symbols[r].length = 0
            consider(symbols[l].previous, l)
            consider(l, symbols[l].next)
        }
    }

    func output(_ vocabulary: Vocabulary) -> [(Range<Int>, Int)] {
        var result: [(Range<Int>, Int)] = []
        result.reserveCapacity(symbols.count)
        var index = 0
        while index != -1 {
            let symbol = symbols[index]
            emit(symbol.start..<(symbol.start + symbol.length), vocabulary, into: &result)
            index = symbol.next
        }
        return result
    }

    private func emit(_ range: Range<Int>, _ vocabulary: Vocabulary, into result: inout [(Range<Int>, Int)]) {
        let id = vocabulary.pieceToID(text, range, walker)
        if types[id] == .unused, !formedFrom.isEmpty, let split = formedFrom[Array(text[range])] {
            emit(range.lowerBound..<(range.lowerBound + split), vocabulary, into: &result)
            emit((range.lowerBound + split)..<range.upperBound, vocabulary, into: &result)
            return
        }
        result.append((range, id))
    }
}

/// A binary heap with exactly the push and pop of libstdc++'s `std::priority_queue`, so
/// equal-priority pairs come out in the same order as in the reference: highest score
/// first, ties to the leftmost pair.
struct PairHeap {
    struct Pair {
        var left: Int32
        var right: Int32
        var score: Float
        var size: Int32
        var node: Int32
    }

    private var items: [Pair] = []

    @inline(__always)
    private static func less(_ a: Pair, _ b: Pair) -> Bool {
        a.score < b.score || (a.score == b.score && a.left > b.left)
    }

    mutating func push(_ value: Pair) {
        items.append(value)
        items.withUnsafeMutableBufferPointer { Self.siftUp($0, hole: $0.count - 1, value: value) }
    }

    @inline(__always)
    private static func siftUp(_ items: UnsafeMutableBufferPointer<Pair>, hole start: Int, value: Pair) {
        var hole = start
        var parent = (hole - 1) / 2
        while hole > 0 && less(items[parent], value) {
            items[hole] = items[parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        items[hole] = value
    }

    mutating func pop() -> Pair? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        return items.withUnsafeMutableBufferPointer { items in
            let first = items[0]
            // libstdc++ __adjust_heap: move the hole down to a leaf, then sift `last` up.
            let length = items.count
            var hole = 0
            var child = 0
            while child < (length - 1) / 2 {
                child = 2 * (child + 1)
                if Self.less(items[child], items[child - 1]) { child -= 1 }
                items[hole] = items[child]
                hole = child
            }
            if length & 1 == 0 && child == (length - 2) / 2 {
                child = 2 * (child + 1)
                items[hole] = items[child - 1]
                hole = child - 1
            }
            Self.siftUp(items, hole: hole, value: last)
            return first
        }
    }
}
