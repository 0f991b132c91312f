/// A byte trie over the vocabulary as a double array (base + label), built once at load.
/// Walking it is two array reads per byte, which keeps encoding off the profile.
struct PieceTrie: Sendable {
    private var base: [Int32] = [0]
    private var check: [Int32] = [-1]
    private var value: [Int32] = [-1]

    init(_ entries: [(bytes: [UInt8], id: Int)]) {
        let sorted = entries.filter { !$0.bytes.isEmpty }.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        check[0] = 0  // the root is in use
        var nextFree = 1
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
            while nextFree < check.count && check[nextFree] != -1 { nextFree += 1 }
            var b = max(1, nextFree - labels[0].label)
            while true {
                if labels.allSatisfy({ b + $0.label >= check.count || check[b + $0.label] == -1 }) { break }
                b += 1
            }
            let needed = b + labels.last!.label + 1
            if needed > check.count {
                let grow = max(needed, check.count * 2) - check.count
                base += [Int32](repeating: 0, count: grow)
                check += [Int32](repeating: -1, count: grow)
                value += [Int32](repeating: -1, count: grow)
            }
            base[node] = Int32(b)
            for entry in labels {
                check[b + entry.label] = Int32(node)
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
