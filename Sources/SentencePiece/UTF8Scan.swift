/// UTF-8 scanning with SentencePiece's rules: an invalid sequence is one byte long, and
/// surrogates, overlong forms and code points above U+10FFFF are invalid.
enum UTF8Scan {
    /// The length SentencePiece assumes from a lead byte alone (`OneCharLen`).
    @inline(__always)
    static func leadLength(_ byte: UInt8) -> Int {
        switch byte >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }

    /// Decodes one character at `i`: its length, and whether it is valid (U+FFFD written
    /// out as three bytes counts as valid, like the reference's `IsValidDecodeUTF8`).
    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> (length: Int, valid: Bool) {
        let c0 = UInt32(b[i])
        let available = end - i
        @inline(__always) func trail(_ k: Int) -> Bool { b[i + k] & 0xC0 == 0x80 }
        @inline(__always) func ok(_ cp: UInt32) -> Bool { cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF) }
        if c0 < 0x80 { return (1, true) }
        if available >= 2 && c0 & 0xE0 == 0xC0 {
            let cp = ((c0 & 0x1F) << 6) | (UInt32(b[i + 1]) & 0x3F)
            if trail(1) && cp >= 0x80 && ok(cp) { return (2, true) }
        } else if available >= 3 && c0 & 0xF0 == 0xE0 {
            let cp = ((c0 & 0x0F) << 12) | ((UInt32(b[i + 1]) & 0x3F) << 6) | (UInt32(b[i + 2]) & 0x3F)
            if trail(1) && trail(2) && cp >= 0x800 && ok(cp) { return (3, true) }
        } else if available >= 4 && c0 & 0xF8 == 0xF0 {
            let cp = ((c0 & 0x07) << 18) | ((UInt32(b[i + 1]) & 0x3F) << 12) | ((UInt32(b[i + 2]) & 0x3F) << 6) | (UInt32(b[i + 3]) & 0x3F)
            if trail(1) && trail(2) && trail(3) && cp >= 0x10000 && ok(cp) { return (4, true) }
        }
        return (1, false)
    }

    static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]
}
