/// Character-level XML helpers: decoding references for text handed to translation, and
/// escaping translated text on the way back.
public enum XMLText {
    public static func isXMLCharacter(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
            || (0x10000...0x10FFFF).contains(v)
    }

    /// The text one reference stands for: `&#…;`, `&#x…;` or a predefined entity.
    /// `nil` for any other entity (those are never expanded).
    public static func decodeReference<C: Collection>(_ raw: C) -> String? where C.Element == UInt8 {
        let bytes = Array(raw)
        guard bytes.count >= 3, bytes.first == UInt8(ascii: "&"), bytes.last == UInt8(ascii: ";") else { return nil }
        let body = bytes[1..<(bytes.count - 1)]
        if body.first == UInt8(ascii: "#") {
            let hex = body.count > 1 && body[body.startIndex + 1] == UInt8(ascii: "x")
            let digits = String(decoding: body.dropFirst(hex ? 2 : 1), as: UTF8.self)
            guard let value = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(value) else { return nil }
            return String(Character(scalar))
        }
        return XMLEntityTable.predefined[String(decoding: body, as: UTF8.self)]
    }

    /// Decodes character and predefined references in `raw`; other references stay as
    /// written. Line ends are normalized (CRLF and CR become LF), as an XML parser does.
    public static func decodeReferences<C: Collection>(in raw: C) -> String where C.Element == UInt8 {
        let bytes = Array(raw)
        guard bytes.contains(UInt8(ascii: "&")) else { return normalizeLineEnds(String(decoding: bytes, as: UTF8.self)) }
        var result = ""
        var k = 0
        var runStart = 0
        while k < bytes.count {
            if bytes[k] == UInt8(ascii: "&"), let semicolon = bytes[k...].firstIndex(of: UInt8(ascii: ";")),
               let decoded = decodeReference(bytes[k...semicolon]) {
                result += String(decoding: bytes[runStart..<k], as: UTF8.self)
                result += decoded
                k = semicolon + 1
                runStart = k
            } else {
                k += 1
            }
        }
        result += String(decoding: bytes[runStart...], as: UTF8.self)
        return normalizeLineEnds(result)
    }

    public static func normalizeLineEnds(_ s: String) -> String {
        guard s.utf8.contains(0x0D) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var previousCR = false
        for c in s.utf8 {
            if c == 0x0D {
                out.append(0x0A)
                previousCR = true
            } else {
                if !(c == 0x0A && previousCR) { out.append(c) }
                previousCR = false
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Escapes text for element content: `&`, `<` and `>` become references; characters
    /// that XML does not allow (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF) are
    /// dropped, since a model can emit them and they would make the output unreadable.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default:
                if isXMLCharacter(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
