import CKernels
import Dispatch

/// The C kernels of `CKernels` (AVX2 + FMA), used when the CPU has them.
public enum Kernels {
    public static let available = pmt_cpu_has_avx2_fma() != 0

    /// Below this many rows, y = x·wᵀ goes to `pmt_sgemm_nt`, which reads the weights in
    /// place; OpenBLAS repacks the whole weight matrix per call, which dominates there
    /// (measured at 1 and 4 rows: 2–3× faster; at 128 rows OpenBLAS is as fast or faster).
    public static let smallProductRows = 16

    /// Runs `body(n0, n1)` over `0..<n` cut into `threads` column ranges (multiples of
    /// `align`), concurrently when there is more than one and the product is big enough
    /// (`work` multiply-adds) to pay for waking a thread.
    static func splitColumns(_ n: Int, align: Int, threads: Int, work: Int, _ body: (Int, Int) -> Void) {
        let chunks = work >= 1 << 20 ? min(max(1, threads), max(1, n / align)) : 1
        guard chunks > 1 else {
            body(0, n)
            return
        }
        let per = (n / align + chunks - 1) / chunks * align
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendableBox(value: body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let n0 = min(n, chunk * per), n1 = min(n, n0 + per)
                if n0 < n1 { work.value(n0, n1) }
            }
        }
    }

    /// y [m × n] = x [m × k] · wᵀ, w stored [n × k], through `pmt_sgemm_nt`.
    public static func sgemmNT(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                               m: Int, n: Int, k: Int, threads: Int) {
        let yAddress = UInt(bitPattern: y)
        splitColumns(n, align: 48, threads: threads, work: m * n * k) { n0, n1 in
            pmt_sgemm_nt(x, k, w, k, UnsafeMutablePointer<Float>(bitPattern: yAddress)!, n, m, n0, n1, k, 0)
        }
    }
}

/// Carries a closure that captures scoped pointers into Dispatch's `@Sendable` closure; the
/// callers keep the concurrent writes disjoint and wait for them inside the scope.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
}
