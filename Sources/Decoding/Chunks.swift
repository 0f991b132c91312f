import Dispatch

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
    withoutActuallyEscaping(body) { body in
        let work = UncheckedSendable(value: body)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            work.value(chunk * count / chunks ..< (chunk + 1) * count / chunks, chunk)
        }
    }
}

/// Carries the chunk body into Dispatch's `@Sendable` closure: the body captures scoped
/// pointers, which are not `Sendable`; `forEachChunk` keeps the chunks' writes disjoint.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

/// Threads worth using for `logits` logits per step: below about 64K logits, waking a
/// second thread costs more than it saves.
func kernelThreads(_ requested: Int, logits: Int) -> Int {
    logits >= 1 << 16 ? max(1, requested) : 1
}
