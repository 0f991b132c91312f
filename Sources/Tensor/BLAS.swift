import CBLAS

/// Matrix products through OpenBLAS. Single-row products go to `cblas_sgemv`: OpenBLAS
/// does not route M = 1 sgemm to its gemv kernel, and decoding is mostly M = 1.
public enum BLAS {
    /// Threads OpenBLAS may use for one product.
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    public static var threads: Int { Int(openblas_get_num_threads()) }

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
        } else if m == 1 {
            // y = op(B)ᵀ-shaped product: with B stored N×K (transposed) y = B·x, else y = Bᵀ·x.
            cblas_sgemv(
                CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans,
                Int32(transposeB ? n : k), Int32(transposeB ? k : n),
                alpha, b.baseAddress, Int32(transposeB ? k : n),
                a.baseAddress, 1, beta, c.baseAddress, 1)
        } else {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a.baseAddress, Int32(k), b.baseAddress, Int32(transposeB ? k : n),
                beta, c.baseAddress, Int32(n))
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
