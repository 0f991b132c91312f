import Foundation
import Tensor

/// An encoder-decoder transformer ready to run: the layers of a Marian or M2M-100 model in
/// one form. Immutable, so one model serves every translation thread.
public struct EncoderDecoderModel: Sendable {
    public let modelDimension: Int
    public let heads: Int
    public let preNorm: Bool
    /// Multiplies token embeddings (√d for Marian); 1 when the model does not scale.
    public let embeddingScale: Float
    /// Marian starts decoding from a zero vector instead of a start token's embedding.
    public let startFromZeroEmbedding: Bool
    /// [positions × d], added to embeddings at each position.
    public let positions: Tensor
    public let sourceEmbeddings: Tensor
    public let targetEmbeddings: Tensor
    public let outputProjection: Linear
    public let encoderLayers: [EncoderLayerWeights]
    public let decoderLayers: [DecoderLayerWeights]
    /// Pre-norm models end each stack with a layer norm.
    public let encoderFinalNorm: LayerNorm?
    public let decoderFinalNorm: LayerNorm?
    /// A layer norm right after embedding + position, when the model has one.
    public var encoderEmbeddingNorm: LayerNorm?
    public var decoderEmbeddingNorm: LayerNorm?

    public init(modelDimension: Int, heads: Int, preNorm: Bool, embeddingScale: Float, startFromZeroEmbedding: Bool,
                positions: Tensor, sourceEmbeddings: Tensor, targetEmbeddings: Tensor, outputProjection: Linear,
                encoderLayers: [EncoderLayerWeights], decoderLayers: [DecoderLayerWeights],
                encoderFinalNorm: LayerNorm?, decoderFinalNorm: LayerNorm?) {
        precondition(modelDimension % heads == 0, "model dimension \(modelDimension) is not a multiple of \(heads) heads")
        self.modelDimension = modelDimension
        self.heads = heads
        self.preNorm = preNorm
        self.embeddingScale = embeddingScale
        self.startFromZeroEmbedding = startFromZeroEmbedding
        self.positions = positions
        self.sourceEmbeddings = sourceEmbeddings
        self.targetEmbeddings = targetEmbeddings
        self.outputProjection = outputProjection
        self.encoderLayers = encoderLayers
        self.decoderLayers = decoderLayers
        self.encoderFinalNorm = encoderFinalNorm
        self.decoderFinalNorm = decoderFinalNorm
    }

    public var targetVocabularySize: Int { outputProjection.outputs }
    public var maxPositions: Int { positions.shape[0] }

    /// Marian's sinusoidal table: sin of the even-indexed frequencies in the first half,
    /// cos of the odd-indexed ones in the second (computed in Double, as the converter does).
    public static func marianPositions(count: Int, dimension d: Int) -> Tensor {
        var table = [Float](repeating: 0, count: count * d)
        let half = d / 2
        for p in 0..<count {
            for i in 0..<half {
                let even = pow(10000.0, Double(2 * ((2 * i) / 2)) / Double(d))
                let odd = pow(10000.0, Double(2 * ((2 * i + 1) / 2)) / Double(d))
                table[p * d + i] = Float(sin(Double(p) / even))
                table[p * d + half + i] = Float(cos(Double(p) / odd))
            }
        }
        return Tensor(shape: [count, d], storage: table)
    }

    /// M2M-100 / NLLB's table (transformers' `M2M100SinusoidalPositionalEmbedding.get_embedding`,
    /// rows `firstRow ..< firstRow + count`): with half = d/2 and f_i = exp(-i·ln(10000)/(half-1)),
    /// row p holds sin(p·f_i) for i < half, then cos(p·f_i); an odd d gets a zero last column.
    /// torch computes f_i and p·f_i in fp32: so does this (exactly), then sin, cos and exp
    /// correctly rounded from Double; torch's vectorized fp32 sin/cos/exp may differ by an ulp.
    public static func fairseqPositions(count: Int, dimension d: Int, firstRow: Int) -> Tensor {
        var table = [Float](repeating: 0, count: count * d)
        let half = d / 2
        guard half > 1 else { return Tensor(shape: [count, d], storage: table) }
        let step = Float(-(log(10000.0) / Double(half - 1)))
        let frequencies = (0..<half).map { Float(exp(Double(Float($0) * step))) }
        for row in 0..<count {
            let p = Float(firstRow + row)
            for i in 0..<half {
                let angle = Double(p * frequencies[i])
                table[row * d + i] = Float(sin(angle))
                table[row * d + half + i] = Float(cos(angle))
            }
        }
        return Tensor(shape: [count, d], storage: table)
    }

    // MARK: Encoder

    /// The encoder output for a batch, packed without padding: sentence k owns rows
    /// offsets[k] ..< offsets[k] + lengths[k].
    public struct EncodedBatch: Sendable {
        public let rows: [Float]
        public let offsets: [Int]
        public let lengths: [Int]
    }

    public func encode(_ sentences: [[Int32]]) -> EncodedBatch {
        let d = modelDimension
        let lengths = sentences.map(\.count)
        var offsets: [Int] = []
        var total = 0
        for length in lengths { offsets.append(total); total += length }
        var x = [Float](repeating: 0, count: total * d)
        sourceEmbeddings.storage.withUnsafeBufferPointer { embeddings in
            positions.storage.withUnsafeBufferPointer { positions in
                x.withUnsafeMutableBufferPointer { x in
                    for (k, sentence) in sentences.enumerated() {
                        for (t, id) in sentence.enumerated() {
                            let row = (offsets[k] + t) * d
                            let e = Int(id) * d, p = min(t, maxPositions - 1) * d
                            for i in 0..<d { x[row + i] = embeddings[e + i] * embeddingScale + positions[p + i] }
                        }
                    }
                }
            }
        }
        encoderEmbeddingNorm?.apply(&x)
        for layer in encoderLayers {
            x = attentionBlock(layer.selfAttention, x, rows: total) { qkv in
                selfAttention(qkv, offsets: offsets, lengths: lengths)
            }
            x = feedForwardBlock(layer.feedForward, x, rows: total)
        }
        encoderFinalNorm?.apply(&x)
        return EncodedBatch(rows: x, offsets: offsets, lengths: lengths)
    }

    /// Residual attention block, pre- or post-norm; `context` maps the layer's projected
    /// queries (fused QKV for self-attention) to the attention context.
    func attentionBlock(_ w: AttentionWeights, _ x: [Float], rows: Int, context: ([Float]) -> [Float]) -> [Float] {
        let input = preNorm ? w.norm.applied(x) : x
        let projected = w.query.apply(input, rows: rows)
        var y = w.output.apply(context(projected), rows: rows)
        y.withUnsafeMutableBufferPointer { y in x.withUnsafeBufferPointer { RowOps.add(y, $0) } }
        if !preNorm { w.norm.apply(&y) }
        return y
    }

    func feedForwardBlock(_ w: FeedForwardWeights, _ x: [Float], rows: Int) -> [Float] {
        let input = preNorm ? w.norm.applied(x) : x
        var y = w.outer.apply(w.inner.apply(input, rows: rows, activation: w.activation), rows: rows)
        y.withUnsafeMutableBufferPointer { y in x.withUnsafeBufferPointer { RowOps.add(y, $0) } }
        if !preNorm { w.norm.apply(&y) }
        return y
    }

    /// Self-attention within each sentence of a packed batch; `qkv` rows are [q | k | v].
    func selfAttention(_ qkv: [Float], offsets: [Int], lengths: [Int]) -> [Float] {
        let d = modelDimension, dh = d / heads
        let scale = 1 / Float(dh).squareRoot()
        var context = [Float](repeating: 0, count: (offsets.last.map { $0 + lengths.last! } ?? 0) * d)
        let longest = lengths.max() ?? 0
        var scores = [Float](repeating: 0, count: longest * longest)
        qkv.withUnsafeBufferPointer { qkv in
            context.withUnsafeMutableBufferPointer { context in
                scores.withUnsafeMutableBufferPointer { scores in
                    for (offset, length) in zip(offsets, lengths) where length > 0 {
                        for h in 0..<heads {
                            let q = qkv.baseAddress! + offset * 3 * d + h * dh
                            BLAS.gemm(q, lda: 3 * d, q + d, ldb: 3 * d, scores.baseAddress!, ldc: length,
                                      m: length, n: length, k: dh, transposeB: true, alpha: scale)
                            let block = UnsafeMutableBufferPointer(rebasing: scores[0..<(length * length)])
                            RowOps.softmax(block, width: length)
                            BLAS.gemm(UnsafePointer(scores.baseAddress!), lda: length, q + 2 * d, ldb: 3 * d,
                                      context.baseAddress! + offset * d + h * dh, ldc: d,
                                      m: length, n: dh, k: length, transposeB: false)
                        }
                    }
                }
            }
        }
        return context
    }
}
