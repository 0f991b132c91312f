import Foundation

/// A Hugging Face `config.json`, with accessors whose errors name the file and the key.
struct JSONConfig {
    let file: String
    let object: [String: Any]

    static func read(_ url: URL, role: String) throws -> JSONConfig {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw ModelConfigError.missingFile(path: path, role: role) }
        guard let data = FileManager.default.contents(atPath: path) else { throw ModelConfigError.unreadable(file: path, reason: "cannot read the file") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelConfigError.syntax(file: path, line: nil, problem: "not a JSON object")
        }
        return JSONConfig(file: path, object: object)
    }

    private func present(_ key: String) -> Any? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        return value
    }

    func int(_ key: String) throws -> Int? {
        guard let value = present(key) else { return nil }
        guard !(value is String), let n = jsonInteger(value) else {
            throw ModelConfigError.badValue(file: file, key: key, value: "\(value)", expected: "an integer")
        }
        return n
    }

    func positiveInt(_ key: String) throws -> Int {
        guard let n = try int(key) else { throw ModelConfigError.missingKey(file: file, key: key) }
        guard n > 0 else { throw ModelConfigError.badValue(file: file, key: key, value: String(n), expected: "a positive integer") }
        return n
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = present(key) else { return nil }
        guard let flag = value as? Bool, !(value is String) else {
            throw ModelConfigError.badValue(file: file, key: key, value: "\(value)", expected: "true or false")
        }
        return flag
    }

    func string(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value as? String else {
            throw ModelConfigError.badValue(file: file, key: key, value: "\(value)", expected: "a string")
        }
        return text
    }
}

/// The Hugging Face `MarianMTModel` folder: `config.json`, safetensors weights with HF names,
/// `vocab.json` (+ `target_vocab.json`). HF appends `<pad>` as the last id of each vocabulary
/// (the decoder start); like CTranslate2's converter, the description drops that id and its
/// rows, so the model is the Marian one: decoder started from a zero vector.
enum HuggingFaceMarian {
    struct Vocabularies {
        let source: Vocabulary
        let target: Vocabulary
    }

    /// `separate_vocabs` from `tokenizer_config.json` decides; without it, `target_vocab.json` is
    /// used when present.
    static func vocabularies(in folder: URL) throws -> Vocabularies {
        let sourceURL = folder.appendingPathComponent("vocab.json")
        let targetURL = folder.appendingPathComponent("target_vocab.json")
        var separate = FileManager.default.fileExists(atPath: targetURL.path)
        let tokenizerConfig = folder.appendingPathComponent("tokenizer_config.json")
        if FileManager.default.fileExists(atPath: tokenizerConfig.path),
           let flag = try JSONConfig.read(tokenizerConfig, role: "tokenizer configuration").bool("separate_vocabs") {
            separate = flag
        }
        guard FileManager.default.fileExists(atPath: sourceURL.path) else {
            throw ModelConfigError.missingFile(path: sourceURL.path, role: "the source vocabulary of a Hugging Face Marian folder")
        }
        if separate, !FileManager.default.fileExists(atPath: targetURL.path) {
            throw ModelConfigError.missingFile(path: targetURL.path, role: "the target vocabulary (tokenizer_config.json separate_vocabs is true)")
        }
        let source = try VocabularyReader.readJSON(sourceURL)
        let target = separate ? try VocabularyReader.readJSON(targetURL) : source
        return Vocabularies(source: source, target: target)
    }

    static func describe(_ config: JSONConfig, weights: any WeightSource, vocabularies: inout Vocabularies,
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
        let encoderFFN = try config.positiveInt("encoder_ffn_dim")
        let decoderFFN = try config.positiveInt("decoder_ffn_dim")
        // transformers' MarianConfig defaults, where a key is absent.
        let activationName = try config.string("activation_function") ?? "gelu"
        guard let activation = ActivationNames.huggingFace[activationName] else {
            throw ModelConfigError.unsupported(file: file, key: "activation_function", value: activationName,
                                               problem: "supported: " + ActivationNames.huggingFace.keys.sorted().joined(separator: ", "))
        }
        let scaleEmbedding = try config.bool("scale_embedding") ?? false
        let storedSource = try config.positiveInt("vocab_size")
        let storedTarget = try config.int("decoder_vocab_size") ?? storedSource
        let maxPositions = try config.int("max_position_embeddings") ?? 1024
        let eos = try config.int("eos_token_id") ?? 0
        // `normalize_before` and `normalize_embedding` are ignored: MarianMTModel is post-norm
        // without an embedding norm whatever they say (CTranslate2's converter forces both off).

        // Vocabularies: as many pieces as the config says (CTranslate2 cuts longer vocab.json
        // files to vocab_size); HF's trailing <pad> is dropped with its rows.
        func fit(_ vocabulary: Vocabulary, stored: Int, key: String) throws -> Vocabulary {
            guard vocabulary.count >= stored else {
                throw ModelConfigError.inconsistent(file: file, key: key,
                                                    problem: "is \(stored) but \(vocabulary.file) has \(vocabulary.count) pieces")
            }
            return Vocabulary(file: vocabulary.file, pieces: Array(vocabulary.pieces.prefix(stored)))
        }
        var source = try fit(vocabularies.source, stored: storedSource, key: "vocab_size")
        var target = try fit(vocabularies.target, stored: storedTarget, key: "decoder_vocab_size")
        if source.pieces.last == "<pad>" { source = source.droppingLast(1) }
        if target.pieces.last == "<pad>" { target = target.droppingLast(1) }
        vocabularies = Vocabularies(source: source, target: target)
        let sourceSize = source.count, targetSize = target.count

        let plan = PlanBuilder(weights: weights)
        let sourceName = weights.contains("model.encoder.embed_tokens.weight") ? "model.encoder.embed_tokens.weight" : "model.shared.weight"
        let targetName = weights.contains("model.decoder.embed_tokens.weight") ? "model.decoder.embed_tokens.weight" : "model.shared.weight"
        for (name, side) in [(sourceName, "model.encoder.embed_tokens.weight"), (targetName, "model.decoder.embed_tokens.weight")] where !weights.contains(name) {
            throw WeightFileError.missingTensor(file: weights.location, tensor: side, reason: "neither it nor 'model.shared.weight' is in the weights")
        }
        if sourceName == targetName, storedSource != storedTarget {
            throw ModelConfigError.inconsistent(file: file, key: "decoder_vocab_size",
                                                problem: "is \(storedTarget) but the shared embedding has vocab_size \(storedSource) rows")
        }
        let sourceEmbedding = try plan.leadingRows(sourceName, stored: [storedSource, d], rows: sourceSize, "vocab_size × d_model")
        let targetEmbedding = try plan.leadingRows(targetName, stored: [storedTarget, d], rows: targetSize, "decoder_vocab_size × d_model")
        let outputWeight: WeightReference
        let outputTied: Bool
        if weights.contains("lm_head.weight") {
            outputWeight = try plan.leadingRows("lm_head.weight", stored: [storedTarget, d], rows: targetSize, "decoder_vocab_size × d_model")
            outputTied = false
        } else if try config.bool("tie_word_embeddings") ?? true {
            outputWeight = targetEmbedding
            outputTied = true
        } else {
            throw WeightFileError.missingTensor(file: weights.location, tensor: "lm_head.weight", reason: "\(file) has tie_word_embeddings false")
        }
        let outputBias = weights.contains("final_logits_bias")
            ? try plan.leadingValues("final_logits_bias", stored: storedTarget, count: targetSize, "decoder_vocab_size")
            : nil
        let tying: EmbeddingTying = sourceName == targetName ? (outputTied ? .all : .sourceTarget) : (outputTied ? .decoderOutput : .none)

        let layers = try HuggingFaceLayers(plan: plan, weights: weights, file: file, modelDimension: d,
                                           encoderDepth: encoderDepth, decoderDepth: decoderDepth, encoderFFN: encoderFFN, decoderFFN: decoderFFN)
        func positions(_ name: String) throws -> WeightReference? {
            guard weights.contains(name) else { return nil }
            return try plan.matrix(name, [maxPositions, d], "max_position_embeddings × d_model")
        }

        let weightPlan = TransformerWeightPlan(
            sourceEmbedding: sourceEmbedding, targetEmbedding: targetEmbedding,
            encoderPositions: try positions("model.encoder.embed_positions.weight"),
            decoderPositions: try positions("model.decoder.embed_positions.weight"),
            encoderEmbeddingNorm: nil, decoderEmbeddingNorm: nil,
            encoderLayers: layers.encoder, decoderLayers: layers.decoder,
            encoderFinalNorm: nil, decoderFinalNorm: nil,
            output: LinearTensors(weight: outputWeight, bias: outputBias))
        let beamSize = try generation?.int("num_beams") ?? config.int("num_beams")
        let unknown = target.id(of: "<unk>")
        guard eos >= 0, eos < targetSize else {
            throw ModelConfigError.badValue(file: file, key: "eos_token_id", value: String(eos), expected: "an id of the target vocabulary (0 ..< \(targetSize))")
        }
        let marianConfig = MarianConfig(
            modelDimension: d, encoderLayers: encoderDepth, decoderLayers: decoderDepth,
            encoderHeads: encoderHeads, decoderHeads: decoderHeads,
            encoderFeedForwardDimension: encoderFFN, decoderFeedForwardDimension: decoderFFN,
            activation: activation, normalization: .postNorm,
            embeddingScale: scaleEmbedding ? Float(Double(d).squareRoot()) : 1, layerNormEmbedding: false,
            tying: tying, hasOutputBias: outputBias != nil, positionEncoding: .sinusoidal(limit: maxPositions),
            sourceVocabularySize: sourceSize, targetVocabularySize: targetSize,
            sourceEOSID: source.id(of: "</s>") ?? eos, eosID: eos, unknownID: unknown, decoderStartsFromZeroEmbedding: true,
            beamSize: beamSize, lengthNormalization: nil, layerNormEpsilon: 1e-5)
        return (marianConfig, weightPlan)
    }
}
