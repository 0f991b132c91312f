/// A byte trie over the vocabulary as a double array (base + label), built once at load.
/// Walking it is two array reads per byte, which keeps encoding off the profile.
struct PieceTrie: Sendable {
    private var base: [Int32] = [0]
    private var check: [Int32] = [-1]
    private var value: [Int32] = [-1]

    init(_ entries: [(bytes: [UInt8], id: Int)]) {
        let sorted = entries.filter { !$0.bytes.isEmpty }.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        check[0] = 0  // the root is in use
        // `nextFree[i]`: a link towards the first free slot at or after i (union-find with
        // path halving), so placing a node skips used slots instead of rescanning them: a
        // linear scan made building a 32,000-piece vocabulary take seconds.
        var nextFree: [Int32] = [1]
        func firstFree(from start: Int) -> Int {
            var i = start
            while i < nextFree.count && Int(nextFree[i]) != i {
                let parent = Int(nextFree[i])
                if parent < nextFree.count { nextFree[i] = nextFree[parent] }
                i = parent
            }
            return i
        }
        // Iterative depth-first build over ranges of the sorted keys that share a prefix.
        var stack: [(node: Int, lo: Int, hi: Int, depth: Int)] = [(0, 0, sorted.count, 0)]
        while let (node, lo, hi, depth) = stack.popLast() {
            var start = lo
            if start < hi && sorted[start].bytes.count == depth {
                value[node] = Int32(sorted[start].id)
                start += 1
            }
            guard start < hi else { continue }
            var labels: [(label: Int, lo: Int, hi: Int)] = []
            var i = start
            while i < hi {
                let label = Int(sorted[i].bytes[depth])
                var j = i + 1
                while j < hi && Int(sorted[j].bytes[depth]) == label { j += 1 }
                labels.append((label, i, j))
                i = j
            }
            // Candidate bases put the first label on a free slot; the others must be free too.
            let first = labels[0].label
            var slot = firstFree(from: first + 1)
            while !labels.allSatisfy({ slot - first + $0.label >= check.count || check[slot - first + $0.label] == -1 }) {
                slot = firstFree(from: slot + 1)
            }
            let b = slot - first
            let needed = b + labels.last!.label + 1
            if needed > check.count {
                let old = check.count
                let grow = max(needed, check.count * 2) - check.count
                base += [Int32](repeating: 0, count: grow)
                check += [Int32](repeating: -1, count: grow)
                value += [Int32](repeating: -1, count: grow)
                nextFree += (old..<check.count).map { Int32($0) }
            }
            base[node] = Int32(b)
            for entry in labels {
                check[b + entry.label] = Int32(node)
                nextFree[b + entry.label] = Int32(b + entry.label + 1)
            }
            for entry in labels.reversed() {
                stack.append((b + entry.label, entry.lo, entry.hi, depth + 1))
            }
        }
    }

    /// Runs `body` with a scoped walker; nothing of the arrays escapes.
    @inline(__always)
    func withWalker<R>(_ body: (Walker) throws -> R) rethrows -> R {
        try base.withUnsafeBufferPointer { base in
            try check.withUnsafeBufferPointer { check in
                try value.withUnsafeBufferPointer { value in
                    try body(Walker(base: base, check: check, value: value))
                }
            }
        }
    }

    struct Walker {
        let base: UnsafeBufferPointer<Int32>
        let check: UnsafeBufferPointer<Int32>
        let value: UnsafeBufferPointer<Int32>

        /// The child of `node` along `byte`, or nil.
        @inline(__always)
        func child(_ node: Int, _ byte: UInt8) -> Int? {
            let next = Int(base[node]) + Int(byte)
            guard next < check.count, check[next] == Int32(node), next != 0 else { return nil }
            return next
        }

        /// The id stored at `node`, or -1.
        @inline(__always)
        func id(_ node: Int) -> Int { Int(value[node]) }

        /// The id of exactly these bytes, or -1.
        func exact(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
            var node = 0
            for i in range {
                guard let next = child(node, bytes[i]) else { return -1 }
                node = next
            }
            return id(node)
        }
    }

    func exactMatch(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { b in withWalker { $0.exact(b, 0..<b.count) } }
    }
}
