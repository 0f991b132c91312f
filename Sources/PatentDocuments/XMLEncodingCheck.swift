/// The byte-level checks that come before any XML parsing: byte order marks, the declared
/// encoding against the actual bytes, binary data and invalid UTF-8. Documents are read as
/// UTF-8 only; a declaration of another encoding is accepted only when every byte is ASCII
/// (the bytes then mean the same in both), otherwise it is a clear error.
enum XMLEncodingCheck {
    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Refuses UTF-16/UTF-32 input (with or without a byte order mark) before anything
    /// else looks at the bytes. Returns the length of a UTF-8 BOM (0 or 3).
    static func byteOrderMarkLength(_ b: UnsafeBufferPointer<UInt8>, source: String) throws -> Int {
        let at = SourceLocation(file: source, line: 1, column: 1)
        if b.count >= 4, b[0] == 0, b[1] == 0, b[2] == 0xFE, b[3] == 0xFF {
            throw PatentDocumentError.encoding(at, "UTF-32 (byte order mark 00 00 FE FF) is not read; convert the document to UTF-8")
        }
        if b.count >= 4, b[0] == 0xFF, b[1] == 0xFE, b[2] == 0, b[3] == 0 {
            throw PatentDocumentError.encoding(at, "UTF-32 (byte order mark FF FE 00 00) is not read; convert the document to UTF-8")
        }
        if b.count >= 2, (b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE) {
            let mark = b[0] == 0xFE ? "FE FF" : "FF FE"
            throw PatentDocumentError.encoding(at, "UTF-16 (byte order mark \(mark)) is not read; convert the document to UTF-8")
        }
        if b.count >= 4, (b[0] == 0x3C && b[1] == 0 && b[2] != 0 && b[3] == 0) || (b[0] == 0 && b[1] == 0x3C && b[2] == 0 && b[3] != 0) {
            throw PatentDocumentError.encoding(at, "the document is UTF-16 without a byte order mark; convert it to UTF-8")
        }
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return 3 }
        return 0
    }

    enum Declared {
        case utf8, ascii, other(String)

        init(label: String) {
            let upper = label.uppercased()
            switch upper {
            case "UTF-8", "UTF8": self = .utf8
            case "US-ASCII", "ASCII", "ANSI_X3.4-1968", "ISO646-US": self = .ascii
            default: self = .other(label)
            }
        }
    }

    /// Scans every byte once: NUL and C0 controls (other than tab, LF, CR) mean binary
    /// input; otherwise the bytes must be valid UTF-8 and agree with the declaration.
    static func validate(_ b: UnsafeBufferPointer<UInt8>, from start: Int, declared label: String?, hasBOM: Bool,
                         source: String) throws {
        let declared = label.map(Declared.init(label:)) ?? .utf8
        if hasBOM, case .other(let name) = declared {
            throw PatentDocumentError.encoding(SourceLocation(file: source, line: 1, column: 1),
                                               "the document starts with a UTF-8 byte order mark but declares encoding \"\(name)\"")
        }
        // A NUL anywhere means binary data, whatever comes before it.
        if let nul = UnsafeBufferPointer(rebasing: b[start...]).firstIndex(of: 0) {
            throw PatentDocumentError.binary(XMLLocator.location(in: b, offset: start + nul, source: source),
                                             "NUL byte at offset \(start + nul) (binary data?)")
        }
        var i = start
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D {
                    let at = XMLLocator.location(in: b, offset: i, source: source)
                    if c == 0 { throw PatentDocumentError.binary(at, "NUL byte at offset \(i) (binary data?)") }
                    throw PatentDocumentError.binary(at, "control byte 0x\(hex(c)) at offset \(i) (binary data?)")
                }
                i += 1
                continue
            }
            switch declared {
            case .ascii:
                throw PatentDocumentError.encoding(XMLLocator.location(in: b, offset: i, source: source),
                                                   "declared encoding US-ASCII, but byte 0x\(hex(c)) at offset \(i) is not ASCII")
            case .other(let name):
                throw PatentDocumentError.encoding(XMLLocator.location(in: b, offset: i, source: source),
                                                   "declared encoding \"\(name)\" is not read (only UTF-8 and US-ASCII); the document has non-ASCII byte 0x\(hex(c)) at offset \(i); convert it to UTF-8")
            case .utf8:
                break
            }
            let length = utf8SequenceLength(b, at: i)
            guard length > 0 else {
                throw PatentDocumentError.encoding(XMLLocator.location(in: b, offset: i, source: source),
                                                   "invalid UTF-8 byte 0x\(hex(c)) at offset \(i): the document is not UTF-8 (as read), or it is binary data")
            }
            // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters.
            if length == 3, c == 0xEF, b[i + 1] == 0xBF, b[i + 2] >= 0xBE {
                throw PatentDocumentError.malformed(XMLLocator.location(in: b, offset: i, source: source),
                                                    "character U+FFF\(b[i + 2] == 0xBE ? "E" : "F") is not allowed in XML")
            }
            i += length
        }
    }

    /// Length of the well-formed UTF-8 sequence at `i`, or 0 (overlongs, surrogates and
    /// code points above U+10FFFF are invalid).
    static func utf8SequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let n = b.count
        let c = b[i]
        func cont(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
        switch c {
        case 0xC2...0xDF:
            return cont(1) ? 2 : 0
        case 0xE0:
            return cont(1) && b[i + 1] >= 0xA0 && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(1) && cont(2) ? 3 : 0
        case 0xED:
            return cont(1) && b[i + 1] < 0xA0 && cont(2) ? 3 : 0
        case 0xF0:
            return cont(1) && b[i + 1] >= 0x90 && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3:
            return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4:
            return cont(1) && b[i + 1] < 0x90 && cont(2) && cont(3) ? 4 : 0
        default:
            return 0
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}

/// Byte offset → line and column, computed only when an error needs it.
enum XMLLocator {
    static func location(in b: UnsafeBufferPointer<UInt8>, offset: Int, source: String) -> SourceLocation {
        var line = 1
        var column = 1
        var i = 0
        let end = min(offset, b.count)
        while i < end {
            let c = b[i]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return SourceLocation(file: source, line: line, column: column)
    }

    static func location(in bytes: [UInt8], offset: Int, source: String) -> SourceLocation {
        bytes.withUnsafeBufferPointer { location(in: $0, offset: offset, source: source) }
    }
}
