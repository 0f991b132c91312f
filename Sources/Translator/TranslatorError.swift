/// Why a translation request cannot run on this model.
public enum TranslatorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A multilingual model needs the source language (it is the first source token).
    case missingSourceLanguage(model: String)
    /// The model has no token for this language.
    case unknownLanguage(String, model: String, known: [String])
    /// `targetTerms` must give one list per line, or none.
    case termsMismatch(lines: Int, termLists: Int)

    public var description: String {
        switch self {
        case .missingSourceLanguage(let model):
            return "\(model): a multilingual (M2M-100/NLLB) model needs the source language (e.g. eng_Latn, jpn_Jpan, zho_Hans, deu_Latn for NLLB; en, ja, zh, de for M2M-100)"
        case .unknownLanguage(let code, let model, let known):
            let shown = known.count > 12 ? known.prefix(12).joined(separator: ", ") + ", … (\(known.count) in all)" : known.joined(separator: ", ")
            return "\(model): language '\(code)' is not one of the model's language codes (\(shown))"
        case .termsMismatch(let lines, let lists):
            return "translate: \(lists) target-term lists for \(lines) lines (give one list per line, or none)"
        }
    }
}
