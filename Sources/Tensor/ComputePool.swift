import CKernels

/// Runs the chunks of one product or one step's per-row work on the pool's helper threads
/// (`pmt_pool_run`), which spin between jobs instead of being woken through the kernel:
/// at one sentence a step is tens of products of tens of microseconds each.
public enum ComputePool {
    /// Calls `body(c)` for every c in 0..<chunks, concurrently, and returns when all are
    /// done, so pointers `body` captures never outlive the caller's scope. Chunks must
    /// write disjoint memory.
    public static func run(_ chunks: Int, _ body: (Int) -> Void) {
        guard chunks > 1 else {
            if chunks == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { task in
                pmt_pool_run(chunks, { context, chunk in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(chunk))
                }, task)
            }
        }
    }
}
