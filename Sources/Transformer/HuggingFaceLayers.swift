/// The encoder and decoder layers of a transformers BART-family checkpoint: Marian,
/// M2M-100 and NLLB use the same module names (`model.encoder.layers.N.self_attn.q_proj`,
/// `…encoder_attn…`, `fc1`/`fc2`, `…_layer_norm`) and [out, in] weights.
struct HuggingFaceLayers {
    let encoder: [EncoderLayerTensors<WeightReference>]
    let decoder: [DecoderLayerTensors<WeightReference>]

    /// Plans every layer's tensors (checking each shape) and refuses a checkpoint holding
    /// more layers than its configuration says.
    init(plan: PlanBuilder, weights: any WeightSource, file: String, modelDimension d: Int,
         encoderDepth: Int, decoderDepth: Int, encoderFFN: Int, decoderFFN: Int) throws {
        func linear(_ scope: String, _ out: Int, _ inputs: Int, _ reason: String) throws -> LinearTensors<WeightReference> {
            LinearTensors(weight: try plan.matrix(scope + ".weight", [out, inputs], reason),
                          bias: try plan.vector(scope + ".bias", out, reason))
        }
        func attention(_ scope: String, norm normScope: String) throws -> AttentionTensors<WeightReference> {
            AttentionTensors(query: try linear(scope + ".q_proj", d, d, "d_model × d_model"),
                             key: try linear(scope + ".k_proj", d, d, "d_model × d_model"),
                             value: try linear(scope + ".v_proj", d, d, "d_model × d_model"),
                             output: try linear(scope + ".out_proj", d, d, "d_model × d_model"),
                             layerNorm: try Self.norm(plan, normScope, d))
        }
        func feedForward(_ scope: String, _ ffn: Int, _ key: String) throws -> FeedForwardTensors<WeightReference> {
            FeedForwardTensors(inner: try linear(scope + ".fc1", ffn, d, "\(key) × d_model"),
                               outer: try linear(scope + ".fc2", d, ffn, "d_model × \(key)"),
                               layerNorm: try Self.norm(plan, scope + ".final_layer_norm", d))
        }
        encoder = try (0..<encoderDepth).map { i in
            let scope = "model.encoder.layers.\(i)"
            return EncoderLayerTensors(selfAttention: try attention(scope + ".self_attn", norm: scope + ".self_attn_layer_norm"),
                                       feedForward: try feedForward(scope, encoderFFN, "encoder_ffn_dim"))
        }
        decoder = try (0..<decoderDepth).map { i in
            let scope = "model.decoder.layers.\(i)"
            return DecoderLayerTensors(selfAttention: try attention(scope + ".self_attn", norm: scope + ".self_attn_layer_norm"),
                                       crossAttention: try attention(scope + ".encoder_attn", norm: scope + ".encoder_attn_layer_norm"),
                                       feedForward: try feedForward(scope, decoderFFN, "decoder_ffn_dim"))
        }
        for (stack, depth, key) in [("encoder", encoderDepth, "encoder_layers"), ("decoder", decoderDepth, "decoder_layers")]
        where weights.contains("model.\(stack).layers.\(depth).self_attn.q_proj.weight") {
            throw ModelConfigError.inconsistent(file: file, key: key, problem: "is \(depth) but \(weights.location) has 'model.\(stack).layers.\(depth).self_attn.q_proj.weight'")
        }
    }

    /// A layer norm's weight and bias (`scope.weight`, `scope.bias`), each `d` values.
    static func norm(_ plan: PlanBuilder, _ scope: String, _ d: Int) throws -> LayerNormTensors<WeightReference> {
        LayerNormTensors(gamma: try plan.vector(scope + ".weight", d, "d_model \(d)"),
                         beta: try plan.vector(scope + ".bias", d, "d_model \(d)"))
    }
}
