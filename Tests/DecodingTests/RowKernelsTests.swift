import Foundation
import XCTest
@testable import Decoding

final class RowKernelsTests: XCTestCase {
    /// Inputs and outputs of libstdc++'s `std::partial_sort(ids, ids + k, ids + n, x[a] > x[b])`
    /// (g++ 12), which is CTranslate2's CPU TopK: with ties, the order is the heap's, not the
    /// index order (3 1 8 10 … below).
    func testTopKBreaksTiesAsLibstdcxxPartialSort() {
        let cases: [(values: [Float], k: Int, expected: [Int])] = [
            ([0, 2, 0, 2, 3, 3, 0, 3, 1, 1, 1, 0], 9, [4, 7, 5, 3, 1, 8, 10, 9, 0]),
            ([3, 0, 1, 3, 2, 1, 3, 0, 0, 0, 2, 2], 5, [0, 3, 6, 10, 4]),
            ([0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0], 10, [7, 9, 2, 8, 1, 4, 3, 0, 5, 6]),
            ([2, 2, 1, 1, 1, 1, 0, 1, 1, 3, 3, 3, 2, 2, 0, 0, 1, 1], 10, [9, 11, 10, 12, 1, 13, 0, 7, 3, 8]),
        ]
        for (values, k, expected) in cases {
            // One row, and the same stream cut into rows (the beam × vocabulary layout).
            for width in [values.count, values.count / 2, values.count / 3] where values.count % width == 0 {
                let rows = values.count / width
                let zeros = [Float](repeating: 0, count: rows)
                var heapValues = [Float](repeating: 0, count: k)
                var heapIndices = [Int](repeating: 0, count: k)
                heapValues.withUnsafeMutableBufferPointer { heapValues in
                    heapIndices.withUnsafeMutableBufferPointer { heapIndices in
                        values.withUnsafeBufferPointer { values in
                            zeros.withUnsafeBufferPointer { zeros in
                                TopKHeap(values: heapValues.baseAddress!, indices: heapIndices.baseAddress!, k: k)
                                    .select(rows: rows, width: width, logits: values.baseAddress!,
                                            shifts: zeros.baseAddress!, offsets: zeros.baseAddress!)
                            }
                        }
                    }
                }
                XCTAssertEqual(heapIndices, expected, "\(values) k \(k) width \(width)")
                XCTAssertEqual(heapValues, expected.map { values[$0] })
            }
        }
    }

    func testTopKAddsShiftThenOffsetAndScansEveryLane() {
        // 3 rows of 21 (SIMD blocks and tails): value = (x + shift[r]) + offset[r].
        let width = 21, rows = 3, k = 6
        let logits: [Float] = (0..<(width * rows)).map { Float(($0 * 37) % 53) / 8 }
        let shifts: [Float] = [-1.25, -0.5, -3]
        let offsets: [Float] = [-0.75, -2, 0.5]
        var values = [Float](repeating: 0, count: k)
        var indices = [Int](repeating: 0, count: k)
        values.withUnsafeMutableBufferPointer { v in
            indices.withUnsafeMutableBufferPointer { i in
                TopKHeap(values: v.baseAddress!, indices: i.baseAddress!, k: k)
                    .select(rows: rows, width: width, logits: logits, shifts: shifts, offsets: offsets)
            }
        }
        let all = logits.indices.map { (logits[$0] + shifts[$0 / width]) + offsets[$0 / width] }
        let best = all.indices.sorted { all[$0] > all[$1] || (all[$0] == all[$1] && $0 < $1) }.prefix(k)
        XCTAssertEqual(values, best.map { all[$0] })
        XCTAssertEqual(Set(indices), Set(best), "no ties among these values, so the set is determined")
    }

    func testLogSoftmaxShiftMatchesDoublePrecision() {
        for width in [1, 2, 7, 8, 9, 15, 16, 17, 40, 1001] {
            var row: [Float] = (0..<width).map { Float(sin(Double($0) * 1.7) * 6) }
            if width > 3 { row[2] = RowKernels.disabled }
            let maximum = row.map(Double.init).max()!
            let sum = row.reduce(0.0) { $0 + Foundation.exp(Double($1) - maximum) }
            let expected = -maximum - Foundation.log(sum)
            let shift = row.withUnsafeBufferPointer { RowKernels.logSoftmaxShift($0.baseAddress!, width) }
            XCTAssertEqual(Double(shift), expected, accuracy: 2e-6, "width \(width)")
        }
    }

    func testVectorExpIsWithinTwoUlps() {
        var x: Float = -87
        while x < 88 {
            let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.013 })
            let y = RowKernels.exp8(lanes)
            for lane in 0..<8 {
                let reference = Foundation.exp(Double(lanes[lane]))
                XCTAssertEqual(Double(y[lane]), reference, accuracy: reference * 3e-7, "exp(\(lanes[lane]))")
            }
            x += 0.61
        }
        // Far below the clamp, exp is 0 (a disabled token adds nothing to the sum).
        XCTAssertEqual(RowKernels.exp8(SIMD8(repeating: -Float.greatestFiniteMagnitude)), SIMD8(repeating: 0))
    }
}
