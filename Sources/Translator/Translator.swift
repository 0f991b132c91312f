import Decoding
import Foundation
import SentencePiece
import Tensor
import Transformer

/// The engine's front door: a model folder in, text in, text out. Loads once; each call
/// cuts lines into pieces, batches them by length, runs the encoder and the search, and
/// turns target pieces back into text.
public final class Translator: Sendable {
    public let config: MarianConfig
    let sourceVocabulary: Vocabulary
    let targetVocabulary: Vocabulary
    let model: EncoderDecoderModel
    let sourcePieces: SentencePieceProcessor
    let targetPieces: SentencePieceProcessor
    /// The model's own defaults (decoder.yml beam size, else 4) with CTranslate2's semantics.
    public let defaultOptions: TranslationOptions
    /// M2M-100 / NLLB: the tokenizer family and its language codes; nil for Marian models.
    public let multilingual: MultilingualTokenizer?
    let multilingualInput: MultilingualInput?
    /// The compute type the model was loaded with; an int8 copy of an fp32 model is made on
    /// the first int8 request.
    public let computeType: ComputeType
    private let int8Cache = QuantizedModelCache()
    private let directory: String

    /// A SentencePiece model's pieces by id, nil for control and unknown pieces: how an NLLB
    /// folder's ids are found (model id = SentencePiece id + 1).
    public static func sentencePiecePieces(_ url: URL) throws -> [String?] {
        try SentencePieceProcessor(path: url.path).model.pieces.map { piece in
            switch piece.type {
            case .normal, .userDefined, .byte: return piece.piece
            case .unknown, .control, .unused: return nil
            }
        }
    }

    /// Opens a model folder of any layout (NLLB folders need the SentencePiece reader).
    public static func openFolder(_ directory: URL) throws -> ModelFolder {
        try ModelFolder.open(directory, sentencePiecePieces: sentencePiecePieces)
    }

    public init(modelDirectory: URL, computeType: ComputeType = .float32) throws {
        // The folder (and its file mapping) is not kept: once the compute layers hold the
        // weights, the mapped pages can go.
        MemoryRelease.fixThreshold
        let loaded = try Self.openFolder(modelDirectory)
        var weights = try loaded.loadWeights()
        multilingual = loaded.multilingual
        multilingualInput = loaded.multilingual.map { MultilingualInput(tokenizer: $0, model: modelDirectory.path) }
        config = loaded.config
        sourceVocabulary = loaded.sourceVocabulary
        targetVocabulary = loaded.targetVocabulary
        let model = EncoderDecoderModel(config: loaded.config, releasing: &weights)
        self.model = computeType == .int8 ? model.quantized() : model
        self.computeType = computeType
        directory = modelDirectory.path
        sourcePieces = try SentencePieceProcessor(path: loaded.sourceSentencePiece.path)
        targetPieces = try SentencePieceProcessor(path: loaded.targetSentencePiece.path)
        defaultOptions = TranslationOptions(modelBeamSize: loaded.beamSize)
        MemoryRelease.trim()
    }

    /// Translates text lines; an empty line gives an empty result. A multilingual model takes
    /// the source language from `options.sourceLanguage` and the target from
    /// `options.targetLanguage` (default Korean); Marian models ignore both.
    ///
    /// - Parameter targetTerms: empty, or per line the target terms its output must contain,
    ///   one entry per occurrence (a term twice in the source is given twice). They are forced
    ///   by the constrained beam search (beam size ≥ 2; see `TargetTerms` for how a term
    ///   becomes pieces); each hypothesis says which it has in `termsMet`. Lines without
    ///   terms are translated exactly as without this parameter.
    public func translate(_ lines: [String], targetTerms: [[String]] = [], options: TranslationOptions) throws -> [TranslationResult] {
        try translate(lines, sourceLanguages: lines.map { _ in options.sourceLanguage }, targetTerms: targetTerms, options: options)
    }

    /// As `translate(_:targetTerms:options:)`, with one source language per line (documents
    /// mix languages).
    public func translate(_ lines: [String], sourceLanguages: [String?], targetTerms: [[String]] = [],
                          options: TranslationOptions) throws -> [TranslationResult] {
        precondition(sourceLanguages.count == lines.count, "\(sourceLanguages.count) source languages for \(lines.count) lines")
        let pieces = lines.map { line -> [String] in
            guard !line.allSatisfy(\.isWhitespace) else { return [] }
            let pieces = sourcePieces.encode(line).map(\.pieceString)
            return multilingualInput?.pieces(pieces, of: line) ?? pieces
        }
        return try translate(pieces: pieces, sourceLanguages: sourceLanguages, targetTerms: targetTerms, options: options)
    }

    /// The model ids of a line as the encoder sees them (`[src_lang] pieces </s>` for M2M-100 /
    /// NLLB, `pieces </s>` for Marian): what the Hugging Face tokenizer's `input_ids` are.
    public func sourceIDs(_ line: String, sourceLanguage: String?) throws -> [Int] {
        try sourceIDs(pieces: multilingualInput?.pieces(sourcePieces.encode(line).map(\.pieceString), of: line)
                        ?? sourcePieces.encode(line).map(\.pieceString), sourceLanguage: sourceLanguage).map(Int.init)
    }

    func sourceIDs(pieces sentence: [String], sourceLanguage: String?) throws -> [Int32] {
        let unknown = sourceVocabulary.id(of: "<unk>") ?? config.unknownID ?? 1
        var ids = sentence.map { Int32(sourceVocabulary.id(of: $0) ?? unknown) } + [Int32(config.sourceEOSID)]
        if let multilingualInput {
            guard let sourceLanguage else { throw TranslatorError.missingSourceLanguage(model: multilingualInput.model) }
            ids.insert(Int32(try multilingualInput.languageID(sourceLanguage)), at: 0)
        }
        return ids
    }

    /// Translates sentences already cut into source pieces (any `>>lang<<` token included).
    public func translate(pieces: [[String]], targetTerms: [[String]] = [], options: TranslationOptions) throws -> [TranslationResult] {
        try translate(pieces: pieces, sourceLanguages: pieces.map { _ in options.sourceLanguage }, targetTerms: targetTerms, options: options)
    }

    public func translate(pieces: [[String]], sourceLanguages: [String?], targetTerms: [[String]] = [],
                          options: TranslationOptions) throws -> [TranslationResult] {
        guard targetTerms.isEmpty || targetTerms.count == pieces.count else {
            throw TranslatorError.termsMismatch(lines: pieces.count, termLists: targetTerms.count)
        }
        let ids = try zip(pieces, sourceLanguages).map { sentence, language -> [Int32] in
            sentence.isEmpty ? [] : try sourceIDs(pieces: sentence, sourceLanguage: language)
        }
        // The decoder starts from </s> (M2M-100: decoder_start_token_id; Marian: a zero vector,
        // whatever the token) and, for a multilingual model, the target language is forced next.
        var start = [Int32(config.decoderStartID ?? config.eosID)]
        if let multilingualInput {
            start.append(Int32(try options.targetLanguage.map(multilingualInput.languageID) ?? multilingualInput.defaultTargetID()))
        }
        let targetUnknown = Int32(targetVocabulary.id(of: "<unk>") ?? config.unknownID ?? 1)
        let terms = targetTerms.map { TargetTerms($0, pieces: targetPieces, vocabulary: targetVocabulary, unknown: targetUnknown) }
        let results = ResultSlots<TranslationResult>(repeating: .empty, count: ids.count)
        // An empty line has no output, so none of its terms is met.
        for (k, list) in terms.enumerated() where ids[k].isEmpty && !list.occurrence.isEmpty {
            results.set(k, TranslationResult(hypotheses: [TranslationHypothesis(text: "", tokens: [], ids: [], score: 0,
                                                                             termsMet: list.occurrence.map { _ in false })]))
        }
        let live = ids.indices.filter { !ids[$0].isEmpty }
        // Inputs are cut to CTranslate2's max_input_length and to the positions the model
        // has (the source </s> kept last); the result says so.
        let maxLength = max(2, min(options.search.maxInputLength, model.maxPositions))
        var searchOptions = options.search
        searchOptions.maxDecodingLength = min(searchOptions.maxDecodingLength, model.maxPositions)
        let batches = Batcher.batches(lengths: live.map { min(ids[$0].count, maxLength) },
                                      maxSentences: options.maxBatchSentences, maxTokens: options.maxBatchTokens)
        // Several batches: one thread each (BatchWorkers); one batch: all threads on its products.
        let workers = max(1, min(options.threads, batches.count))
        BLAS.setThreads(max(1, options.threads / workers))
        let engine = try model(for: options.computeType)
        try BatchWorkers.run(count: batches.count, workers: workers) { b in
            let batch = batches[b]
            let members = batch.map { live[$0] }
            let sources = members.map { ids[$0].count <= maxLength ? ids[$0] : Array(ids[$0].prefix(maxLength - 1)) + [Int32(config.sourceEOSID)] }
            let encoded = engine.encode(sources)
            var decoder = ModelStepDecoder(IncrementalDecoder(model: engine, encoded: encoded))
            let constraints = terms.isEmpty ? [] : members.map { terms[$0].constraints }
            let found = try Decoding.search(decoder: &decoder, startTokens: members.map { _ in start },
                                   endToken: Int32(config.eosID), unknownToken: config.unknownID.map(Int32.init),
                                   options: searchOptions, threads: max(1, options.threads / workers),
                                   constraints: constraints)
            for (member, hypotheses) in zip(members, found) {
                let cut = ids[member].count > maxLength
                results.set(member, TranslationResult(
                    hypotheses: hypotheses.map { hypothesis($0, forced: start.count - 1, terms: terms.isEmpty ? nil : terms[member]) },
                    warnings: cut ? ["input of \(ids[member].count) tokens cut to \(maxLength) (the model's limit)"] : []))
            }
        }
        return results.all
    }

    /// The model in the requested compute type.
    func model(for type: ComputeType) throws -> EncoderDecoderModel {
        switch (type, computeType) {
        case (.float32, .float32), (.int8, .int8): return model
        case (.int8, .float32): return int8Cache.model(from: model)
        case (.float32, .int8): throw ComputeTypeError.floatWeightsReleased(model: directory)
        }
    }

    /// The forced target-language token is left out of tokens, ids and text; special and
    /// language tokens the model generates stay in `tokens` but not in the text. Forced terms
    /// with pieces the vocabulary lacks get their own text back (`TargetTerms.restore`).
    private func hypothesis(_ h: Hypothesis, forced: Int, terms: TargetTerms?) -> TranslationHypothesis {
        var allTokens = h.tokens.map { targetVocabulary.piece(Int($0)) ?? "<unk>" }
        if let terms { allTokens = terms.restore(allTokens, ids: h.tokens, met: h.constraintsMet) }
        let skip = min(forced, h.tokens.count)
        let ids = h.tokens.dropFirst(skip).map(Int.init)
        let tokens = Array(allTokens.dropFirst(skip))
        let special = multilingual?.specialIDs ?? []
        let text = targetPieces.decode(pieces: zip(ids, tokens).filter { !special.contains($0.0) }.map(\.1))
        return TranslationHypothesis(text: text, tokens: tokens, ids: ids, score: h.score, termsMet: terms?.met(h) ?? [])
    }
}

/// The model's incremental decoder seen through the search's protocol.
struct ModelStepDecoder: StepDecoder {
    var decoder: IncrementalDecoder

    init(_ decoder: IncrementalDecoder) { self.decoder = decoder }

    var vocabularySize: Int { decoder.model.targetVocabularySize }

    mutating func step(_ tokens: [Int32], logits: inout [Float]) throws {
        decoder.step(tokens, logits: &logits)
    }

    mutating func reorder(_ indices: [Int]) throws {
        decoder.reorder(indices)
    }
}
