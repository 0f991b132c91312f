import Foundation
import SentencePiece
import Transformer

/// `pmt model info` and `pmt model verify`: what a folder holds, and whether it can work.
public struct ModelInspection: Sendable {
    public let folder: ModelFolder
    /// Share of the SentencePiece model's ordinary pieces that the model vocabulary knows.
    public let sourceCoverage: Double
    public let targetCoverage: Double

    /// Below this share a vocabulary does not belong to its `.spm` (the HF export of
    /// opus-mt-tc-big-en-ko ships the target vocabulary for the source, for example).
    public static let minimumCoverage = 0.9

    public init(_ directory: URL) throws {
        folder = try Translator.openFolder(directory)
        sourceCoverage = try Self.coverage(folder.sourceSentencePiece, folder.sourceVocabulary)
        targetCoverage = try Self.coverage(folder.targetSentencePiece, folder.targetVocabulary)
    }

    static func coverage(_ spm: URL, _ vocabulary: Vocabulary) throws -> Double {
        let processor = try SentencePieceProcessor(path: spm.path)
        let pieces = processor.model.pieces.filter { $0.type == .normal || $0.type == .userDefined }
        guard !pieces.isEmpty else { return 0 }
        return Double(pieces.filter { vocabulary.id(of: $0.piece) != nil }.count) / Double(pieces.count)
    }

    /// Problems that make the folder translate wrongly or not at all; empty when sound.
    /// Loading every tensor (`verifyWeights`) also reads and checks all weight data.
    public func problems(verifyWeights: Bool) -> [String] {
        var problems: [String] = []
        for (side, coverage, spm, vocabulary) in [("source", sourceCoverage, folder.sourceSentencePiece, folder.sourceVocabulary),
                                                  ("target", targetCoverage, folder.targetSentencePiece, folder.targetVocabulary)]
        where coverage < Self.minimumCoverage {
            problems.append("\(vocabulary.file): only \(Int((coverage * 100).rounded()))% of the pieces of \(spm.lastPathComponent) are in the \(side) vocabulary, so most \(side) pieces would map to <unk>; the vocabulary does not belong to this SentencePiece model (a known fault of the Hugging Face export of opus-mt-tc-big-en-ko: use its Marian release)")
        }
        if verifyWeights {
            do {
                let weights = try folder.loadWeights()
                for (path, tensor) in weights.labelled where tensor.storage.contains(where: { !$0.isFinite }) {
                    problems.append("\(folder.weights.location): tensor \(path) holds NaN or infinite values")
                }
            } catch {
                problems.append("\(error)")
            }
        }
        return problems
    }

    public var summary: String {
        let c = folder.config
        var lines = [
            "folder: \(folder.directory.path)",
            "layout: \(folder.layout.rawValue)",
            "architecture: transformer, d \(c.modelDimension), \(c.encoderHeads) heads, FFN \(c.encoderFeedForwardDimension), \(c.encoderLayers)+\(c.decoderLayers) layers, \(c.activation.rawValue), \(c.normalization == .preNorm ? "pre-norm" : "post-norm")",
            "embeddings: tied \(c.tying.rawValue), scale \(c.embeddingScale), output bias \(c.hasOutputBias ? "yes" : "no")",
            "vocabularies: source \(c.sourceVocabularySize) (\(folder.sourceVocabulary.file)), target \(c.targetVocabularySize) (\(folder.targetVocabulary.file))",
            "sentencepiece: \(folder.sourceSentencePiece.lastPathComponent), \(folder.targetSentencePiece.lastPathComponent); coverage source \(Int((sourceCoverage * 100).rounded()))%, target \(Int((targetCoverage * 100).rounded()))%",
            "weights: \(folder.weights.location), \(folder.plan.labelled.count) tensors",
            "beam size: \(folder.beamSize.map(String.init) ?? "not set (pmt uses 4)")",
        ]
        if let multilingual = folder.multilingual {
            lines.append("family: \(multilingual.family == .nllb ? "nllb (NllbTokenizer: SentencePiece id + 1)" : "m2m_100 (M2M100Tokenizer: vocab.json)"), decoder start id \(c.decoderStartID ?? c.eosID), positions from row \(c.positionEncodingFirstRow)")
            lines.append("languages (\(multilingual.languages.count)): " + multilingual.languages.map { "\($0.code)=\($0.id)" }.joined(separator: " "))
        }
        let languages = folder.targetVocabulary.pieces.filter { $0.hasPrefix(">>") && $0.hasSuffix("<<") }
        if !languages.isEmpty { lines.append("target languages: \(languages.joined(separator: " "))") }
        if !folder.unusedTensors.isEmpty { lines.append("unused tensors: \(folder.unusedTensors.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}
