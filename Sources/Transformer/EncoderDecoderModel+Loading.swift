import Tensor

extension EncoderDecoderModel {
    /// CTranslate2 precomputes this many sinusoid positions for models without a table.
    static let defaultPositionCount = 2048

    /// The compute layers of a loaded model: fused QKV for self-attention, fused KV for
    /// cross-attention, the position table, and CTranslate2's layer-norm epsilon.
    public init(_ loaded: LoadedModel) {
        var weights = loaded.weights
        self.init(config: loaded.config, releasing: &weights)
    }

    /// As `init(_:)`, from weights the caller owns: each fused QKV / KV weight replaces its
    /// parts in `weights` as it is made, so that, when the caller holds no other reference,
    /// loading never holds the parts and all the fused copies at once (the peak stays near
    /// the size of the model).
    public init(config: MarianConfig, releasing weights: inout TransformerWeights) {
        let d = config.modelDimension, epsilon = config.layerNormEpsilon
        let released = Tensor(shape: [0, 0])
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
        var encoderLayers: [EncoderLayerWeights] = []
        for i in weights.encoderLayers.indices {
            let layer = weights.encoderLayers[i]
            encoderLayers.append(EncoderLayerWeights(selfAttention: selfAttention(layer.selfAttention, heads: config.encoderHeads),
                                                     feedForward: feedForward(layer.feedForward)))
            for path in [\AttentionTensors<Tensor>.query, \.key, \.value] {
                weights.encoderLayers[i].selfAttention[keyPath: path].weight = released
            }
        }
        var decoderLayers: [DecoderLayerWeights] = []
        for i in weights.decoderLayers.indices {
            let layer = weights.decoderLayers[i]
            decoderLayers.append(DecoderLayerWeights(
                selfAttention: selfAttention(layer.selfAttention, heads: config.decoderHeads),
                crossAttention: AttentionWeights(heads: config.decoderHeads, query: linear(layer.crossAttention.query),
                                                 keyValue: fused([layer.crossAttention.key, layer.crossAttention.value]),
                                                 output: linear(layer.crossAttention.output), norm: norm(layer.crossAttention.layerNorm)),
                feedForward: feedForward(layer.feedForward)))
            for path in [\AttentionTensors<Tensor>.query, \.key, \.value] {
                weights.decoderLayers[i].selfAttention[keyPath: path].weight = released
            }
            weights.decoderLayers[i].crossAttention.key.weight = released
            weights.decoderLayers[i].crossAttention.value.weight = released
        }
        self.init(
            modelDimension: d, heads: config.encoderHeads, preNorm: config.normalization == .preNorm,
            embeddingScale: config.embeddingScale, startFromZeroEmbedding: config.decoderStartsFromZeroEmbedding,
            positions: positions, sourceEmbeddings: weights.sourceEmbedding, targetEmbeddings: weights.targetEmbedding,
            outputProjection: linear(weights.output),
            encoderLayers: encoderLayers, decoderLayers: decoderLayers,
            encoderFinalNorm: weights.encoderFinalNorm.map(norm), decoderFinalNorm: weights.decoderFinalNorm.map(norm))
        encoderEmbeddingNorm = weights.encoderEmbeddingNorm.map(norm)
        decoderEmbeddingNorm = weights.decoderEmbeddingNorm.map(norm)
    }
}
