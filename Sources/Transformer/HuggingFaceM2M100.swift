import Foundation

/// The Hugging Face `M2M100ForConditionalGeneration` folder (M2M-100 and NLLB-200): pre-norm
/// layers with a final layer norm after each stack, embeddings scaled by √d when
/// `scale_embedding`, fairseq sinusoidal positions that start at the padding id + 1, and a
/// decoder that starts from `decoder_start_token_id` (`</s>`), as CTranslate2's
/// `M2M100Loader` reads it (it forces `normalize_before` on and `normalize_embedding` off).
enum HuggingFaceM2M100 {
    static func describe(_ config: JSONConfig, weights: any WeightSource, vocabularySize: Int,
                         generation: JSONConfig?) throws -> (MarianConfig, TransformerWeightPlan) {
        let file = config.file
        let d = try config.positiveInt("d_model")
        let encoderDepth = try config.positiveInt("encoder_layers")
        let decoderDepth = try config.positiveInt("decoder_layers")
        let encoderHeads = try config.positiveInt("encoder_attention_heads")
        let decoderHeads = try config.positiveInt("decoder_attention_heads")
        for (key, heads) in [("encoder_attention_heads", encoderHeads), ("decoder_attention_heads", decoderHeads)] where d % heads != 0 {
            throw ModelConfigError.inconsistent(file: file, key: key, problem: "\(heads) heads do not divide d_model \(d)")
        }
        guard encoderHeads == decoderHeads else {
            throw ModelConfigError.unsupported(file: file, key: "decoder_attention_heads", value: String(decoderHeads),
                                               problem: "the engine runs one head count for both stacks (encoder_attention_heads is \(encoderHeads))")
        }
        let encoderFFN = try config.positiveInt("encoder_ffn_dim")
        let decoderFFN = try config.positiveInt("decoder_ffn_dim")
        // transformers' M2M100Config defaults, where a key is absent.
        let activationName = try config.string("activation_function") ?? "relu"
        guard let activation = ActivationNames.huggingFace[activationName] else {
            throw ModelConfigError.unsupported(file: file, key: "activation_function", value: activationName,
                                               problem: "supported: " + ActivationNames.huggingFace.keys.sorted().joined(separator: ", "))
        }
        let scaleEmbedding = try config.bool("scale_embedding") ?? true
        let stored = try config.positiveInt("vocab_size")
        let maxPositions = try config.int("max_position_embeddings") ?? 1024
        guard maxPositions > 1 else {
            throw ModelConfigError.badValue(file: file, key: "max_position_embeddings", value: String(maxPositions), expected: "at least 2")
        }
        let pad = try config.int("pad_token_id") ?? 1
        let eos = try config.int("eos_token_id") ?? 2
        let start = try generation?.int("decoder_start_token_id") ?? config.int("decoder_start_token_id") ?? eos
        for (key, id) in [("pad_token_id", pad), ("eos_token_id", eos), ("decoder_start_token_id", start)] where !(0..<stored).contains(id) {
            throw ModelConfigError.badValue(file: file, key: key, value: String(id), expected: "an id of the vocabulary (0 ..< \(stored))")
        }
        guard vocabularySize == stored else {
            throw ModelConfigError.inconsistent(file: file, key: "vocab_size", problem: "is \(stored) but the tokenizer's vocabulary resolves to \(vocabularySize) ids")
        }

        let plan = PlanBuilder(weights: weights)
        func embeddingName(_ side: String) throws -> String {
            let own = "model.\(side).embed_tokens.weight"
            if weights.contains(own) { return own }
            if weights.contains("model.shared.weight") { return "model.shared.weight" }
            throw WeightFileError.missingTensor(file: weights.location, tensor: own, reason: "neither it nor 'model.shared.weight' is in the weights")
        }
        let sourceName = try embeddingName("encoder"), targetName = try embeddingName("decoder")
        let sourceEmbedding = try plan.matrix(sourceName, [stored, d], "vocab_size × d_model")
        let targetEmbedding = try plan.matrix(targetName, [stored, d], "vocab_size × d_model")
        let outputWeight: WeightReference
        let outputTied: Bool
        if weights.contains("lm_head.weight") {
            outputWeight = try plan.matrix("lm_head.weight", [stored, d], "vocab_size × d_model")
            outputTied = false
        } else if try config.bool("tie_word_embeddings") ?? true {
            outputWeight = targetEmbedding
            outputTied = true
        } else {
            throw WeightFileError.missingTensor(file: weights.location, tensor: "lm_head.weight", reason: "\(file) has tie_word_embeddings false")
        }
        let tying: EmbeddingTying = sourceName == targetName ? (outputTied ? .all : .sourceTarget) : (outputTied ? .decoderOutput : .none)

        let layers = try HuggingFaceLayers(plan: plan, weights: weights, file: file, modelDimension: d,
                                           encoderDepth: encoderDepth, decoderDepth: decoderDepth, encoderFFN: encoderFFN, decoderFFN: decoderFFN)
        func norm(_ scope: String) throws -> LayerNormTensors<WeightReference> { try HuggingFaceLayers.norm(plan, scope, d) }
        let weightPlan = TransformerWeightPlan(
            sourceEmbedding: sourceEmbedding, targetEmbedding: targetEmbedding,
            encoderPositions: nil, decoderPositions: nil,
            encoderEmbeddingNorm: nil, decoderEmbeddingNorm: nil,
            encoderLayers: layers.encoder, decoderLayers: layers.decoder,
            encoderFinalNorm: try norm("model.encoder.layer_norm"), decoderFinalNorm: try norm("model.decoder.layer_norm"),
            output: LinearTensors(weight: outputWeight, bias: nil))
        var result = MarianConfig(
            modelDimension: d, encoderLayers: encoderDepth, decoderLayers: decoderDepth,
            encoderHeads: encoderHeads, decoderHeads: decoderHeads,
            encoderFeedForwardDimension: encoderFFN, decoderFeedForwardDimension: decoderFFN,
            activation: activation, normalization: .preNorm,
            embeddingScale: scaleEmbedding ? Float(Double(d).squareRoot()) : 1, layerNormEmbedding: false,
            tying: tying, hasOutputBias: false, positionEncoding: .fairseqSinusoidal(limit: maxPositions, firstRow: pad + 1),
            sourceVocabularySize: stored, targetVocabularySize: stored,
            sourceEOSID: eos, eosID: eos, unknownID: nil, decoderStartsFromZeroEmbedding: false,
            beamSize: try generation?.int("num_beams") ?? config.int("num_beams"), lengthNormalization: nil, layerNormEpsilon: 1e-5)
        result.decoderStartID = start
        return (result, weightPlan)
    }
}
