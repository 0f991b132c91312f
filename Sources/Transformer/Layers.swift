import Tensor

/// y = x · Wᵀ + b with W stored [out, in] (the orientation of CTranslate2 and Hugging Face),
/// fp32 for BLAS or, after `quantized()`, int8 with per-row scales.
public struct Linear: Sendable {
    public enum Weights: Sendable {
        case dense(Tensor)
        case int8(QuantizedMatrix)
    }

    public let weights: Weights
    public let bias: [Float]?
    public let inputs: Int
    public let outputs: Int

    public init(weight: Tensor, bias: [Float]?) {
        self.init(stacking: [weight], bias: bias)
    }

    /// The rows of `parts` stacked into one layer (a fused QKV or KV projection).
    public init(stacking parts: [Tensor], bias: [Float]?) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.rank == 2 }, "linear weights must be 2-D, got \(parts.map(\.shape))")
        let outputs = parts.reduce(0) { $0 + $1.shape[0] }
        precondition(bias == nil || bias!.count == outputs, "bias \(bias!.count) ≠ outputs \(outputs)")
        weights = .dense(parts.count == 1 ? parts[0] : Tensor(shape: [outputs, parts[0].shape[1]], storage: parts.flatMap(\.storage)))
        self.bias = bias
        self.outputs = outputs
        self.inputs = parts[0].shape[1]
    }

    private init(weights: Weights, bias: [Float]?, inputs: Int, outputs: Int) {
        self.weights = weights
        self.bias = bias
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The fp32 weight [outputs × inputs], row-major (dequantized: a copy).
    public var weight: Tensor {
        switch weights {
        case .dense(let tensor): return tensor
        case .int8(let q): return q.dequantized()
        }
    }

    public var int8: QuantizedMatrix? {
        if case .int8(let q) = weights { return q }
        return nil
    }

    /// The same layer with its weight quantized to int8 (CTranslate2's `int8` compute type:
    /// weights per row at load, activations per row at run time).
    public func quantized() -> Linear {
        if int8 != nil { return self }
        return Linear(weights: .int8(QuantizedMatrix(weight)), bias: bias, inputs: inputs, outputs: outputs)
    }

    /// Rows of x ([rows × inputs]) → [rows × outputs], optionally with a fused activation.
    public func apply(_ x: UnsafeBufferPointer<Float>, rows: Int, into y: UnsafeMutableBufferPointer<Float>, activation: RowOps.Activation? = nil) {
        precondition(x.count >= rows * inputs && y.count >= rows * outputs)
        switch weights {
        case .dense(let weight):
            weight.storage.withUnsafeBufferPointer { w in
                BLAS.gemm(x, w, into: y, m: rows, n: outputs, k: inputs, transposeB: true)
            }
        case .int8(let q):
            q.product(x.baseAddress!, m: rows, into: y.baseAddress!, threads: BLAS.threads)
        }
        let out = UnsafeMutableBufferPointer(rebasing: y[0..<(rows * outputs)])
        if let bias {
            bias.withUnsafeBufferPointer { b in
                if let activation { RowOps.biasActivation(out, b, activation) } else { RowOps.addBias(out, b) }
            }
        } else if let activation {
            [Float](repeating: 0, count: outputs).withUnsafeBufferPointer { RowOps.biasActivation(out, $0, activation) }
        }
    }

    public func apply(_ x: [Float], rows: Int, activation: RowOps.Activation? = nil) -> [Float] {
        var y = [Float](repeating: 0, count: rows * outputs)
        x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { apply(x, rows: rows, into: $0, activation: activation) } }
        return y
    }
}

/// Layer normalization with learned scale and shift.
public struct LayerNorm: Sendable {
    public let gamma: [Float]
    public let beta: [Float]
    public let epsilon: Float

    public init(gamma: [Float], beta: [Float], epsilon: Float) {
        precondition(gamma.count == beta.count)
        self.gamma = gamma
        self.beta = beta
        self.epsilon = epsilon
    }

    public func apply(_ x: inout [Float]) {
        x.withUnsafeMutableBufferPointer { apply($0) }
    }

    public func apply(_ x: UnsafeMutableBufferPointer<Float>) {
        gamma.withUnsafeBufferPointer { g in
            beta.withUnsafeBufferPointer { b in RowOps.layerNorm(x, width: g.count, gamma: g, beta: b, epsilon: epsilon) }
        }
    }

    public func applied(_ x: [Float]) -> [Float] {
        var y = x
        apply(&y)
        return y
    }
}

/// Multi-head attention weights: fused QKV for self-attention; for cross-attention a query
/// projection and a fused KV projection over the encoder output.
public struct AttentionWeights: Sendable {
    public let heads: Int
    /// Self-attention: [3d, d]; cross-attention: the query projection [d, d].
    public let query: Linear
    /// Cross-attention only: [2d, d] over the encoder output.
    public let keyValue: Linear?
    public let output: Linear
    public let norm: LayerNorm

    public init(heads: Int, query: Linear, keyValue: Linear?, output: Linear, norm: LayerNorm) {
        self.heads = heads
        self.query = query
        self.keyValue = keyValue
        self.output = output
        self.norm = norm
    }
}

public struct FeedForwardWeights: Sendable {
    public let inner: Linear
    public let outer: Linear
    public let norm: LayerNorm
    public let activation: RowOps.Activation

    public init(inner: Linear, outer: Linear, norm: LayerNorm, activation: RowOps.Activation) {
        self.inner = inner
        self.outer = outer
        self.norm = norm
        self.activation = activation
    }
}

public struct EncoderLayerWeights: Sendable {
    public let selfAttention: AttentionWeights
    public let feedForward: FeedForwardWeights
    public init(selfAttention: AttentionWeights, feedForward: FeedForwardWeights) {
        self.selfAttention = selfAttention
        self.feedForward = feedForward
    }
}

public struct DecoderLayerWeights: Sendable {
    public let selfAttention: AttentionWeights
    public let crossAttention: AttentionWeights
    public let feedForward: FeedForwardWeights
    public init(selfAttention: AttentionWeights, crossAttention: AttentionWeights, feedForward: FeedForwardWeights) {
        self.selfAttention = selfAttention
        self.crossAttention = crossAttention
        self.feedForward = feedForward
    }
}
