import CKernels
import Glibc

/// The C kernels of `CKernels` (AVX2 + FMA; AVX-512 VNNI for int8), used when the CPU has them.
public enum Kernels {
    public static let available = pmt_cpu_has_avx2_fma() != 0
    /// AVX-512 VNNI for int8 products (same sums as the AVX2 kernel, fewer instructions);
    /// PMT_DISABLE_VNNI=1 forces the AVX2 kernel (to compare the two on one machine).
    static let vnni = pmt_cpu_has_avx512_vnni() != 0 && getenv("PMT_DISABLE_VNNI") == nil

    /// Whether y = x·wᵀ ([m × k] · [n × k]ᵀ) goes to `pmt_sgemm_nt`, which reads the weights
    /// in place, rather than to OpenBLAS, which packs the whole weight matrix on every call.
    /// Up to four rows do (greedy on one sentence, a one-sentence beam of 4, the last
    /// hypotheses of a batch): 5.3–6.2 vs 2.2–2.4 GFLOP/s at 1 × 32000 × 512. The kernel
    /// sums in its own order, and for every row count that flips a near-tie of the NLLB
    /// fixture's CTranslate2 parity; up to four rows keeps every parity test green. From five
    /// rows the sums are OpenBLAS's (`OpenBLASOrder` or OpenBLAS itself).
    public static func prefersInPlaceProduct(m: Int, n: Int, k: Int) -> Bool {
        available && m <= 4
    }

    /// Runs `body(n0, n1)` over `0..<n` cut into up to `threads` column ranges (multiples of
    /// `align`, the last one shorter), concurrently when there is more than one. A product
    /// of `work` multiply-adds is cut only from 2¹⁷ on (below, handing half to a helper
    /// costs more than it saves), and only into ranges each worth more than
    /// `minimumPieceWork`.
    static func splitColumns(_ n: Int, align: Int, threads: Int, work: Int, minimumPieceWork: Int = 0,
                             _ body: (Int, Int) -> Void) {
        var chunks = work >= 1 << 17 ? min(max(1, threads), max(1, n / align)) : 1
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
