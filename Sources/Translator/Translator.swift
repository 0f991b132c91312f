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

    public init(modelDirectory: URL) throws {
        // The folder (and its file mapping) is not kept: once the compute layers hold the
        // weights, the mapped pages can go.
        let loaded = try ModelFolder.load(modelDirectory)
        config = loaded.config
        sourceVocabulary = loaded.sourceVocabulary
        targetVocabulary = loaded.targetVocabulary
        model = EncoderDecoderModel(loaded)
        sourcePieces = try SentencePieceProcessor(path: loaded.sourceSentencePiece.path)
        targetPieces = try SentencePieceProcessor(path: loaded.targetSentencePiece.path)
        defaultOptions = TranslationOptions(modelBeamSize: loaded.beamSize)
    }

    /// Translates text lines; an empty line gives an empty result.
    ///
    /// - Parameter targetTerms: empty, or per line the target terms its output must contain,
    ///   one entry per occurrence (a term twice in the source is given twice). They are forced
    ///   by the constrained beam search (beam size ≥ 2; see `TargetTerms` for how a term
    ///   becomes pieces); each hypothesis says which it has in `termsMet`. Lines without
    ///   terms are translated exactly as without this parameter.
    public func translate(_ lines: [String], targetTerms: [[String]] = [], options: TranslationOptions) throws -> [TranslationResult] {
        let pieces = lines.map { line -> [String] in
            line.allSatisfy(\.isWhitespace) ? [] : sourcePieces.encode(line).map(\.pieceString)
        }
        return try translate(pieces: pieces, targetTerms: targetTerms, options: options)
    }

    /// Translates sentences already cut into source pieces (any `>>lang<<` token included).
    public func translate(pieces: [[String]], targetTerms: [[String]] = [], options: TranslationOptions) throws -> [TranslationResult] {
        guard targetTerms.isEmpty || targetTerms.count == pieces.count else {
            throw TranslatorError.termsMismatch(lines: pieces.count, termLists: targetTerms.count)
        }
        BLAS.setThreads(options.threads)
        let unknown = sourceVocabulary.id(of: "<unk>") ?? config.unknownID ?? 1
        let ids = pieces.map { sentence -> [Int32] in
            guard !sentence.isEmpty else { return [] }
            return sentence.map { Int32(sourceVocabulary.id(of: $0) ?? unknown) } + [Int32(config.sourceEOSID)]
        }
        let targetUnknown = Int32(targetVocabulary.id(of: "<unk>") ?? config.unknownID ?? 1)
        let terms = targetTerms.map { TargetTerms($0, pieces: targetPieces, vocabulary: targetVocabulary, unknown: targetUnknown) }
        var results = [TranslationResult](repeating: .empty, count: ids.count)
        // An empty line has no output, so none of its terms is met.
        for (k, list) in terms.enumerated() where ids[k].isEmpty && !list.occurrence.isEmpty {
            results[k] = TranslationResult(hypotheses: [TranslationHypothesis(text: "", tokens: [], ids: [], score: 0,
                                                                             termsMet: list.occurrence.map { _ in false })])
        }
        let live = ids.indices.filter { !ids[$0].isEmpty }
        // Inputs are cut to CTranslate2's max_input_length and to the positions the model
        // has (the source </s> kept last); the result says so.
        let maxLength = max(2, min(options.search.maxInputLength, model.maxPositions))
        var searchOptions = options.search
        searchOptions.maxDecodingLength = min(searchOptions.maxDecodingLength, model.maxPositions)
        let batches = Batcher.batches(lengths: live.map { min(ids[$0].count, maxLength) },
                                      maxSentences: options.maxBatchSentences, maxTokens: options.maxBatchTokens)
        for batch in batches {
            let members = batch.map { live[$0] }
            let sources = members.map { ids[$0].count <= maxLength ? ids[$0] : Array(ids[$0].prefix(maxLength - 1)) + [Int32(config.sourceEOSID)] }
            let encoded = model.encode(sources)
            var decoder = ModelStepDecoder(IncrementalDecoder(model: model, encoded: encoded))
            let start = Int32(config.eosID)
            let constraints = terms.isEmpty ? [] : members.map { terms[$0].constraints }
            let found = try Decoding.search(decoder: &decoder, startTokens: members.map { _ in [start] },
                                   endToken: Int32(config.eosID), unknownToken: config.unknownID.map(Int32.init),
                                   options: searchOptions, constraints: constraints)
            for (member, hypotheses) in zip(members, found) {
                let cut = ids[member].count > maxLength
                results[member] = TranslationResult(
                    hypotheses: hypotheses.map { hypothesis($0, terms: terms.isEmpty ? nil : terms[member]) },
                    warnings: cut ? ["input of \(ids[member].count) tokens cut to \(maxLength) (the model's limit)"] : [])
            }
        }
        return results
    }

    private func hypothesis(_ h: Hypothesis, terms: TargetTerms?) -> TranslationHypothesis {
        var tokens = h.tokens.map { targetVocabulary.piece(Int($0)) ?? "<unk>" }
        if let terms { tokens = terms.restore(tokens, ids: h.tokens, met: h.constraintsMet) }
        return TranslationHypothesis(text: targetPieces.decode(pieces: tokens), tokens: tokens, ids: h.tokens.map(Int.init), score: h.score,
                                     termsMet: terms?.met(h) ?? [])
    }
}

/// Why the Translator refused a call.
public enum TranslatorError: Error, CustomStringConvertible, Equatable {
    case termsMismatch(lines: Int, termLists: Int)

    public var description: String {
        switch self {
        case .termsMismatch(let lines, let lists):
            return "translate: \(lists) target-term lists for \(lines) lines (give one list per line, or none)"
        }
    }
}

/// The model's incremental decoder seen through the search's protocol.
struct ModelStepDecoder: StepDecoder {
    var decoder: IncrementalDecoder

    init(_ decoder: IncrementalDecoder) { self.decoder = decoder }

    var vocabularySize: Int { decoder.model.targetVocabularySize }

    mutating func step(_ tokens: [Int32], logits: inout [Float]) throws {
        logits = decoder.step(tokens)
    }

    mutating func reorder(_ indices: [Int]) throws {
        decoder.reorder(indices)
    }
}
