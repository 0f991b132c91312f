import Tensor

/// Runs `body(range, chunk)` over `0..<count` cut into at most `threads` contiguous ranges,
/// concurrently when there is more than one. It returns when every chunk is done, so the
/// pointers `body` uses never outlive the caller's `withUnsafe…` scope; chunks must write
/// disjoint memory (the caller's per-chunk scratch is indexed by `chunk`).
func forEachChunk(count: Int, threads: Int, _ body: (Range<Int>, Int) -> Void) {
    let chunks = min(threads, count)
    guard chunks > 1 else {
        body(0..<count, 0)
        return
    }
    ComputePool.run(chunks) { chunk in
        body(chunk * count / chunks ..< (chunk + 1) * count / chunks, chunk)
    }
}

/// Threads worth using for `logits` logits per step: below about 64K logits, waking a
/// second thread costs more than it saves.
func kernelThreads(_ requested: Int, logits: Int) -> Int {
    logits >= 1 << 16 ? max(1, requested) : 1
}
