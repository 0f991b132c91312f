import Tensor

/// The names configurations give the feed-forward activation (`RowOps.Activation`, from the
/// Tensor module, names the function computed).
enum ActivationNames {
    /// Marian `transformer-ffn-activation` values (CTranslate2's converter accepts these three);
    /// Marian's gelu is the sigmoid form x·σ(1.702x).
    static let marian: [String: RowOps.Activation] = ["relu": .relu, "swish": .swish, "gelu": .geluSigmoid]
    /// HF `activation_function` values, mapped as CTranslate2's Transformers converter maps them:
    /// `gelu` is the erf form, `quick_gelu` the sigmoid form, `gelu_new` the tanh form.
    static let huggingFace: [String: RowOps.Activation] = [
        "relu": .relu, "swish": .swish, "silu": .swish, "quick_gelu": .geluSigmoid,
        "gelu": .gelu, "gelu_python": .gelu,
        "gelu_new": .geluTanh, "gelu_fast": .geluTanh, "gelu_pytorch_tanh": .geluTanh,
    ]
}

/// Where each sub-layer's layer norm sits.
public enum NormPlacement: String, Sendable, Equatable {
    /// `x = LN(x + sublayer(x))` (Marian `transformer-postprocess: dan`, every HF MarianMTModel).
    case postNorm
    /// `x = x + sublayer(LN(x))`, plus a final layer norm after each stack (Marian
    /// `transformer-preprocess: n`, `transformer-postprocess: da`, `transformer-postprocess-top: n`).
    case preNorm
}

/// Which embedding matrices are one matrix.
public enum EmbeddingTying: String, Sendable, Equatable {
    /// Source embedding = target embedding = output projection (Marian `Wemb`; HF `model.shared.weight` without `lm_head.weight`).
    case all
    /// Target embedding = output projection; the source embedding is its own (Marian `encoder_Wemb`
    /// + `decoder_Wemb`, no `decoder_ff_logit_out_W*`; HF separate `embed_tokens`, tied `lm_head`).
    case decoderOutput
    /// Source embedding = target embedding; the output projection is its own.
    case sourceTarget
    /// Three separate matrices.
    case none
}

/// How positions are encoded. Positions count from 0 in both stacks; the position vector is
/// added after the token embedding has been scaled by `embeddingScale`.
public enum PositionEncoding: Sendable, Equatable {
    /// The sinusoid of Marian, HF Marian and CTranslate2: for position p and column j < d/2,
    /// sin(p / 10000^(2j/d)); for column d/2 + j, cos(p / 10000^(2j/d)) (sin of the even
    /// frequencies in the first half, cos of the odd ones in the second; computed in double
    /// precision and rounded to fp32, as CTranslate2's converter and HF do). When the weights
    /// carry the table (`encoderPositions`, HF `embed_positions.weight`), use the table.
    /// `limit`: the most positions the model accepts (HF `max_position_embeddings`; nil for a
    /// Marian release, whose sinusoid has no end — CTranslate2 precomputes 2048).
    case sinusoidal(limit: Int?)
    /// Learned position embeddings (Marian `Wpos`), `rows` positions.
    case learned(rows: Int)
    /// M2M-100 / NLLB (fairseq): sin of every frequency exp(-i·ln(10000)/(half-1)) in the first
    /// half, cos in the second; the token at position t (non-padding) reads table row
    /// `firstRow + t` (the padding id + 1), so the model's rows are the table from `firstRow`
    /// on, `limit` of them (HF `max_position_embeddings`), as CTranslate2's converter cuts it.
    case fairseqSinusoidal(limit: Int, firstRow: Int)
}

/// Everything the forward pass and the search need to know about a Marian-architecture
/// encoder-decoder, from either folder layout.
public struct MarianConfig: Sendable, Equatable {
    public var modelDimension: Int
    public var encoderLayers: Int
    public var decoderLayers: Int
    public var encoderHeads: Int
    public var decoderHeads: Int
    public var encoderFeedForwardDimension: Int
    public var decoderFeedForwardDimension: Int
    public var activation: RowOps.Activation
    public var normalization: NormPlacement
    /// Token embeddings are multiplied by this before positions are added (√d for Marian and for
    /// HF `scale_embedding: true`, else 1).
    public var embeddingScale: Float
    /// A layer norm right after embedding + position (Marian `transformer-postprocess-emb`
    /// containing `n`); applies to both stacks.
    public var layerNormEmbedding: Bool
    public var tying: EmbeddingTying
    public var hasOutputBias: Bool
    public var positionEncoding: PositionEncoding
    /// Without HF's appended `<pad>`.
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    /// `</s>` in the source vocabulary: appended to every source sentence (as CTranslate2 does).
    public var sourceEOSID: Int
    /// `</s>` in the target vocabulary: ends a hypothesis.
    public var eosID: Int
    /// `<unk>` in the target vocabulary.
    public var unknownID: Int?
    /// The decoder's first step input is a zero vector, not a token embedding (Marian; CTranslate2
    /// does the same for HF Marian, whose `<pad>` start row is dropped). Always true here.
    public var decoderStartsFromZeroEmbedding: Bool
    /// The decoder's default beam size: `decoder.yml` `beam-size`, or HF `num_beams`.
    public var beamSize: Int?
    /// `decoder.yml` `normalize` (Marian's length-normalization exponent), if given.
    public var lengthNormalization: Double?
    /// Layer norm epsilon to use for parity with CTranslate2 (its `ops::LayerNorm` default).
    public var layerNormEpsilon: Float
    /// The decoder's first input token when it does not start from a zero vector (M2M-100 /
    /// NLLB `decoder_start_token_id`, `</s>`); nil: `eosID`.
    public var decoderStartID: Int? = nil

    /// The position table row of the first token (M2M-100: the padding id + 1; else 0).
    public var positionEncodingFirstRow: Int {
        if case .fairseqSinusoidal(_, let firstRow) = positionEncoding { return firstRow }
        return 0
    }

    public var encoderHeadDimension: Int { modelDimension / encoderHeads }
    public var decoderHeadDimension: Int { modelDimension / decoderHeads }
}
