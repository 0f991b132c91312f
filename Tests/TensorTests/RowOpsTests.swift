import Foundation
import XCTest
@testable import Tensor

/// Row kernels checked against direct Double computations of their formulas.
final class RowOpsTests: XCTestCase {
    private func values(_ n: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 4001) / 1000 - 2
        }
    }

    func testLayerNorm() {
        let width = 7
        var x = values(3 * width, seed: 1)
        let gamma = values(width, seed: 2), beta = values(width, seed: 3)
        let original = x
        x.withUnsafeMutableBufferPointer { x in
            gamma.withUnsafeBufferPointer { g in beta.withUnsafeBufferPointer { b in RowOps.layerNorm(x, width: width, gamma: g, beta: b, epsilon: 1e-5) } }
        }
        for r in 0..<3 {
            let row = original[(r * width)..<((r + 1) * width)].map(Double.init)
            let mean = row.reduce(0, +) / Double(width)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
            for i in 0..<width {
                let want = (row[i] - mean) / (variance + 1e-5).squareRoot() * Double(gamma[i]) + Double(beta[i])
                XCTAssertEqual(Double(x[r * width + i]), want, accuracy: 1e-5)
            }
        }
    }

    func testSoftmaxAndLogSoftmax() {
        var x = values(10, seed: 4)
        x[3] = -.infinity
        var logs = x
        let original = x
        x.withUnsafeMutableBufferPointer { RowOps.softmax($0, width: 5) }
        logs.withUnsafeMutableBufferPointer { RowOps.logSoftmax($0, width: 5) }
        for r in 0..<2 {
            let row = original[(r * 5)..<((r + 1) * 5)].map(Double.init)
            let total = row.map { Foundation.exp($0) }.reduce(0, +)
            for i in 0..<5 {
                XCTAssertEqual(Double(x[r * 5 + i]), Foundation.exp(row[i]) / total, accuracy: 1e-6)
                if row[i].isFinite { XCTAssertEqual(Double(logs[r * 5 + i]), row[i] - Foundation.log(total), accuracy: 1e-5) }
            }
        }
        XCTAssertEqual(x[3], 0)
    }

    func testActivationsWithBias() {
        let bias = values(4, seed: 5)
        for activation in RowOps.Activation.allCases {
            var x = values(8, seed: 6)
            let original = x
            x.withUnsafeMutableBufferPointer { x in bias.withUnsafeBufferPointer { RowOps.biasActivation(x, $0, activation) } }
            for i in 0..<8 {
                let v = Double(original[i]) + Double(bias[i % 4])
                let want: Double
                switch activation {
                case .relu: want = max(0, v)
                case .swish: want = v / (1 + Foundation.exp(-v))
                case .geluSigmoid: want = v / (1 + Foundation.exp(-1.702 * v))
                case .geluTanh: want = 0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
                case .gelu: want = 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
                }
                XCTAssertEqual(Double(x[i]), want, accuracy: 1e-5, "\(activation)")
            }
        }
    }
}
