import Foundation

/// Row-wise kernels over row-major [rows × width] buffers: layer norm, softmax, bias and
/// activations. Each runs in place over a scoped buffer, one pass per row where it can.
public enum RowOps {
    /// y = (x − mean) / sqrt(var + ε) · γ + β for every row.
    public static func layerNorm(_ x: UnsafeMutableBufferPointer<Float>, width: Int,
                                 gamma: UnsafeBufferPointer<Float>, beta: UnsafeBufferPointer<Float>, epsilon: Float) {
        precondition(gamma.count == width && beta.count == width && x.count % max(width, 1) == 0)
        let rows = x.count / width
        for r in 0..<rows {
            let row = x.baseAddress! + r * width
            var sum: Float = 0
            for i in 0..<width { sum += row[i] }
            let mean = sum / Float(width)
            var squares: Float = 0
            for i in 0..<width { let d = row[i] - mean; squares += d * d }
            let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
            for i in 0..<width { row[i] = (row[i] - mean) * inverse * gamma[i] + beta[i] }
        }
    }

    /// x += bias on every row.
    public static func addBias(_ x: UnsafeMutableBufferPointer<Float>, _ bias: UnsafeBufferPointer<Float>) {
        let width = bias.count
        precondition(width > 0 && x.count % width == 0)
        var base = x.baseAddress!
        for _ in 0..<(x.count / width) {
            for i in 0..<width { base[i] += bias[i] }
            base += width
        }
    }

    /// x += y elementwise (residual connections).
    public static func add(_ x: UnsafeMutableBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) {
        precondition(x.count == y.count)
        for i in 0..<x.count { x[i] += y[i] }
    }

    public enum Activation: String, Sendable, CaseIterable {
        case relu
        /// x · σ(x) (SiLU).
        case swish
        /// Marian's and CTranslate2's sigmoid form x · σ(1.702 x).
        case geluSigmoid
        /// The tanh approximation 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))).
        case geluTanh
        /// The exact erf form 0.5 x (1 + erf(x / √2)).
        case gelu
    }

    /// x = act(x + bias) on every row: the bias add fused into the activation pass.
    public static func biasActivation(_ x: UnsafeMutableBufferPointer<Float>, _ bias: UnsafeBufferPointer<Float>, _ activation: Activation) {
        let width = bias.count
        precondition(width > 0 && x.count % width == 0)
        var base = x.baseAddress!
        for _ in 0..<(x.count / width) {
            switch activation {
            case .relu:
                for i in 0..<width { base[i] = max(0, base[i] + bias[i]) }
            case .swish:
                for i in 0..<width { let v = base[i] + bias[i]; base[i] = v / (1 + Foundation.exp(-v)) }
            case .geluSigmoid:
                for i in 0..<width { let v = base[i] + bias[i]; base[i] = v / (1 + Foundation.exp(-1.702 * v)) }
            case .geluTanh:
                for i in 0..<width {
                    let v = base[i] + bias[i]
                    base[i] = 0.5 * v * (1 + Foundation.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
                }
            case .gelu:
                for i in 0..<width { let v = base[i] + bias[i]; base[i] = 0.5 * v * (1 + Foundation.erf(v * 0.7071067811865476)) }
            }
            base += width
        }
    }

    @inline(__always)
    private static func maximum(_ row: UnsafeMutablePointer<Float>, _ width: Int) -> Float {
        var result = -Float.infinity
        for i in 0..<width { result = max(result, row[i]) }
        return result
    }

    /// Softmax of each row in place; entries at −∞ (masked) get 0.
    public static func softmax(_ x: UnsafeMutableBufferPointer<Float>, width: Int) {
        let rows = x.count / width
        for r in 0..<rows {
            let row = x.baseAddress! + r * width
            let maximum = maximum(row, width)
            var sum: Float = 0
            for i in 0..<width { let e = Foundation.exp(row[i] - maximum); row[i] = e; sum += e }
            let inverse = 1 / sum
            for i in 0..<width { row[i] *= inverse }
        }
    }

    /// Log-softmax of each row in place.
    public static func logSoftmax(_ x: UnsafeMutableBufferPointer<Float>, width: Int) {
        let rows = x.count / width
        for r in 0..<rows {
            let row = x.baseAddress! + r * width
            let maximum = maximum(row, width)
            var sum: Float = 0
            for i in 0..<width { sum += Foundation.exp(row[i] - maximum) }
            let shift = maximum + Foundation.log(sum)
            for i in 0..<width { row[i] -= shift }
        }
    }
}
