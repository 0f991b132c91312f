/// Patent-aware sentence segmentation: ICU sentence boundaries under `PatentSentenceRules`,
/// so "FIG. 1A", "U.S. Pat. No. 5,123,456" or "1. A device" do not end a sentence.
///
/// A value type holding compiled rules: cheap to share across tasks; each call opens its
/// own ICU iterator from them.
public struct SentenceSegmenter: Sendable {
    /// The segmenter for patent text, built from `PatentSentenceRules.source`.
    public static let patent: SentenceSegmenter = {
        do {
            return try SentenceSegmenter(rules: PatentSentenceRules.source)
        } catch {
            preconditionFailure("built-in patent sentence rules do not compile: \(error)")
        }
    }()

    private let compiledRules: [UInt8]

    /// A segmenter from ICU sentence-break rule source; bad rules throw
    /// `ICUError.invalidRules` naming the line and offset.
    public init(rules: String) throws {
        compiledRules = try ICUBreakIterator(rules: rules).compiledRules()
    }

    /// Sentence ranges covering all of `text`, each with its trailing spaces and any
    /// paragraph separator (as ICU returns them).
    public func sentenceRanges(in text: String) throws -> [Range<String.Index>] {
        try ICUBreakIterator(compiledRules: compiledRules).segments(in: text).map(\.range)
    }

    public func sentences(in text: String) throws -> [Substring] {
        try sentenceRanges(in: text).map { text[$0] }
    }
}
