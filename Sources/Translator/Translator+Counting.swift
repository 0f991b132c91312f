extension Translator {
    /// The number of source tokens `text` becomes (pieces plus the closing `</s>`).
    public func sourceTokenCount(_ text: some StringProtocol) -> Int {
        let line = String(text)
        return line.allSatisfy(\.isWhitespace) ? 0 : sourcePieces.encode(line).count + 1
    }
}
