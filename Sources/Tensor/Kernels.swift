import CKernels
import Dispatch

/// The C kernels of `CKernels` (AVX2 + FMA), used when the CPU has them.
public enum Kernels {
    public static let available = pmt_cpu_has_avx2_fma() != 0

    /// Whether y = x·wᵀ ([m × k] · [n × k]ᵀ) goes to `pmt_sgemm_nt`, which reads the weights
    /// in place, rather than to OpenBLAS. Only single rows do (greedy decoding of one
    /// sentence, the first step of a one-sentence beam): there it is 2–3× faster than
    /// OpenBLAS's gemv (measured 5.3–6.2 vs 2.2–2.4 GFLOP/s at 1 × 32000 × 512) and sums in
    /// a gemv's order. From two rows on OpenBLAS's sgemm stays, because the parity tests
    /// against CTranslate2 hinge on its summation order: kernels that sum in another order
    /// (in place with 8 lanes; prepacked with one FMA chain per output, which was faster
    /// than OpenBLAS at 32–128 rows: 47–59 vs 38–42 GFLOP/s at 32 × 32000 × 512) flip a
    /// near-tie of the NLLB fixture's beam search.
    public static func prefersInPlaceProduct(m: Int, n: Int, k: Int) -> Bool {
        available && m == 1
    }

    /// Runs `body(n0, n1)` over `0..<n` cut into `threads` column ranges (multiples of
    /// `align`), concurrently when there is more than one and the product is big enough
    /// (`work` multiply-adds) to pay for waking a thread.
    static func splitColumns(_ n: Int, align: Int, threads: Int, work: Int, _ body: (Int, Int) -> Void) {
        let chunks = work >= 1 << 20 ? min(max(1, threads), max(1, n / align)) : 1
        guard chunks > 1 else {
            body(0, n)
            return
        }
        let blocks = (n + align - 1) / align
        let per = (blocks + chunks - 1) / chunks * align
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendableBox(value: body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let n0 = min(n, chunk * per), n1 = chunk == chunks - 1 ? n : min(n, n0 + per)
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
