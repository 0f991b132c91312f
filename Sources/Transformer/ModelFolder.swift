import Foundation

/// A model folder opened and validated: configuration, vocabularies, tokenizer paths and the
/// plan of every tensor, checked against the mapped weight file(s) without reading tensor data.
/// `loadWeights()` (or `ModelFolder.load`) then materializes the tensors.
public struct ModelFolder: Sendable {
    public let directory: URL
    public let layout: ModelLayout
    public let config: MarianConfig
    /// Where every tensor of the common description comes from (validated).
    public let plan: TransformerWeightPlan
    /// The mapped weight file(s); stays alive as long as this value (or a copy) does.
    public let weights: any WeightSource
    /// Ids as the model uses them (Marian: from the vocabulary `.yml`, never from the `.spm`;
    /// HF: `vocab.json`/`target_vocab.json` without the appended `<pad>`).
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary
    /// The SentencePiece models that cut text into pieces (`source.spm`, `target.spm`).
    public let sourceSentencePiece: URL
    public let targetSentencePiece: URL
    /// `decoder.yml` of a Marian release.
    public let decoderOptions: MarianDecoderOptions?
    /// Tensors in the weight file that the description does not use (for `pmt model verify`).
    public let unusedTensors: [String]
    /// M2M-100 / NLLB: the tokenizer family and its language codes; nil for Marian.
    public var multilingual: MultilingualTokenizer? = nil

    /// The decoder's default beam size (`decoder.yml` `beam-size`, HF `num_beams`), if the folder gives one.
    public var beamSize: Int? { config.beamSize }

    /// `sentencePiecePieces` reads a SentencePiece model's pieces by id (nil for control and
    /// unknown pieces): NLLB folders take their ids from it (this module cannot read `.model`
    /// files itself; the Translator module passes its reader).
    public static func open(_ directory: URL, sentencePiecePieces: ((URL) throws -> [String?])? = nil) throws -> ModelFolder {
        let directory = directory.standardizedFileURL
        switch try ModelLayout.detect(in: directory) {
        case .marianRelease: return try openMarianRelease(directory)
        case .huggingFaceMarian: return try openHuggingFaceMarian(directory)
        case .huggingFaceM2M100: return try openHuggingFaceM2M100(directory, pieces: sentencePiecePieces)
        }
    }

    /// Opens, validates and materializes: configuration, weights and vocabularies.
    public static func load(_ directory: URL, sentencePiecePieces: ((URL) throws -> [String?])? = nil) throws -> LoadedModel {
        let folder = try open(directory, sentencePiecePieces: sentencePiecePieces)
        return LoadedModel(folder: folder, weights: try folder.loadWeights())
    }

    /// Every tensor of the description, copied out of the mapping in the common orientation.
    public func loadWeights() throws -> TransformerWeights {
        try plan.load(from: weights)
    }

    // MARK: Marian release

    static func openMarianRelease(_ directory: URL) throws -> ModelFolder {
        let decoder = try MarianDecoderOptions.read(directory.appendingPathComponent("decoder.yml"))
        let modelURL = decoder.url(for: decoder.models[0], in: directory)
        guard FileManager.default.fileExists(atPath: modelURL.path) else {
            throw ModelConfigError.missingFile(path: modelURL.path, role: "the model named by \(decoder.file) models[0]")
        }
        guard modelURL.pathExtension == "npz" else {
            throw ModelConfigError.unsupported(file: decoder.file, key: "models", value: decoder.models[0],
                                               problem: "only .npz Marian models are read (not Marian's binary .bin format)")
        }
        let weights = try MappedWeights.openNPZ(modelURL)
        let yaml = try MarianRelease.modelYAML(from: weights)
        var (config, plan) = try MarianRelease.describe(yaml, weights: weights, decoder: decoder)

        func vocabulary(_ index: Int, _ side: String) throws -> Vocabulary {
            let url = decoder.url(for: decoder.vocabs[index], in: directory)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ModelConfigError.missingFile(path: url.path, role: "the \(side) vocabulary named by \(decoder.file) vocabs[\(index)]")
            }
            return try VocabularyReader.read(url)
        }
        let source = try vocabulary(0, "source")
        let target = try vocabulary(decoder.vocabs.count - 1, "target")
        for (vocabulary, size, which) in [(source, config.sourceVocabularySize, "dim-vocabs[0]"), (target, config.targetVocabularySize, "dim-vocabs[-1]")]
        where vocabulary.count != size {
            throw ModelConfigError.inconsistent(file: yaml.file, key: "dim-vocabs",
                                                problem: "\(which) is \(size) but \(vocabulary.file) has \(vocabulary.count) pieces")
        }
        guard let eos = target.id(of: "</s>") else {
            throw ModelConfigError.inconsistent(file: target.file, key: "</s>", problem: "the target vocabulary has no end-of-sentence piece '</s>'")
        }
        guard let sourceEOS = source.id(of: "</s>") else {
            throw ModelConfigError.inconsistent(file: source.file, key: "</s>", problem: "the source vocabulary has no end-of-sentence piece '</s>'")
        }
        config.eosID = eos
        config.sourceEOSID = sourceEOS
        config.unknownID = target.id(of: "<unk>")
        let (sourceSPM, targetSPM) = try sentencePieceModels(in: directory)
        return ModelFolder(directory: directory, layout: .marianRelease, config: config, plan: plan, weights: weights,
                           sourceVocabulary: source, targetVocabulary: target,
                           sourceSentencePiece: sourceSPM, targetSentencePiece: targetSPM, decoderOptions: decoder,
                           unusedTensors: unused(weights, plan, known: ["special:model.yml"]))
    }

    // MARK: Hugging Face Marian

    static func openHuggingFaceMarian(_ directory: URL) throws -> ModelFolder {
        let configJSON = try JSONConfig.read(directory.appendingPathComponent("config.json"), role: "Hugging Face model configuration")
        let weights = try huggingFaceWeights(directory)
        let generationURL = directory.appendingPathComponent("generation_config.json")
        let generation = FileManager.default.fileExists(atPath: generationURL.path)
            ? try JSONConfig.read(generationURL, role: "generation configuration") : nil
        var vocabularies = try HuggingFaceMarian.vocabularies(in: directory)
        let (config, plan) = try HuggingFaceMarian.describe(configJSON, weights: weights, vocabularies: &vocabularies, generation: generation)
        let (sourceSPM, targetSPM) = try sentencePieceModels(in: directory)
        return ModelFolder(directory: directory, layout: .huggingFaceMarian, config: config, plan: plan, weights: weights,
                           sourceVocabulary: vocabularies.source, targetVocabulary: vocabularies.target,
                           sourceSentencePiece: sourceSPM, targetSentencePiece: targetSPM, decoderOptions: nil,
                           unusedTensors: unused(weights, plan, known: []))
    }

    // MARK: Hugging Face M2M-100 / NLLB

    static func openHuggingFaceM2M100(_ directory: URL, pieces: ((URL) throws -> [String?])?) throws -> ModelFolder {
        let configJSON = try JSONConfig.read(directory.appendingPathComponent("config.json"), role: "Hugging Face model configuration")
        let vocabularySize = try configJSON.positiveInt("vocab_size")
        let (vocabulary, tokenizer) = try MultilingualTokenizerReader.read(directory, configJSON: configJSON,
                                                                           vocabularySize: vocabularySize, pieces: pieces)
        let weights = try huggingFaceWeights(directory)
        let generationURL = directory.appendingPathComponent("generation_config.json")
        let generation = FileManager.default.fileExists(atPath: generationURL.path)
            ? try JSONConfig.read(generationURL, role: "generation configuration") : nil
        var (config, plan) = try HuggingFaceM2M100.describe(configJSON, weights: weights, vocabularySize: vocabulary.count, generation: generation)
        config.unknownID = vocabulary.id(of: "<unk>")
        let spm = directory.appendingPathComponent("sentencepiece.bpe.model")
        return ModelFolder(directory: directory, layout: .huggingFaceM2M100, config: config, plan: plan, weights: weights,
                           sourceVocabulary: vocabulary, targetVocabulary: vocabulary,
                           sourceSentencePiece: spm, targetSentencePiece: spm, decoderOptions: nil,
                           unusedTensors: unused(weights, plan, known: []), multilingual: tokenizer)
    }

    /// `model.safetensors`, or the shards named by `model.safetensors.index.json`.
    static func huggingFaceWeights(_ directory: URL) throws -> MappedWeights {
        let single = directory.appendingPathComponent("model.safetensors")
        let index = directory.appendingPathComponent("model.safetensors.index.json")
        let weights: MappedWeights
        if FileManager.default.fileExists(atPath: single.path) {
            weights = try MappedWeights.openSafetensors(single)
        } else if FileManager.default.fileExists(atPath: index.path) {
            weights = try MappedWeights.openSafetensorsIndex(index)
        } else if FileManager.default.fileExists(atPath: directory.appendingPathComponent("pytorch_model.bin").path) {
            throw ModelConfigError.unsupported(file: directory.appendingPathComponent("pytorch_model.bin").path, key: "weights", value: "pytorch_model.bin",
                                               problem: "PyTorch pickles are not read; save the model with safetensors (save_pretrained(safe_serialization=True))")
        } else {
            throw ModelConfigError.missingFile(path: single.path, role: "the weights of a Hugging Face folder (or model.safetensors.index.json)")
        }
        return weights
    }

    // MARK: Shared

    static func sentencePieceModels(in directory: URL) throws -> (URL, URL) {
        let source = directory.appendingPathComponent("source.spm")
        let target = directory.appendingPathComponent("target.spm")
        for (url, side) in [(source, "source"), (target, "target")] where !FileManager.default.fileExists(atPath: url.path) {
            throw ModelConfigError.missingFile(path: url.path, role: "the \(side) SentencePiece model")
        }
        return (source, target)
    }

    static func unused(_ weights: any WeightSource, _ plan: TransformerWeightPlan, known: Set<String>) -> [String] {
        let used = Set(plan.labelled.map(\.value.name)).union(known)
        return weights.names.filter { !used.contains($0) }
    }
}

/// A model folder with its weights in memory.
public struct LoadedModel: Sendable {
    public let folder: ModelFolder
    public let weights: TransformerWeights

    public var layout: ModelLayout { folder.layout }
    public var config: MarianConfig { folder.config }
    public var sourceVocabulary: Vocabulary { folder.sourceVocabulary }
    public var targetVocabulary: Vocabulary { folder.targetVocabulary }
    public var sourceSentencePiece: URL { folder.sourceSentencePiece }
    public var targetSentencePiece: URL { folder.targetSentencePiece }
    public var beamSize: Int? { folder.beamSize }
    public var multilingual: MultilingualTokenizer? { folder.multilingual }
}
