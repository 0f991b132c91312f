import Tensor

/// y = x · Wᵀ + b with W stored [out, in] (the orientation of CTranslate2 and Hugging Face),
/// in fp32 or, after `quantized()`, in int8 with per-row scales.
public struct Linear: Sendable {
    /// The fp32 weight; empty ([0, 0]) once quantized, unless `keepFloat` kept it.
    public let weight: Tensor
    public let bias: [Float]?
    /// The int8 weight, when the layer runs in int8.
    public let int8: QuantizedMatrix?
    public let inputs: Int
    public let outputs: Int

    public init(weight: Tensor, bias: [Float]?) {
        precondition(weight.rank == 2, "linear weight must be 2-D, got \(weight.shape)")
        precondition(bias == nil || bias!.count == weight.shape[0], "bias \(bias!.count) ≠ outputs \(weight.shape[0])")
        self.weight = weight
        self.bias = bias
        self.int8 = nil
        self.outputs = weight.shape[0]
        self.inputs = weight.shape[1]
    }

    private init(weight: Tensor, bias: [Float]?, int8: QuantizedMatrix, inputs: Int, outputs: Int) {
        self.weight = weight
        self.bias = bias
        self.int8 = int8
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The same layer with its weight quantized to int8 (CTranslate2's `int8` compute type:
    /// weights per row at load, activations per row at run time). The fp32 weight is dropped
    /// unless `keepFloat` (a tied embedding shares it).
    public func quantized(keepFloat: Bool = false) -> Linear {
        if int8 != nil { return self }
        return Linear(weight: keepFloat ? weight : Tensor(shape: [0, 0]), bias: bias, int8: QuantizedMatrix(weight),
                      inputs: inputs, outputs: outputs)
    }

    /// Rows of x ([rows × inputs]) → [rows × outputs], optionally with a fused activation.
    public func apply(_ x: UnsafeBufferPointer<Float>, rows: Int, into y: UnsafeMutableBufferPointer<Float>, activation: RowOps.Activation? = nil) {
        precondition(x.count >= rows * inputs && y.count >= rows * outputs)
        if let int8 {
            int8.product(x.baseAddress!, m: rows, into: y.baseAddress!, threads: BLAS.threads)
        } else {
            weight.storage.withUnsafeBufferPointer { w in
                BLAS.gemm(x, w, into: y, m: rows, n: outputs, k: inputs, transposeB: true)
            }
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
