import Foundation

/// `decoder.yml` of a Marian release: which files make the model, and the decoding defaults.
public struct MarianDecoderOptions: Sendable, Equatable {
    public var file: String
    /// As written (resolve with `url(for:)`); the first is the model (further ones would be an ensemble).
    public var models: [String]
    /// Source vocabulary first, target vocabulary last (the same file twice for a joint vocabulary).
    public var vocabs: [String]
    public var beamSize: Int?
    /// Length-normalization exponent (`normalize: 0.6`; `1` = divide by length).
    public var normalize: Double?
    public var wordPenalty: Double?
    public var maxLengthFactor: Double?
    public var miniBatch: Int?
    public var maxiBatch: Int?
    public var relativePaths: Bool?

    public static func read(_ url: URL) throws -> MarianDecoderOptions {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw ModelConfigError.missingFile(path: path, role: "Marian decoder configuration") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ModelConfigError.unreadable(file: path, reason: "not readable UTF-8 text")
        }
        let yaml = try MiniYAML.parseMapping(text, file: path)
        guard let models = try yaml.stringList("models"), !models.isEmpty else { throw ModelConfigError.missingKey(file: path, key: "models") }
        guard let vocabs = try yaml.stringList("vocabs"), !vocabs.isEmpty else { throw ModelConfigError.missingKey(file: path, key: "vocabs") }
        var normalize: Double?
        if let text = try yaml.string("normalize") {
            switch text.lowercased() {
            case "true", "yes", "on": normalize = 1
            case "false", "no", "off": normalize = 0
            default: normalize = try yaml.double("normalize")
            }
        }
        let beamSize = try yaml.int("beam-size")
        if let beamSize, beamSize < 1 {
            throw ModelConfigError.badValue(file: path, key: "beam-size", value: String(beamSize), expected: "a positive integer")
        }
        return MarianDecoderOptions(
            file: path, models: models, vocabs: vocabs, beamSize: beamSize, normalize: normalize,
            wordPenalty: try yaml.double("word-penalty"), maxLengthFactor: try yaml.double("max-length-factor"),
            miniBatch: try yaml.int("mini-batch"), maxiBatch: try yaml.int("maxi-batch"),
            relativePaths: try yaml.bool("relative-paths"))
    }

    /// A file named in `decoder.yml`, found in `folder`: relative names are relative to the
    /// folder (release folders are moved around, so `relative-paths: false` is read the same
    /// way), and an absolute path that does not exist falls back to its file name in the folder.
    public func url(for name: String, in folder: URL) -> URL {
        if name.hasPrefix("/") {
            if FileManager.default.fileExists(atPath: name) { return URL(fileURLWithPath: name) }
            return folder.appendingPathComponent((name as NSString).lastPathComponent)
        }
        return folder.appendingPathComponent(name)
    }
}

/// Marian's model configuration (`special:model.yml` in the npz) and tensor names.
enum MarianRelease {
    /// The YAML text stored as a byte array (`|i1`/`|u1`) with a trailing NUL.
    static func modelYAML(from weights: any WeightSource) throws -> YAMLMap {
        let key = "special:model.yml"
        let label = weights.location + " [" + key + "]"
        guard let info = weights.info(key) else {
            throw WeightFileError.missingTensor(file: weights.location, tensor: key, reason: "a Marian npz carries its model configuration there")
        }
        guard info.dtype == .int8 || info.dtype == .uint8 else {
            throw WeightFileError.unsupportedDType(file: weights.location, tensor: key, dtype: info.dtype.rawValue, problem: "expected the YAML text as bytes (|i1 or |u1)")
        }
        var bytes = try weights.withUnsafeRawBytes(key) { [UInt8]($0) }
        while bytes.last == 0 { bytes.removeLast() }
        guard let text = utf8String(bytes) else {
            throw ModelConfigError.syntax(file: label, line: nil, problem: "the model configuration is not UTF-8 text")
        }
        return try MiniYAML.parseMapping(text, file: label)
    }

    static let supportedPostprocessEmb: Set<String> = ["", "d", "n", "nd"]

    /// The configuration and the tensor plan, validated against each other (as CTranslate2's
    /// Marian converter validates the options, plus every tensor's presence, dtype and shape).
    static func describe(_ yaml: YAMLMap, weights: any WeightSource, decoder: MarianDecoderOptions?) throws -> (MarianConfig, TransformerWeightPlan) {
        let file = yaml.file
        func unsupported(_ key: String, _ value: String, _ problem: String) -> ModelConfigError {
            .unsupported(file: file, key: key, value: value, problem: problem)
        }
        func positive(_ key: String) throws -> Int {
            let n = try yaml.requiredInt(key)
            guard n > 0 else { throw ModelConfigError.badValue(file: file, key: key, value: String(n), expected: "a positive integer") }
            return n
        }

        let type = try yaml.requiredString("type")
        guard type == "transformer" else { throw unsupported("type", type, "only Marian transformers are supported") }
        let autoregression = try yaml.string("transformer-decoder-autoreg") ?? "self-attention"
        guard autoregression == "self-attention" else {
            throw unsupported("transformer-decoder-autoreg", autoregression, "only self-attention decoders are supported")
        }
        if try yaml.bool("transformer-no-projection") == true {
            throw unsupported("transformer-no-projection", "true", "attention without output projection is not supported")
        }
        if try yaml.bool("right-left") == true {
            throw unsupported("right-left", "true", "right-to-left models are not supported")
        }
        if let tied = try yaml.stringList("transformer-tied-layers"), !tied.isEmpty {
            throw unsupported("transformer-tied-layers", "[" + tied.joined(separator: ", ") + "]", "tied layers are not supported")
        }
        let activationName = try yaml.requiredString("transformer-ffn-activation")
        guard let activation = ActivationNames.marian[activationName] else {
            throw unsupported("transformer-ffn-activation", activationName, "supported activations are relu, swish and gelu")
        }
        let ffnDepth = try yaml.int("transformer-ffn-depth") ?? 2
        guard ffnDepth == 2 else { throw unsupported("transformer-ffn-depth", String(ffnDepth), "only two-layer feed-forward blocks are supported") }
        let decoderFFNDepth = try yaml.int("transformer-decoder-ffn-depth") ?? 0
        guard decoderFFNDepth == 0 || decoderFFNDepth == 2 else {
            throw unsupported("transformer-decoder-ffn-depth", String(decoderFFNDepth), "only two-layer feed-forward blocks are supported")
        }
        let postprocessEmb = try yaml.string("transformer-postprocess-emb") ?? "d"
        guard supportedPostprocessEmb.contains(postprocessEmb) else {
            throw unsupported("transformer-postprocess-emb", postprocessEmb, "supported values are '', d, n, nd")
        }
        let preprocess = try yaml.string("transformer-preprocess") ?? ""
        let postprocess = try yaml.string("transformer-postprocess") ?? "dan"
        let postprocessTop = try yaml.string("transformer-postprocess-top") ?? ""
        let normalization: NormPlacement
        if preprocess.contains("n") {
            guard preprocess == "n", postprocess == "da", postprocessTop == "n" else {
                throw unsupported("transformer-preprocess", "\(preprocess)' / postprocess '\(postprocess)' / postprocess-top '\(postprocessTop)",
                                  "a pre-norm transformer needs transformer-preprocess n, transformer-postprocess da, transformer-postprocess-top n")
            }
            normalization = .preNorm
        } else {
            guard preprocess == "", postprocess == "dan", postprocessTop == "" else {
                throw unsupported("transformer-postprocess", "\(postprocess)' (preprocess '\(preprocess)', postprocess-top '\(postprocessTop)')",
                                  "a post-norm transformer needs transformer-preprocess '', transformer-postprocess dan, transformer-postprocess-top ''")
            }
            normalization = .postNorm
        }

        let d = try positive("dim-emb")
        let heads = try positive("transformer-heads")
        guard d % heads == 0 else {
            throw ModelConfigError.inconsistent(file: file, key: "transformer-heads", problem: "\(heads) heads do not divide dim-emb \(d)")
        }
        let encoderDepth = try positive("enc-depth")
        let decoderDepth = try positive("dec-depth")
        let ffn = try positive("transformer-dim-ffn")
        let decoderFFN = try yaml.int("transformer-decoder-dim-ffn").flatMap { $0 > 0 ? $0 : nil } ?? ffn
        guard let dimVocabs = try yaml.intList("dim-vocabs"), dimVocabs.count >= 2, dimVocabs.allSatisfy({ $0 > 0 }) else {
            throw ModelConfigError.badValue(file: file, key: "dim-vocabs", value: yaml.value("dim-vocabs")?.summary ?? "(missing)",
                                            expected: "a list of source and target vocabulary sizes")
        }
        let sourceSize = dimVocabs[0], targetSize = dimVocabs[dimVocabs.count - 1]
        let layerNormEmbedding = postprocessEmb.contains("n")

        // Tensors.
        let plan = PlanBuilder(weights: weights)
        let ymlName = "special:model.yml"
        let sourceName = weights.contains("encoder_Wemb") ? "encoder_Wemb" : "Wemb"
        let targetName = weights.contains("decoder_Wemb") ? "decoder_Wemb" : "Wemb"
        if !weights.contains(sourceName) {
            throw WeightFileError.missingTensor(file: weights.location, tensor: "encoder_Wemb", reason: "neither 'encoder_Wemb' nor the shared 'Wemb' is in the file")
        }
        if !weights.contains(targetName) {
            throw WeightFileError.missingTensor(file: weights.location, tensor: "decoder_Wemb", reason: "neither 'decoder_Wemb' nor the shared 'Wemb' is in the file")
        }
        if sourceName == targetName, sourceSize != targetSize {
            throw ModelConfigError.inconsistent(file: file, key: "dim-vocabs",
                                                problem: "the shared embedding 'Wemb' needs one vocabulary size, but dim-vocabs is \(dimVocabs)")
        }
        let sourceEmbedding = try plan.matrix(sourceName, [sourceSize, d], "\(ymlName) dim-vocabs[0] × dim-emb")
        let targetEmbedding = try plan.matrix(targetName, [targetSize, d], "\(ymlName) dim-vocabs[-1] × dim-emb")

        let outputWeight: WeightReference
        let outputTied: Bool
        if weights.contains("decoder_ff_logit_out_W") {
            outputWeight = try plan.matrix("decoder_ff_logit_out_W", [d, targetSize], "dim-emb × target vocabulary", transpose: true)
            outputTied = false
        } else if weights.contains("decoder_ff_logit_out_Wt") {
            outputWeight = try plan.matrix("decoder_ff_logit_out_Wt", [targetSize, d], "target vocabulary × dim-emb")
            outputTied = false
        } else {
            outputWeight = targetEmbedding
            outputTied = true
        }
        let outputBias = try plan.optionalVector("decoder_ff_logit_out_b", targetSize, "target vocabulary size dim-vocabs[-1]")
        let tying: EmbeddingTying = sourceName == targetName ? (outputTied ? .all : .sourceTarget) : (outputTied ? .decoderOutput : .none)

        let lnSuffix = normalization == .preNorm ? "_pre" : ""
        func norm(_ prefix: String) throws -> LayerNormTensors<WeightReference> {
            LayerNormTensors(gamma: try plan.vector(prefix + "_ln_scale" + lnSuffix, d, "dim-emb \(d)"),
                             beta: try plan.vector(prefix + "_ln_bias" + lnSuffix, d, "dim-emb \(d)"))
        }
        func attention(_ scope: String) throws -> AttentionTensors<WeightReference> {
            func linear(_ m: String) throws -> LinearTensors<WeightReference> {
                LinearTensors(weight: try plan.matrix("\(scope)_W\(m)", [d, d], "dim-emb × dim-emb", transpose: true),
                              bias: try plan.vector("\(scope)_b\(m)", d, "dim-emb \(d)"))
            }
            return AttentionTensors(query: try linear("q"), key: try linear("k"), value: try linear("v"), output: try linear("o"),
                                    layerNorm: try norm(scope + "_Wo"))
        }
        func feedForward(_ scope: String, _ inner: Int, _ innerKey: String) throws -> FeedForwardTensors<WeightReference> {
            FeedForwardTensors(
                inner: LinearTensors(weight: try plan.matrix(scope + "_W1", [d, inner], "dim-emb × \(innerKey)", transpose: true),
                                     bias: try plan.vector(scope + "_b1", inner, "\(innerKey) \(inner)")),
                outer: LinearTensors(weight: try plan.matrix(scope + "_W2", [inner, d], "\(innerKey) × dim-emb", transpose: true),
                                     bias: try plan.vector(scope + "_b2", d, "dim-emb \(d)")),
                layerNorm: try norm(scope + "_ffn"))
        }
        let encoderLayers = try (1...encoderDepth).map { i in
            EncoderLayerTensors(selfAttention: try attention("encoder_l\(i)_self"),
                                feedForward: try feedForward("encoder_l\(i)_ffn", ffn, "transformer-dim-ffn"))
        }
        let decoderLayers = try (1...decoderDepth).map { i in
            DecoderLayerTensors(selfAttention: try attention("decoder_l\(i)_self"),
                                crossAttention: try attention("decoder_l\(i)_context"),
                                feedForward: try feedForward("decoder_l\(i)_ffn", decoderFFN, "transformer-decoder-dim-ffn"))
        }
        for (scope, depth) in [("encoder", encoderDepth), ("decoder", decoderDepth)] where weights.contains("\(scope)_l\(depth + 1)_self_Wq") {
            throw ModelConfigError.inconsistent(file: file, key: scope == "encoder" ? "enc-depth" : "dec-depth",
                                                problem: "is \(depth) but \(weights.location) has a layer \(depth + 1) ('\(scope)_l\(depth + 1)_self_Wq')")
        }
        func embeddingNorm(_ scope: String) throws -> LayerNormTensors<WeightReference>? {
            guard layerNormEmbedding else { return nil }
            return LayerNormTensors(gamma: try plan.vector("\(scope)_emb_ln_scale_pre", d, "transformer-postprocess-emb '\(postprocessEmb)', dim-emb \(d)"),
                                    beta: try plan.vector("\(scope)_emb_ln_bias_pre", d, "transformer-postprocess-emb '\(postprocessEmb)', dim-emb \(d)"))
        }
        func finalNorm(_ scope: String) throws -> LayerNormTensors<WeightReference>? {
            guard normalization == .preNorm else { return nil }
            return LayerNormTensors(gamma: try plan.vector("\(scope)_top_ln_scale", d, "transformer-postprocess-top n, dim-emb \(d)"),
                                    beta: try plan.vector("\(scope)_top_ln_bias", d, "transformer-postprocess-top n, dim-emb \(d)"))
        }
        var positions: WeightReference?
        var positionEncoding = PositionEncoding.sinusoidal(limit: nil)
        if let info = weights.info("Wpos") {
            positions = try plan.matrix("Wpos", [info.shape.first ?? 0, d], "positions × dim-emb")
            positionEncoding = .learned(rows: info.shape.first ?? 0)
        }

        let weightPlan = TransformerWeightPlan(
            sourceEmbedding: sourceEmbedding, targetEmbedding: targetEmbedding,
            encoderPositions: positions, decoderPositions: positions,
            encoderEmbeddingNorm: try embeddingNorm("encoder"), decoderEmbeddingNorm: try embeddingNorm("decoder"),
            encoderLayers: encoderLayers, decoderLayers: decoderLayers,
            encoderFinalNorm: try finalNorm("encoder"), decoderFinalNorm: try finalNorm("decoder"),
            output: LinearTensors(weight: outputWeight, bias: outputBias))
        let config = MarianConfig(
            modelDimension: d, encoderLayers: encoderDepth, decoderLayers: decoderDepth,
            encoderHeads: heads, decoderHeads: heads,
            encoderFeedForwardDimension: ffn, decoderFeedForwardDimension: decoderFFN,
            activation: activation, normalization: normalization,
            embeddingScale: Float(Double(d).squareRoot()), layerNormEmbedding: layerNormEmbedding,
            tying: tying, hasOutputBias: outputBias != nil, positionEncoding: positionEncoding,
            sourceVocabularySize: sourceSize, targetVocabularySize: targetSize,
            sourceEOSID: 0, eosID: 0, unknownID: 1, decoderStartsFromZeroEmbedding: true,
            beamSize: decoder?.beamSize, lengthNormalization: decoder?.normalize, layerNormEpsilon: 1e-5)
        return (config, weightPlan)
    }
}

/// Looks tensors up for a plan: presence, a float dtype and the shape the configuration implies.
struct PlanBuilder {
    let weights: any WeightSource

    private func info(_ name: String, _ reason: String) throws -> TensorInfo {
        guard let info = weights.info(name) else {
            throw WeightFileError.missingTensor(file: weights.location, tensor: name, reason: "the configuration needs it: \(reason)")
        }
        guard info.dtype.isReadableAsFloat else {
            throw WeightFileError.unsupportedDType(file: info.file, tensor: name, dtype: info.dtype.rawValue, problem: "weights must be F32, F16 or BF16")
        }
        return info
    }

    /// A matrix stored as `stored` ([in, out] when `transpose`, giving [out, in]).
    func matrix(_ name: String, _ stored: [Int], _ reason: String, transpose: Bool = false) throws -> WeightReference {
        let info = try info(name, reason)
        guard info.shape == stored else {
            throw WeightFileError.shapeMismatch(file: info.file, tensor: name, expected: stored, found: info.shape, reason: reason)
        }
        return WeightReference(name: name, transpose: transpose, shape: transpose ? [stored[1], stored[0]] : stored)
    }

    /// A vector of `count` values stored as [1, count] (Marian) or [count] (HF), read as [count].
    func vector(_ name: String, _ count: Int, _ reason: String) throws -> WeightReference {
        let info = try info(name, reason)
        guard info.shape == [1, count] || info.shape == [count] else {
            throw WeightFileError.shapeMismatch(file: info.file, tensor: name, expected: [1, count], found: info.shape, reason: reason)
        }
        return WeightReference(name: name, shape: [count])
    }

    func optionalVector(_ name: String, _ count: Int, _ reason: String) throws -> WeightReference? {
        weights.contains(name) ? try vector(name, count, reason) : nil
    }

    /// The leading `rows` rows of a [stored[0], stored[1]] matrix (HF's `<pad>` row dropped).
    func leadingRows(_ name: String, stored: [Int], rows: Int, _ reason: String) throws -> WeightReference {
        let full = try matrix(name, stored, reason)
        return WeightReference(name: full.name, shape: [rows, stored[1]])
    }

    /// The leading `count` values of a [1, stored] or [stored] vector.
    func leadingValues(_ name: String, stored: Int, count: Int, _ reason: String) throws -> WeightReference {
        let full = try vector(name, stored, reason)
        return WeightReference(name: full.name, shape: [count])
    }
}
