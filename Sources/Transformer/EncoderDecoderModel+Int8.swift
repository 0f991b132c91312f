import Tensor

extension EncoderDecoderModel {
    /// The same model with every linear layer (attention, feed-forward, output projection)
    /// in int8: weights quantized per row now, activations per row at run time; embeddings,
    /// layer norms, attention and the softmax stay fp32 (CTranslate2's `int8` compute type).
    /// The fp32 weights of the linear layers are not kept (the copy owns only int8 ones).
    public func quantized() -> EncoderDecoderModel {
        func q(_ l: Linear) -> Linear { l.quantized() }
        func attention(_ a: AttentionWeights) -> AttentionWeights {
            AttentionWeights(heads: a.heads, query: q(a.query), keyValue: a.keyValue.map(q), output: q(a.output), norm: a.norm)
        }
        func feedForward(_ f: FeedForwardWeights) -> FeedForwardWeights {
            FeedForwardWeights(inner: q(f.inner), outer: q(f.outer), norm: f.norm, activation: f.activation)
        }
        var copy = EncoderDecoderModel(
            modelDimension: modelDimension, heads: heads, preNorm: preNorm, embeddingScale: embeddingScale,
            startFromZeroEmbedding: startFromZeroEmbedding, positions: positions, sourceEmbeddings: sourceEmbeddings,
            targetEmbeddings: targetEmbeddings, outputProjection: q(outputProjection),
            encoderLayers: encoderLayers.map { EncoderLayerWeights(selfAttention: attention($0.selfAttention), feedForward: feedForward($0.feedForward)) },
            decoderLayers: decoderLayers.map {
                DecoderLayerWeights(selfAttention: attention($0.selfAttention), crossAttention: attention($0.crossAttention),
                                    feedForward: feedForward($0.feedForward))
            },
            encoderFinalNorm: encoderFinalNorm, decoderFinalNorm: decoderFinalNorm)
        copy.encoderEmbeddingNorm = encoderEmbeddingNorm
        copy.decoderEmbeddingNorm = decoderEmbeddingNorm
        return copy
    }

    /// Whether the linear layers run in int8.
    public var isInt8: Bool { outputProjection.int8 != nil }
}
