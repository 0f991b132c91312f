import ICUShim

/// Text helpers over ICU (through ICUShim's stdint-only C surface): case folding and
/// word tokens. Glossary does not import PatentDocuments, so it calls the shim directly.
enum TermText {
    /// ICU full default case folding ("ß" → "ss", "İ" → "i̇"), the key for case-insensitive
    /// comparison. Text ICU cannot fold (never expected) is returned unchanged.
    static func fold(_ text: some StringProtocol) -> String {
        let units = Array(text.utf16)
        if units.isEmpty { return "" }
        // Plain ASCII is folded without a round trip through ICU (most English terms).
        if units.allSatisfy({ $0 < 0x80 }) { return String(text).lowercased() }
        var capacity = units.count + 16
        while true {
            var status: Int32 = 0
            var output = [UInt16](repeating: 0, count: capacity)
            let length = units.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { dest in
                    pmt_fold_case(source.baseAddress, Int32(source.count), dest.baseAddress, Int32(dest.count), &status)
                }
            }
            if status == pmt_buffer_overflow_status() || Int(length) > capacity {
                capacity = Int(length) + 1
                continue
            }
            guard status <= 0 else { return String(text) }
            return String(decoding: output[0..<Int(length)], as: UTF16.self)
        }
    }

    /// A piece of text between word boundaries that is not white space.
    struct Token: Equatable {
        /// UTF-16 offsets into the tokenized text.
        let utf16Range: Range<Int>
        let text: String
        /// Letters or digits (ICU rule status ≥ 100) rather than punctuation or symbols.
        let isWordLike: Bool
    }

    /// The non-space pieces of `text` between ICU (English) word boundaries. Empty when ICU
    /// cannot open its iterator, which only a broken installation causes.
    static func tokens(_ text: String, locale: String = "en") -> [Token] {
        let units = Array(text.utf16)
        if units.isEmpty { return [] }
        var handle: OpaquePointer?
        guard pmt_break_open(PMT_BREAK_WORD, locale, &handle) <= 0, let handle else { return [] }
        defer { pmt_break_close(handle) }
        let status = units.withUnsafeBufferPointer { pmt_break_set_text(handle, $0.baseAddress, Int32($0.count)) }
        guard status <= 0 else { return [] }
        var tokens: [Token] = []
        var start = Int(pmt_break_first(handle))
        var end = pmt_break_next(handle)
        while end != PMT_DONE {
            let range = start..<Int(end)
            let piece = String(decoding: units[range], as: UTF16.self)
            if !piece.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
                tokens.append(Token(utf16Range: range, text: piece, isWordLike: pmt_break_rule_status(handle) >= PMT_WORD_NONE_LIMIT))
            }
            start = Int(end)
            end = pmt_break_next(handle)
        }
        return tokens
    }
}
