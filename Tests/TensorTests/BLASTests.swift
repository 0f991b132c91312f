import CBLAS
import XCTest
@testable import Tensor

/// Products through OpenBLAS checked against a direct triple loop in Double.
final class BLASTests: XCTestCase {
    private func random(_ shape: [Int], seed: inout UInt64) -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { _ -> Float in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: seed >> 11) % 2001) / 1000 - 1
        }
        return Tensor(shape: shape, storage: values)
    }

    private func direct(_ a: Tensor, _ b: Tensor, transposeB: Bool) -> [Double] {
        let (m, k) = a.matrixShape
        let n = transposeB ? b.matrixShape.rows : b.matrixShape.columns
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let bv = transposeB ? b.storage[j * k + p] : b.storage[p * n + j]
                    sum += Double(a.storage[i * k + p]) * Double(bv)
                }
                out[i * n + j] = sum
            }
        }
        return out
    }

    private func assertClose(_ got: Tensor, _ want: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, file: file, line: line)
        for (g, w) in zip(got.storage, want) {
            XCTAssertEqual(Double(g), w, accuracy: 1e-4 * max(1, abs(w)), file: file, line: line)
        }
    }

    func testGemmMatchesDirectProduct() {
        var seed: UInt64 = 42
        for (m, k, n) in [(7, 13, 5), (64, 32, 48), (3, 1, 9)] {
            let a = random([m, k], seed: &seed)
            let b = random([k, n], seed: &seed)
            assertClose(a.matmul(b), direct(a, b, transposeB: false))
            let bt = random([n, k], seed: &seed)
            assertClose(a.matmul(bt, transposeOther: true), direct(a, bt, transposeB: true))
        }
    }

    func testSingleRowGoesThroughGemvAndMatches() {
        var seed: UInt64 = 7
        let x = random([1, 33], seed: &seed)
        let w = random([17, 33], seed: &seed)
        assertClose(x.matmul(w, transposeOther: true), direct(x, w, transposeB: true))
        let v = random([33, 17], seed: &seed)
        assertClose(x.matmul(v), direct(x, v, transposeB: false))
    }

    func testLeadingDimensionsFoldIntoRows() {
        var seed: UInt64 = 3
        let a = random([2, 3, 4], seed: &seed)
        let b = random([4, 5], seed: &seed)
        let c = a.matmul(b)
        XCTAssertEqual(c.shape, [2, 3, 5])
        assertClose(c, direct(a.reshaped([6, 4]), b, transposeB: false))
    }

    private func differences(_ x: [Float], _ y: [Float]) -> Int {
        zip(x, y).filter { $0.bitPattern != $1.bitPattern }.count
    }

    /// Where the chain kernel stands in for OpenBLAS (5–64 rows, above the small-matrix
    /// size), products equal OpenBLAS's own bit for bit, at every row count and with k
    /// lengths whose blocks differ.
    func testChainKernelProductsEqualOpenBLAS() throws {
        guard let blocking = OpenBLASOrder.blocking else {
            throw XCTSkip("the chain kernel does not reproduce OpenBLAS on this CPU (or no AVX-512): OpenBLAS is used")
        }
        let before = BLAS.threads
        defer { BLAS.setThreads(before) }
        var seed: UInt64 = 19
        for (m, k, n) in [(5, 512, 1536), (16, 512, 2048), (17, 2048, 512), (33, 1000, 300), (64, 512, 32000 / 8), (47, 4096, 100)] {
            let a = random([m, k], seed: &seed)
            let bt = random([n, k], seed: &seed)
            var reference = [Float](repeating: 0, count: m * n)
            openblas_set_num_threads(1)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a.storage, Int32(k), bt.storage, Int32(k), 0, &reference, Int32(n))
            for threads in [1, 2] {
                BLAS.setThreads(threads)
                let product = a.matmul(bt, transposeOther: true)
                XCTAssertEqual(differences(product.storage, reference), 0,
                               "\(m)×\(k)·(\(n)×\(k))ᵀ on \(threads) threads, blocks of \(blocking.q) (unit \(blocking.unit))")
            }
        }
    }

    /// Products big enough to be cut into column ranges give bit for bit what one call
    /// gives, on every path: the in-place kernel (3 rows, transposed weights), the chain
    /// kernel or OpenBLAS (37 and 5 rows), OpenBLAS (128 and 70 rows, and every
    /// non-transposed product). The 3 × 512 · 512 × 1536 product is the one that fails when
    /// a cut makes pieces under OpenBLAS's small-matrix size (its thirds, 3 × 512 × 512, are
    /// summed by the small-matrix kernels): outputs never depend on the thread count.
    func testColumnSplitProductsEqualTheOneThreadProduct() {
        let before = BLAS.threads
        defer { BLAS.setThreads(before) }
        var seed: UInt64 = 11
        for (m, k, n) in [(3, 512, 1536), (37, 512, 2048), (128, 512, 1000), (5, 2048, 517), (70, 120, 128)] {
            let a = random([m, k], seed: &seed)
            let bt = random([n, k], seed: &seed)
            let b = random([k, n], seed: &seed)
            BLAS.setThreads(1)
            let oneT = a.matmul(bt, transposeOther: true), one = a.matmul(b)
            for threads in [2, 3] {
                BLAS.setThreads(threads)
                XCTAssertEqual(BLAS.threads, threads)
                XCTAssertEqual(openblas_get_num_threads(), 1, "OpenBLAS must stay single-threaded")
                XCTAssertEqual(differences(a.matmul(bt, transposeOther: true).storage, oneT.storage), 0, "\(m)×\(k)·(\(n)×\(k))ᵀ on \(threads) threads")
                XCTAssertEqual(differences(a.matmul(b).storage, one.storage), 0, "\(m)×\(k)·\(k)×\(n) on \(threads) threads")
            }
            if m <= 5 { assertClose(oneT, direct(a, bt, transposeB: true)) }
        }
    }
}

final class ComputePoolTests: XCTestCase {
    func testEveryChunkRunsOnceAndConcurrentCallersAllFinish() {
        for chunks in [0, 1, 2, 5] {
            var hits = [Int](repeating: 0, count: chunks)
            hits.withUnsafeMutableBufferPointer { hits in
                ComputePool.run(chunks) { hits[$0] += 1 }
            }
            XCTAssertEqual(hits, [Int](repeating: 1, count: chunks), "\(chunks) chunks")
        }
        // Callers on several threads at once: one gets the helpers, the others run inline.
        let sums = ResultBox(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { caller in
            var parts = [Int](repeating: 0, count: 4)
            for _ in 0..<200 {
                parts.withUnsafeMutableBufferPointer { parts in
                    ComputePool.run(4) { parts[$0] += $0 + 1 }
                }
            }
            sums.set(caller, parts.reduce(0, +))
        }
        XCTAssertEqual(sums.values, [Int](repeating: 200 * 10, count: 8))
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int]
    init(count: Int) { stored = [Int](repeating: 0, count: count) }
    func set(_ i: Int, _ v: Int) { lock.lock(); stored[i] = v; lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return stored }
}
