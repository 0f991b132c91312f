import CKernels
import XCTest
@testable import Tensor

/// The C kernels (single-row products read in place, int8 products) against direct sums in
/// Double, on one thread and split over two (column ranges that are not multiples of the
/// split's alignment included: the last columns must be computed too).
final class KernelsTests: XCTestCase {
    private func random(_ count: Int, seed: inout UInt64, scale: Float = 1) -> [Float] {
        (0..<count).map { _ -> Float in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return (Float(Int64(bitPattern: seed >> 11) % 2001) / 1000 - 1) * scale
        }
    }

    /// y[i][j] = Σ_k x[i][k] · w[j][k] in Double.
    private func direct(_ x: [Float], _ w: [Float], m: Int, n: Int, k: Int) -> [Double] {
        var y = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(x[i * k + p]) * Double(w[j * k + p]) }
                y[i * n + j] = sum
            }
        }
        return y
    }

    func testSingleRowProductOnOneAndTwoThreads() throws {
        try XCTSkipUnless(Kernels.available, "no AVX2/FMA")
        var seed: UInt64 = 7
        for (n, k) in [(32000, 64), (1001, 37), (97, 512), (5, 3)] {
            let x = random(k, seed: &seed), w = random(n * k, seed: &seed)
            let want = direct(x, w, m: 1, n: n, k: k)
            for threads in [1, 2] {
                var y = [Float](repeating: .nan, count: n)
                x.withUnsafeBufferPointer { x in
                    w.withUnsafeBufferPointer { w in
                        y.withUnsafeMutableBufferPointer { y in
                            // Large enough to split: the work threshold is 2^20 multiply-adds.
                            Kernels.sgemmNT(x.baseAddress!, w.baseAddress!, y.baseAddress!, m: 1, n: n, k: k, threads: threads)
                        }
                    }
                }
                for j in 0..<n {
                    XCTAssertEqual(Double(y[j]), want[j], accuracy: 1e-4 * max(1, abs(want[j])), "n \(n) k \(k) threads \(threads) column \(j)")
                }
            }
        }
    }

    func testInt8ProductIsCloseToTheFloatProduct() throws {
        try XCTSkipUnless(Kernels.available, "no AVX2/FMA")
        var seed: UInt64 = 11
        for (m, n, k) in [(3, 2050, 512), (1, 777, 100), (9, 64, 33)] {
            let x = random(m * k, seed: &seed), w = random(n * k, seed: &seed, scale: 0.05)
            let want = direct(x, w, m: m, n: n, k: k)
            let q = QuantizedMatrix(Tensor(shape: [n, k], storage: w))
            // Symmetric per-row quantization of both sides: each product is off by at most
            // half a step of each scale, so the sum is within k·(|x|max·|w|max)/127 of the truth.
            let bound = Double(k) * 0.05 / 127 * 1.01
            for threads in [1, 2] {
                var y = [Float](repeating: .nan, count: m * n)
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeMutableBufferPointer { y in q.product(x.baseAddress!, m: m, into: y.baseAddress!, threads: threads) }
                }
                var worst = 0.0
                for i in 0..<(m * n) { worst = max(worst, abs(Double(y[i]) - want[i])) }
                XCTAssertLessThan(worst, bound, "m \(m) n \(n) k \(k) threads \(threads)")
                XCTAssertFalse(y.contains { $0.isNaN }, "every output written (m \(m) n \(n) threads \(threads))")
            }
        }
    }

    /// Both int8 kernels (AVX2, and AVX-512 VNNI where the CPU has it) give exactly
    /// Float(Σ qx·qw) / (sx·sw) with the integer sum done here: outputs never depend on
    /// the kernel. Sizes cover VNNI's 32-byte tail (ldq 96) and partial 4 × 4 blocks.
    func testInt8KernelsGiveTheExactIntegerSums() throws {
        try XCTSkipUnless(Kernels.available, "no AVX2/FMA")
        var seed: UInt64 = 5
        for (m, n, k) in [(5, 131, 96), (4, 64, 512), (1, 7, 33), (7, 70, 2048)] {
            let x = random(m * k, seed: &seed), w = random(n * k, seed: &seed, scale: 0.1)
            let qw = QuantizedMatrix(Tensor(shape: [n, k], storage: w))
            let qx = QuantizedMatrix(Tensor(shape: [m, k], storage: x))
            var want = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Int32 = 0
                    for p in 0..<k { sum += Int32(qx.values[i * qx.stride + p]) * Int32(qw.values[j * qw.stride + p]) }
                    want[i * n + j] = Float(sum) / (qx.scales[i] * qw.scales[j])
                }
            }
            for vnni in Kernels.vnni ? [0, 1] : [0] {
                var y = [Float](repeating: .nan, count: m * n)
                qx.values.withUnsafeBufferPointer { a in
                    qw.values.withUnsafeBufferPointer { b in
                        y.withUnsafeMutableBufferPointer { y in
                            pmt_igemm_nt(a.baseAddress!, qx.scales, b.baseAddress!, qw.scales, qw.rowSums, qw.stride,
                                         y.baseAddress!, n, m, 0, n, Int32(vnni))
                        }
                    }
                }
                XCTAssertEqual(zip(y, want).filter { $0.bitPattern != $1.bitPattern }.count, 0, "m \(m) n \(n) k \(k) vnni \(vnni)")
            }
        }
    }

    func testQuantizedRowsUseTheRowMaximum() {
        let w: [Float] = [0.5, -1, 0.25, 0, 0, 0, 2, 2, -2]
        let q = QuantizedMatrix(Tensor(shape: [3, 3], storage: w))
        XCTAssertEqual(q.scales, [127, 1, 63.5])
        XCTAssertEqual(Array(q.values[0..<3]), [64, -127, 32])     // 63.5 rounds to even
        XCTAssertEqual(Array(q.values[q.stride..<(q.stride + 3)]), [0, 0, 0])
        XCTAssertEqual(Array(q.values[(2 * q.stride)..<(2 * q.stride + 3)]), [127, 127, -127])
    }
}
