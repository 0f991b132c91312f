import Decoding

/// What a caller may set for one translation run; search semantics are CTranslate2's.
public struct TranslationOptions: Sendable, Equatable {
    /// The CLI contract's beam size when neither the user nor the model's decoder.yml sets one.
    public static let fallbackBeamSize = 4

    public var search: SearchOptions
    public var threads: Int
    public var maxBatchTokens: Int
    /// Sentences in one batch at most (CTranslate2's max_batch_size).
    public var maxBatchSentences = 32
    /// M2M-100 / NLLB only: the source language (`eng_Latn`, `jpn_Jpan`, … or `en`, `ja`, …),
    /// required there; Marian models ignore it.
    public var sourceLanguage: String?
    /// M2M-100 / NLLB only: the target language forced as the first token; nil: Korean.
    public var targetLanguage: String?
    /// float32, or int8 linear layers (a Translator loaded as float32 makes its int8 copy
    /// on the first such request).
    public var computeType: ComputeType = .float32

    /// Defaults for a model: its own beam size (decoder.yml) if it names one, else 4.
    public init(modelBeamSize: Int? = nil, threads: Int = 2, maxBatchTokens: Int = 4096) {
        search = SearchOptions()
        search.beamSize = modelBeamSize ?? TranslationOptions.fallbackBeamSize
        self.threads = threads
        self.maxBatchTokens = maxBatchTokens
    }
}
