extension Translator {
    /// The number of source tokens `text` becomes (pieces plus the closing `</s>`).
    public func sourceTokenCount(_ text: some StringProtocol) -> Int {
        let line = String(text)
        return line.allSatisfy(\.isWhitespace) ? 0 : sourcePieces.encode(line).count + 1
    }
}

extension Translator {
    /// Whether a multilingual model has a token for `code` (its own code, or an ISO 639-1
    /// code it maps); one-language models answer true (they ignore the language).
    public func knowsLanguage(_ code: String) -> Bool {
        guard let multilingualInput else { return true }
        return (try? multilingualInput.languageID(code)) != nil
    }
}
