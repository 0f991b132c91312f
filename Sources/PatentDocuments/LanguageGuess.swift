/// The source language of a text from its script, for multilingual models when neither the
/// document nor the user says it: kana means Japanese, Han without kana Chinese, Hangul
/// Korean; Latin text is German when German function words or letters (ä, ö, ü, ß)
/// clearly outnumber English ones, else English. ISO 639-1 codes.
public enum LanguageGuess {
    public static func language(of text: String) -> String? {
        var kana = 0, han = 0, hangul = 0, latin = 0
        for scalar in text.unicodeScalars where scalar.value > 0x40 {
            switch Script(of: scalar) {
            case .hiragana, .katakana: kana += 1
            case .han: han += 1
            case .hangul: hangul += 1
            case .latin: latin += 1
            default: break
            }
        }
        if kana > 0 && kana + han >= max(hangul, latin) { return "ja" }
        if han > 0 && han >= max(hangul, latin) { return "zh" }
        if hangul > 0 && hangul >= latin { return "ko" }
        guard latin > 0 else { return nil }
        return germanScore(text) > englishScore(text) ? "de" : "en"
    }

    private static let germanWords: Set<Substring> = ["der", "die", "das", "und", "ist", "ein", "eine", "einer", "eines", "dem", "den", "des", "mit", "nach", "wobei", "zur", "zum", "auf", "für", "von", "nicht", "oder", "wird", "sind", "durch", "bei", "im"]
    private static let englishWords: Set<Substring> = ["the", "and", "is", "a", "an", "of", "to", "with", "in", "for", "by", "on", "wherein", "said", "which", "or", "are", "be", "that", "from", "at"]

    private static func words(_ text: String) -> [Substring] {
        text.lowercased().split { !$0.isLetter }
    }

    static func germanScore(_ text: String) -> Int {
        words(text).filter { germanWords.contains($0) }.count + text.filter { "äöüß".contains($0) }.count
    }

    static func englishScore(_ text: String) -> Int {
        words(text).filter { englishWords.contains($0) }.count
    }
}
