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

    func testThreadCountIsApplied() {
        let before = BLAS.threads
        BLAS.setThreads(1)
        XCTAssertEqual(BLAS.threads, 1)
        BLAS.setThreads(before)
    }
}
