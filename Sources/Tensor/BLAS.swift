import CBLAS
import Synchronization

/// Matrix products through OpenBLAS. Single-row products go to `cblas_sgemv`: OpenBLAS
/// does not route M = 1 sgemm to its gemv kernel, and decoding is mostly M = 1.
///
/// OpenBLAS itself always runs single-threaded: a product that deserves several threads is
/// cut into column ranges run on `ComputePool`'s helpers. OpenBLAS's own threads spin with
/// `sched_yield` for a while after each product and then sleep, so between the encoder and
/// the decoder's small products they took CPU from the threads doing the work.
public enum BLAS {
    private static let configuredThreads = Atomic<Int>(1)
    /// The size up to which OpenBLAS may choose its small-matrix kernels (M·N·K ≤ 100³).
    static let smallMatrixWork = 1_000_000

    /// Set once: OpenBLAS never gets more than one thread.
    static let keepOpenBLASSingleThreaded: Void = openblas_set_num_threads(1)

    /// Threads one product may use.
    public static func setThreads(_ count: Int) {
        keepOpenBLASSingleThreaded
        configuredThreads.store(max(1, count), ordering: .relaxed)
    }

    public static var threads: Int { configuredThreads.load(ordering: .relaxed) }

    /// C = alpha · A · op(B) + beta · C, where A is M×K, op(B) is K×N (B is N×K when
    /// `transposeB`, the layout of linear-layer weights), all row-major.
    public static func gemm(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>,
        m: Int, n: Int, k: Int, transposeB: Bool, alpha: Float = 1, beta: Float = 0
    ) {
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n, "gemm operands too small for \(m)×\(k)·\(k)×\(n)")
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        if transposeB && beta == 0 && Kernels.prefersInPlaceProduct(m: m, n: n, k: k) {
            Kernels.sgemmNT(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k, threads: threads)
            if alpha != 1 { for i in 0..<(m * n) { c[i] *= alpha } }
        } else if transposeB && beta == 0 && alpha == 1 && OpenBLASOrder.rows.contains(m) && m * n * k > smallMatrixWork,
                  let blocking = OpenBLASOrder.blocking {
            OpenBLASOrder.product(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k, threads: threads, blocking: blocking)
        } else if m == 1 {
            // y = op(B)ᵀ-shaped product: with B stored N×K (transposed) y = B·x, else y = Bᵀ·x.
            cblas_sgemv(
                CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans,
                Int32(transposeB ? n : k), Int32(transposeB ? k : n),
                alpha, b.baseAddress, Int32(transposeB ? k : n),
                a.baseAddress, 1, beta, c.baseAddress, 1)
        } else {
            // Columns [n0, n1) of C need columns [n0, n1) of op(B): rows n0… of B stored
            // N×K, else columns n0… of B stored K×N. OpenBLAS sums products of at most
            // 100³ multiply-adds in another order (its small-matrix kernels), so a cut
            // never makes a piece that small: the sums stay those of one call.
            Kernels.splitColumns(n, align: 64, threads: threads, work: m * n * k,
                                 minimumPieceWork: BLAS.smallMatrixWork) { n0, n1 in
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n1 - n0), Int32(k), alpha,
                    a.baseAddress, Int32(k), b.baseAddress! + (transposeB ? n0 * k : n0), Int32(transposeB ? k : n),
                    beta, c.baseAddress! + n0, Int32(n))
            }
        }
    }
}

extension Tensor {
    /// self (M×K) · other (K×N), or self · otherᵀ when `transposeOther` (other is N×K).
    public func matmul(_ other: Tensor, transposeOther: Bool = false) -> Tensor {
        let (m, k) = matrixShape
        let (r, s) = other.matrixShape
        let n = transposeOther ? r : s
        precondition((transposeOther ? s : r) == k, "matmul: inner dimensions differ (\(shape) · \(other.shape))")
        var result = Tensor(shape: Array(shape.dropLast()) + [n])
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                result.storage.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(a, b, into: c, m: m, n: n, k: k, transposeB: transposeOther)
                }
            }
        }
        return result
    }
}

extension BLAS {
    /// C = alpha · A · op(B) + beta · C over strided row-major views (leading dimensions
    /// lda, ldb, ldc), for attention over heads laid side by side in wider rows.
    public static func gemm(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int,
        m: Int, n: Int, k: Int, transposeB: Bool, alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y = alpha · op(A) · x + beta · y with A an [m × n] strided row-major view.
    public static func gemv(
        _ a: UnsafePointer<Float>, lda: Int, m: Int, n: Int, transpose: Bool,
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
}
