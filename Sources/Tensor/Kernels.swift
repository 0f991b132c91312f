import CKernels
import Glibc

/// The C kernels of `CKernels` (AVX2 + FMA; AVX-512 VNNI for int8), used when the CPU has them.
public enum Kernels {
    public static let available = pmt_cpu_has_avx2_fma() != 0
    /// AVX-512 VNNI for int8 products (same sums as the AVX2 kernel, fewer instructions);
    /// PMT_DISABLE_VNNI=1 forces the AVX2 kernel (tests compare the two).
    static let vnni = pmt_cpu_has_avx512_vnni() != 0 && getenv("PMT_DISABLE_VNNI") == nil

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

    /// Runs `body(n0, n1)` over `0..<n` cut into up to `threads` column ranges (multiples of
    /// `align`, the last one shorter), concurrently when there is more than one. A product
    /// of `work` multiply-adds is cut only if it is at least `minimumWork`, and only into
    /// ranges each worth more than `minimumPieceWork`.
    static func splitColumns(_ n: Int, align: Int, threads: Int, work: Int, minimumWork: Int = 1 << 17,
                             minimumPieceWork: Int = 0, _ body: (Int, Int) -> Void) {
        var chunks = work >= minimumWork ? min(max(1, threads), max(1, n / align)) : 1
        func per(_ chunks: Int) -> Int { ((n + align - 1) / align + chunks - 1) / chunks * align }
        // The smallest range is the last: n - (chunks - 1) · per.
        while chunks > 1 && (n - (chunks - 1) * per(chunks)) * (work / n) <= minimumPieceWork { chunks -= 1 }
        guard chunks > 1 else {
            body(0, n)
            return
        }
        let size = per(chunks)
        ComputePool.run(chunks) { chunk in
            let n0 = min(n, chunk * size), n1 = chunk == chunks - 1 ? n : min(n, n0 + size)
            if n0 < n1 { body(n0, n1) }
        }
    }

    /// y [m × n] = x [m × k] · wᵀ, w stored [n × k], through `pmt_sgemm_nt`.
    public static func sgemmNT(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                               m: Int, n: Int, k: Int, threads: Int) {
        splitColumns(n, align: 48, threads: threads, work: m * n * k) { n0, n1 in
            pmt_sgemm_nt(x, k, w, k, y, n, m, n0, n1, k, 0)
        }
    }
}
