/// BPE segmentation as the reference does it: characters (user-defined symbols frozen as
/// one), then repeatedly the best-scoring adjacent pair that is a piece, ties to the
/// leftmost; unused pieces are split back into the pair that formed them.
struct BPESegmenter: Sendable {
    let vocabulary: Vocabulary
    let normalizer: Normalizer

    private struct Symbol {
        var previous: Int
        var next: Int
        var frozen: Bool
        var start: Int
        var length: Int
    }

    private struct Pair {
        var left: Int
        var right: Int
        var score: Float
        var size: Int
    }

    func segment(_ text: UnsafeBufferPointer<UInt8>) -> [(Range<Int>, Int)] {
        let size = text.count
        guard size > 0 else { return [] }
        var symbols: [Symbol] = []
        symbols.reserveCapacity(size)
        var position = 0
        while position < size {
            let user = normalizer.userSymbolLength(text, from: position, to: size)
            let length = user > 0 ? user : min(size - position, UTF8Scan.leadLength(text[position]))
            let index = symbols.count
            symbols.append(Symbol(previous: index - 1, next: position + length < size ? index + 1 : -1,
                                  frozen: user > 0, start: position, length: length))
            position += length
        }

        var heap = MergeHeap<Pair> { a, b in a.score < b.score || (a.score == b.score && a.left > b.left) }
        // For unused pieces: where the pair that last formed them split, keyed by content
        // as in the reference, to split them back.
        var formedFrom: [[UInt8]: Int] = [:]
        vocabulary.trie.withWalker { walker in
            func consider(_ left: Int, _ right: Int) {
                guard left >= 0, right >= 0, !symbols[left].frozen, !symbols[right].frozen else { return }
                let start = symbols[left].start
                let length = symbols[left].length + symbols[right].length
                let id = walker.exact(text, start..<(start + length))
                guard id >= 0 else { return }
                heap.push(Pair(left: left, right: right, score: vocabulary.scores[id], size: length))
                if vocabulary.types[id] == .unused {
                    formedFrom[Array(text[start..<(start + length)])] = symbols[left].length
                }
            }
            for i in 1..<symbols.count { consider(i - 1, i) }
            while let top = heap.pop() {
                let left = symbols[top.left], right = symbols[top.right]
                guard left.length > 0, right.length > 0, left.length + right.length == top.size else { continue }
                symbols[top.left].length += right.length
                symbols[top.left].next = right.next
                if right.next >= 0 { symbols[right.next].previous = top.left }
                symbols[top.right].length = 0
                consider(symbols[top.left].previous, top.left)
                consider(top.left, symbols[top.left].next)
            }
        }

        var result: [(Range<Int>, Int)] = []
        vocabulary.trie.withWalker { walker in
            func emit(_ range: Range<Int>) {
                let id = vocabulary.pieceToID(text, range, walker)
                if vocabulary.types[id] == .unused, !formedFrom.isEmpty, let split = formedFrom[Array(text[range])] {
                    emit(range.lowerBound..<(range.lowerBound + split))
                    emit((range.lowerBound + split)..<range.upperBound)
                    return
                }
                result.append((range, id))
            }
            var index = 0
            while index != -1 {
                let symbol = symbols[index]
                emit(symbol.start..<(symbol.start + symbol.length))
                index = symbol.next
            }
        }
        return result
    }
}

/// A binary heap with exactly the push and pop of libstdc++'s `std::priority_queue`, so
/// equal-priority entries come out in the same order as in the reference.
struct MergeHeap<Element> {
    private var items: [Element] = []
    private let less: (Element, Element) -> Bool

    init(less: @escaping (Element, Element) -> Bool) { self.less = less }

    mutating func push(_ value: Element) {
        items.append(value)
        siftUp(hole: items.count - 1, top: 0, value: value)
    }

    private mutating func siftUp(hole start: Int, top: Int, value: Element) {
        var hole = start
        var parent = (hole - 1) / 2
        while hole > top && less(items[parent], value) {
            items[hole] = items[parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        items[hole] = value
    }

    mutating func pop() -> Element? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        // libstdc++ __adjust_heap: move the hole down to a leaf, then sift `last` up.
        let length = items.count
        var hole = 0
        var child = 0
        while child < (length - 1) / 2 {
            child = 2 * (child + 1)
            if less(items[child], items[child - 1]) { child -= 1 }
            items[hole] = items[child]
            hole = child
        }
        if length & 1 == 0 && child == (length - 2) / 2 {
            child = 2 * (child + 1)
            items[hole] = items[child - 1]
            hole = child - 1
        }
        siftUp(hole: hole, top: 0, value: last)
        return first
    }
}
