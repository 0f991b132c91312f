import Tensor

// The one in-memory description both folder layouts load to.
//
// Orientation (the same as Hugging Face and CTranslate2):
// - every linear weight is [out, in] row-major, so y = x·Wᵀ + b (BLAS: `x` [n, in] times W
//   transposed). Marian's npz stores `*_W*` as [in, out] (transposed on load) and `*_Wt` as
//   [out, in]; HF stores [out, in].
// - every bias, layer-norm gamma and beta is 1-D [n] (Marian's [1, n] and HF's
//   `final_logits_bias` [1, V] are flattened);
// - embeddings are [vocabulary, d]; the output projection is [target vocabulary, d], i.e. the
//   target embedding itself when tied (the same `Tensor` value, sharing storage).
// - q, k and v are separate [d, d] projections; because they are [out, in], a fused QKV
//   weight is just the concatenation of the three storages ([3d, d]).
// HF's appended `<pad>` row is removed from every vocabulary-sized tensor, so both layouts of
// the same model load to bit-identical tensors (positions aside: see `encoderPositions`).

/// y = x·Wᵀ + b with `weight` [out, in] and `bias` [out].
public struct LinearTensors<T> {
    public var weight: T
    public var bias: T?
    public init(weight: T, bias: T?) { self.weight = weight; self.bias = bias }
    public func map<U>(_ f: (T) throws -> U) rethrows -> LinearTensors<U> {
        LinearTensors<U>(weight: try f(weight), bias: try bias.map(f))
    }
}

/// γ (`gamma`, Marian `*_ln_scale`, HF `.weight`) and β (`beta`, `*_ln_bias`, `.bias`), both [d].
public struct LayerNormTensors<T> {
    public var gamma: T
    public var beta: T
    public init(gamma: T, beta: T) { self.gamma = gamma; self.beta = beta }
    public func map<U>(_ f: (T) throws -> U) rethrows -> LayerNormTensors<U> {
        LayerNormTensors<U>(gamma: try f(gamma), beta: try f(beta))
    }
}

/// Multi-head attention with its layer norm (applied after the residual in post-norm, before
/// the attention in pre-norm). For cross-attention, `key` and `value` apply to the encoder output.
public struct AttentionTensors<T> {
    public var query: LinearTensors<T>
    public var key: LinearTensors<T>
    public var value: LinearTensors<T>
    public var output: LinearTensors<T>
    public var layerNorm: LayerNormTensors<T>
    public func map<U>(_ f: (T) throws -> U) rethrows -> AttentionTensors<U> {
        AttentionTensors<U>(query: try query.map(f), key: try key.map(f), value: try value.map(f),
                            output: try output.map(f), layerNorm: try layerNorm.map(f))
    }
}

/// `outer(activation(inner(x)))`: `inner` [ffn, d] (Marian `ffn_W1`, HF `fc1`), `outer` [d, ffn]
/// (`ffn_W2`, `fc2`), and the sub-layer's layer norm (Marian `ffn_ffn_ln_*`, HF per-layer
/// `final_layer_norm` — not a stack-final norm despite the name).
public struct FeedForwardTensors<T> {
    public var inner: LinearTensors<T>
    public var outer: LinearTensors<T>
    public var layerNorm: LayerNormTensors<T>
    public func map<U>(_ f: (T) throws -> U) rethrows -> FeedForwardTensors<U> {
        FeedForwardTensors<U>(inner: try inner.map(f), outer: try outer.map(f), layerNorm: try layerNorm.map(f))
    }
}

public struct EncoderLayerTensors<T> {
    public var selfAttention: AttentionTensors<T>
    public var feedForward: FeedForwardTensors<T>
    public func map<U>(_ f: (T) throws -> U) rethrows -> EncoderLayerTensors<U> {
        EncoderLayerTensors<U>(selfAttention: try selfAttention.map(f), feedForward: try feedForward.map(f))
    }
}

public struct DecoderLayerTensors<T> {
    public var selfAttention: AttentionTensors<T>
    /// Attention over the encoder output (Marian `*_context_*`, HF `encoder_attn`).
    public var crossAttention: AttentionTensors<T>
    public var feedForward: FeedForwardTensors<T>
    public func map<U>(_ f: (T) throws -> U) rethrows -> DecoderLayerTensors<U> {
        DecoderLayerTensors<U>(selfAttention: try selfAttention.map(f), crossAttention: try crossAttention.map(f),
                               feedForward: try feedForward.map(f))
    }
}

/// The whole model. `T` is `Tensor` for loaded weights (`TransformerWeights`) and
/// `WeightReference` for the validated plan that says where each tensor comes from.
public struct TransformerTensors<T> {
    /// [source vocabulary, d].
    public var sourceEmbedding: T
    /// [target vocabulary, d].
    public var targetEmbedding: T
    /// A stored position table [positions, d] (HF's precomputed sinusoid, Marian's learned
    /// `Wpos`), or nil: compute Marian's sinusoid (see `PositionEncoding.sinusoidal`).
    public var encoderPositions: T?
    public var decoderPositions: T?
    /// After embedding + positions, when `layerNormEmbedding` (Marian `*_emb_ln_*_pre`).
    public var encoderEmbeddingNorm: LayerNormTensors<T>?
    public var decoderEmbeddingNorm: LayerNormTensors<T>?
    public var encoderLayers: [EncoderLayerTensors<T>]
    public var decoderLayers: [DecoderLayerTensors<T>]
    /// Pre-norm only: the layer norm after the last layer of each stack (Marian `*_top_ln_*`).
    public var encoderFinalNorm: LayerNormTensors<T>?
    public var decoderFinalNorm: LayerNormTensors<T>?
    /// Logits = h·Wᵀ + b: `weight` [target vocabulary, d], `bias` [target vocabulary] if any.
    public var output: LinearTensors<T>

    public func map<U>(_ f: (T) throws -> U) rethrows -> TransformerTensors<U> {
        TransformerTensors<U>(
            sourceEmbedding: try f(sourceEmbedding), targetEmbedding: try f(targetEmbedding),
            encoderPositions: try encoderPositions.map(f), decoderPositions: try decoderPositions.map(f),
            encoderEmbeddingNorm: try encoderEmbeddingNorm?.map(f), decoderEmbeddingNorm: try decoderEmbeddingNorm?.map(f),
            encoderLayers: try encoderLayers.map { try $0.map(f) }, decoderLayers: try decoderLayers.map { try $0.map(f) },
            encoderFinalNorm: try encoderFinalNorm?.map(f), decoderFinalNorm: try decoderFinalNorm?.map(f),
            output: try output.map(f))
    }

    /// Every tensor with a stable path (`encoder.layers.0.selfAttention.query.weight`, …), in a
    /// fixed order: for listing, comparing and verifying.
    public var labelled: [(path: String, value: T)] {
        var out: [(String, T)] = []
        func add(_ path: String, _ value: T?) { if let value { out.append((path, value)) } }
        func linear(_ path: String, _ l: LinearTensors<T>) { add(path + ".weight", l.weight); add(path + ".bias", l.bias) }
        func norm(_ path: String, _ n: LayerNormTensors<T>?) { if let n { add(path + ".gamma", n.gamma); add(path + ".beta", n.beta) } }
        func attention(_ path: String, _ a: AttentionTensors<T>) {
            linear(path + ".query", a.query); linear(path + ".key", a.key); linear(path + ".value", a.value)
            linear(path + ".output", a.output); norm(path + ".layerNorm", a.layerNorm)
        }
        func feedForward(_ path: String, _ f: FeedForwardTensors<T>) {
            linear(path + ".inner", f.inner); linear(path + ".outer", f.outer); norm(path + ".layerNorm", f.layerNorm)
        }
        add("encoder.embedding", sourceEmbedding)
        add("encoder.positions", encoderPositions)
        norm("encoder.embeddingNorm", encoderEmbeddingNorm)
        for (i, layer) in encoderLayers.enumerated() {
            attention("encoder.layers.\(i).selfAttention", layer.selfAttention)
            feedForward("encoder.layers.\(i).feedForward", layer.feedForward)
        }
        norm("encoder.finalNorm", encoderFinalNorm)
        add("decoder.embedding", targetEmbedding)
        add("decoder.positions", decoderPositions)
        norm("decoder.embeddingNorm", decoderEmbeddingNorm)
        for (i, layer) in decoderLayers.enumerated() {
            attention("decoder.layers.\(i).selfAttention", layer.selfAttention)
            attention("decoder.layers.\(i).crossAttention", layer.crossAttention)
            feedForward("decoder.layers.\(i).feedForward", layer.feedForward)
        }
        norm("decoder.finalNorm", decoderFinalNorm)
        linear("decoder.output", output)
        return out
    }
}

public typealias TransformerWeights = TransformerTensors<Tensor>
public typealias TransformerWeightPlan = TransformerTensors<WeightReference>

extension LinearTensors: Sendable where T: Sendable {}
extension LayerNormTensors: Sendable where T: Sendable {}
extension AttentionTensors: Sendable where T: Sendable {}
extension FeedForwardTensors: Sendable where T: Sendable {}
extension EncoderLayerTensors: Sendable where T: Sendable {}
extension DecoderLayerTensors: Sendable where T: Sendable {}
extension TransformerTensors: Sendable where T: Sendable {}
extension LinearTensors: Equatable where T: Equatable {}
extension LayerNormTensors: Equatable where T: Equatable {}
extension AttentionTensors: Equatable where T: Equatable {}
extension FeedForwardTensors: Equatable where T: Equatable {}
extension EncoderLayerTensors: Equatable where T: Equatable {}
extension DecoderLayerTensors: Equatable where T: Equatable {}
extension TransformerTensors: Equatable where T: Equatable {}

/// Where one tensor of the common description comes from: a tensor of the weight file, how it
/// is reoriented, and the shape it has after that (validated against the configuration).
public struct WeightReference: Sendable, Hashable, CustomStringConvertible {
    /// The tensor's name in the file.
    public let name: String
    /// [in, out] → [out, in] (Marian `*_W*`).
    public let transpose: Bool
    /// The shape after the transform. Its element count may be smaller than the stored tensor's:
    /// then the result is the leading rows (HF's `<pad>` row removed); a [1, n] bias becomes [n].
    public let shape: [Int]

    public init(name: String, transpose: Bool = false, shape: [Int]) {
        self.name = name
        self.transpose = transpose
        self.shape = shape
    }

    public var description: String { name + (transpose ? "ᵀ" : "") + " " + WeightFileError.format(shape) }

    /// The tensor in the common orientation, copied out of `source` (transposed in one pass).
    public func materialize(from source: any WeightSource) throws -> Tensor {
        let count = shape.reduce(1, *)
        let storage = try source.withUnsafeFloats(name) { stored -> [Float] in
            precondition(stored.count >= count, "\(name): plan asks for \(count) values of \(stored.count)")
            if !transpose { return Array(stored.prefix(count)) }
            precondition(shape.count == 2 && stored.count == count)
            let rows = shape[0], columns = shape[1]   // result [rows, columns] from stored [columns, rows]
            return [Float](unsafeUninitializedCapacity: count) { out, initialized in
                let block = 32
                var r0 = 0
                while r0 < rows {
                    var c0 = 0
                    while c0 < columns {
                        for c in c0..<min(c0 + block, columns) {
                            for r in r0..<min(r0 + block, rows) { out[r * columns + c] = stored[c * rows + r] }
                        }
                        c0 += block
                    }
                    r0 += block
                }
                initialized = count
            }
        }
        source.releasePages(name)
        return Tensor(shape: shape, storage: storage)
    }
}

extension TransformerWeightPlan {
    /// Materializes every tensor. A tensor referenced twice (tied embeddings) is read once and
    /// shared: the same `Tensor` value, one storage.
    public func load(from source: any WeightSource) throws -> TransformerWeights {
        var cache: [WeightReference: Tensor] = [:]
        return try map { reference in
            if let tensor = cache[reference] { return tensor }
            let tensor = try reference.materialize(from: source)
            cache[reference] = tensor
            return tensor
        }
    }
}
