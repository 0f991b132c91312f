import Tensor

extension EncoderDecoderModel {
    /// CTranslate2 precomputes this many sinusoid positions for models without a table.
    static let defaultPositionCount = 2048

    /// The compute layers of a loaded model: fused QKV for self-attention, fused KV for
    /// cross-attention, the position table, and CTranslate2's layer-norm epsilon.
    public init(_ loaded: LoadedModel) {
        let config = loaded.config, weights = loaded.weights
        let d = config.modelDimension, epsilon = config.layerNormEpsilon
        func linear(_ t: LinearTensors<Tensor>) -> Linear { Linear(weight: t.weight, bias: t.bias?.storage) }
        func norm(_ t: LayerNormTensors<Tensor>) -> LayerNorm { LayerNorm(gamma: t.gamma.storage, beta: t.beta.storage, epsilon: epsilon) }
        func fused(_ parts: [LinearTensors<Tensor>]) -> Linear {
            let biases = parts.map { $0.bias?.storage ?? [Float](repeating: 0, count: $0.weight.shape[0]) }
            return Linear(stacking: parts.map(\.weight), bias: biases.flatMap { $0 })
        }
        func selfAttention(_ a: AttentionTensors<Tensor>, heads: Int) -> AttentionWeights {
            AttentionWeights(heads: heads, query: fused([a.query, a.key, a.value]), keyValue: nil,
                             output: linear(a.output), norm: norm(a.layerNorm))
        }
        func feedForward(_ f: FeedForwardTensors<Tensor>) -> FeedForwardWeights {
            FeedForwardWeights(inner: linear(f.inner), outer: linear(f.outer), norm: norm(f.layerNorm), activation: config.activation)
        }
        let positions: Tensor
        if let table = weights.encoderPositions {
            positions = table
        } else if case .fairseqSinusoidal(let limit, let firstRow) = config.positionEncoding {
            positions = Self.fairseqPositions(count: limit, dimension: d, firstRow: firstRow)
        } else if case .sinusoidal(let limit) = config.positionEncoding {
            positions = Self.marianPositions(count: limit ?? Self.defaultPositionCount, dimension: d)
        } else {
            positions = Self.marianPositions(count: Self.defaultPositionCount, dimension: d)
        }
        self.init(
            modelDimension: d, heads: config.encoderHeads, preNorm: config.normalization == .preNorm,
            embeddingScale: config.embeddingScale, startFromZeroEmbedding: config.decoderStartsFromZeroEmbedding,
            positions: positions, sourceEmbeddings: weights.sourceEmbedding, targetEmbeddings: weights.targetEmbedding,
            outputProjection: linear(weights.output),
            encoderLayers: weights.encoderLayers.map {
                EncoderLayerWeights(selfAttention: selfAttention($0.selfAttention, heads: config.encoderHeads), feedForward: feedForward($0.feedForward))
            },
            decoderLayers: weights.decoderLayers.map {
                DecoderLayerWeights(
                    selfAttention: selfAttention($0.selfAttention, heads: config.decoderHeads),
                    crossAttention: AttentionWeights(heads: config.decoderHeads, query: linear($0.crossAttention.query),
                                                     keyValue: fused([$0.crossAttention.key, $0.crossAttention.value]),
                                                     output: linear($0.crossAttention.output), norm: norm($0.crossAttention.layerNorm)),
                    feedForward: feedForward($0.feedForward))
            },
            encoderFinalNorm: weights.encoderFinalNorm.map(norm), decoderFinalNorm: weights.decoderFinalNorm.map(norm))
        encoderEmbeddingNorm = weights.encoderEmbeddingNorm.map(norm)
        decoderEmbeddingNorm = weights.decoderEmbeddingNorm.map(norm)
    }
}
