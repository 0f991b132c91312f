import Foundation
import Transformer

/// The Hugging Face tokenizers' rules on top of SentencePiece for the M2M-100 family: the
/// source as `[src_lang] pieces </s>`, the target language forced first, and the language
/// codes users may give.
struct MultilingualInput: Sendable {
    let tokenizer: MultilingualTokenizer
    let model: String

    /// The same languages in both code families, so a caller may say `ja` to an NLLB model or
    /// `jpn_Jpan` to an M2M-100 one (the patent office's languages and their neighbours).
    static let isoToNLLB: [String: String] = [
        "en": "eng_Latn", "ja": "jpn_Jpan", "zh": "zho_Hans", "de": "deu_Latn", "ko": "kor_Hang",
        "fr": "fra_Latn", "es": "spa_Latn", "it": "ita_Latn", "pt": "por_Latn", "ru": "rus_Cyrl",
        "nl": "nld_Latn", "sv": "swe_Latn", "pl": "pol_Latn", "ar": "arb_Arab", "vi": "vie_Latn",
    ]

    /// The language's token id; `code` may be the model's own code or token, or the other
    /// family's code for a language of `isoToNLLB`.
    func languageID(_ code: String) throws -> Int {
        if let language = tokenizer.language(code) { return language.id }
        let other: String?
        switch tokenizer.family {
        case .nllb: other = Self.isoToNLLB[code] ?? (code.hasPrefix("__") ? Self.isoToNLLB[String(code.dropFirst(2).dropLast(2))] : nil)
        case .m2m100: other = Self.isoToNLLB.first { $0.value == code }?.key
        }
        if let other, let language = tokenizer.language(other) { return language.id }
        throw TranslatorError.unknownLanguage(code, model: model, known: tokenizer.languages.map(\.code))
    }

    /// The target when the caller names none: Korean, the service's target language.
    func defaultTargetID() throws -> Int { try languageID(tokenizer.family == .nllb ? "kor_Hang" : "ko") }

    /// NllbTokenizer is a `tokenizers` (fast) tokenizer: its normalizer keeps one space at
    /// the end of a line (SentencePiece strips it), so a line ending in white space gets a
    /// last `▁` piece. M2M100Tokenizer runs SentencePiece itself and does not.
    func pieces(_ pieces: [String], of line: String) -> [String] {
        guard tokenizer.family == .nllb, let last = line.unicodeScalars.last, Self.isSpace(last) else { return pieces }
        return pieces + ["\u{2581}"]
    }

    /// White space after nmt_nfkc normalization (which maps these to U+0020).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}
