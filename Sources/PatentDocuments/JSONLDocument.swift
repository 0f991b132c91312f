/// JSONL segments: one JSON object per line with a string `text` and optionally `id`
/// (string or number) and `lang`. Blank lines are kept.
///
/// Output: each line comes back byte for byte, with `"translation":"…"` added as the last
/// member of its object for every translated unit (an existing `translation` member has
/// its value replaced in place). Lines whose `text` is empty, and untranslated units, come
/// back unchanged.
enum JSONLReader {
    struct Line: Sendable {
        let range: Range<Int>
        /// Byte offset of the object's closing `}`.
        let closingBrace: Int
        /// Value range of an existing top-level `translation` member.
        let translationValue: Range<Int>?
    }

    static func units(of bytes: [UInt8], source: String) throws -> (units: [TranslatableUnit], lines: [Int: Line]) {
        var units: [TranslatableUnit] = []
        var lines: [Int: Line] = [:]
        var lineNumber = 0
        var start = bytes.starts(with: XMLEncodingCheck.utf8BOM) ? 3 : 0
        var k = start
        while k <= bytes.count {
            guard k == bytes.count || bytes[k] == 0x0A else {
                k += 1
                continue
            }
            lineNumber += 1
            var end = k
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            let range = start..<end
            start = k + 1
            k += 1
            guard bytes[range].contains(where: { !PlainTextReader.isSpace($0) }) else { continue }
            var parser = JSONScanner(bytes: bytes, position: range.lowerBound, end: range.upperBound)
            let at = SourceLocation(file: source, line: lineNumber, column: 1)
            let object: JSONScanner.TopLevel
            do {
                object = try parser.topLevelObject()
            } catch let error as JSONScanner.Failure {
                let column = String(decoding: bytes[range.lowerBound..<min(error.offset, range.upperBound)], as: UTF8.self).unicodeScalars.count + 1
                throw PatentDocumentError.jsonl(SourceLocation(file: source, line: lineNumber, column: column), "invalid JSON: \(error.message)")
            }
            guard case .string(let text)? = object.members["text"]?.value else {
                throw PatentDocumentError.jsonl(at, "each line needs a string member \"text\"")
            }
            var id: String?
            switch object.members["id"]?.value {
            case .string(let s)?: id = s
            case .other(let raw)?: id = raw
            default: id = nil
            }
            var language: String?
            if case .string(let s)? = object.members["lang"]?.value { language = XMLUnitExtractor.normalizeLanguage(s) }
            lines[units.count] = Line(range: range, closingBrace: object.closingBrace, translationValue: object.members["translation"]?.range)
            guard !text.unicodeScalars.allSatisfy(\.properties.isWhitespace) else {
                lines[units.count] = nil
                continue
            }
            units.append(TranslatableUnit(
                id: units.count, kind: .paragraph,
                path: UnitPath(steps: [UnitPath.Step(name: "line", index: lineNumber, id: id, num: nil)], run: 1),
                text: text, placeholders: [], language: language, byteRange: range, container: -1))
        }
        return (units, lines)
    }

    static func render(_ bytes: [UInt8], units: [TranslatableUnit], lines: [Int: Line], translations: [UnitID: String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        var cursor = 0
        for unit in units {
            guard let translation = translations[unit.id], let line = lines[unit.id] else { continue }
            let value = Array(JSONScanner.quote(translation).utf8)
            if let existing = line.translationValue {
                out += bytes[cursor..<existing.lowerBound]
                out += value
                cursor = existing.upperBound
            } else {
                out += bytes[cursor..<line.closingBrace]
                // Keep whitespace before the brace after the new member.
                var insertion = line.closingBrace
                while insertion > line.range.lowerBound, PlainTextReader.isSpace(bytes[insertion - 1]) { insertion -= 1 }
                out.removeLast(line.closingBrace - insertion)
                out += Array(",\"translation\":".utf8) + value
                out += bytes[insertion..<line.closingBrace]
                cursor = line.closingBrace
            }
        }
        out += bytes[cursor...]
        return out
    }
}

/// A small strict JSON reader (RFC 8259) for one line: it decodes strings and records the
/// byte ranges of the top-level object's members.
struct JSONScanner {
    struct Failure: Error {
        let offset: Int
        let message: String
    }

    enum Value {
        case string(String)
        /// Numbers, literals, arrays and objects: their source text.
        case other(String)
    }

    struct TopLevel {
        var members: [String: (value: Value, range: Range<Int>)] = [:]
        var closingBrace = 0
    }

    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(bytes: [UInt8], position: Int, end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = end
    }

    mutating func skipSpace() {
        while position < end, PlainTextReader.isSpace(bytes[position]) { position += 1 }
    }

    func fail(_ message: String) -> Failure { Failure(offset: position, message: message) }

    mutating func topLevelObject() throws -> TopLevel {
        skipSpace()
        guard position < end, bytes[position] == UInt8(ascii: "{") else { throw fail("the line is not a JSON object") }
        position += 1
        var result = TopLevel()
        skipSpace()
        if position < end, bytes[position] == UInt8(ascii: "}") {
            result.closingBrace = position
            position += 1
        } else {
            while true {
                skipSpace()
                guard position < end, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let key = try string()
                skipSpace()
                guard position < end, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                position += 1
                skipSpace()
                let valueStart = position
                let value = try self.value(depth: 1)
                if result.members[key] != nil { throw Failure(offset: valueStart, message: "member \"\(key)\" appears twice") }
                result.members[key] = (value, valueStart..<position)
                skipSpace()
                guard position < end else { throw fail("unterminated object") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard bytes[position] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                result.closingBrace = position
                position += 1
                break
            }
        }
        skipSpace()
        guard position == end else { throw fail("text after the JSON object") }
        return result
    }

    mutating func value(depth: Int) throws -> Value {
        guard depth < 512 else { throw fail("nested too deeply") }
        guard position < end else { throw fail("expected a value") }
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = bytes[position] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            position += 1
            skipSpace()
            if position < end, bytes[position] == close {
                position += 1
                return .other(String(decoding: bytes[start..<position], as: UTF8.self))
            }
            while true {
                skipSpace()
                if isObject {
                    guard position < end, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                    _ = try string()
                    skipSpace()
                    guard position < end, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    position += 1
                    skipSpace()
                }
                _ = try value(depth: depth + 1)
                skipSpace()
                guard position < end else { throw fail("unterminated \(isObject ? "object" : "array")") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard bytes[position] == close else { throw fail("expected ',' or '\(Character(UnicodeScalar(close)))'") }
                position += 1
                return .other(String(decoding: bytes[start..<position], as: UTF8.self))
            }
        default:
            for literal in ["true", "false", "null"] where bytes[position...].starts(with: literal.utf8) && position + literal.utf8.count <= end {
                position += literal.utf8.count
                return .other(literal)
            }
            return .other(try number())
        }
    }

    mutating func number() throws -> String {
        let start = position
        func digits() -> Int {
            let s = position
            while position < end, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            return position - s
        }
        if position < end, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        let integerDigits = digits()
        guard integerDigits > 0, !(integerDigits > 1 && bytes[integerStart] == 0x30) else { throw fail("invalid value") }
        if position < end, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw fail("invalid number") }
        }
        if position < end, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw fail("invalid number") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func string() throws -> String {
        position += 1
        var out = String.UnicodeScalarView()
        var runStart = position
        func flushRun() {
            out.append(contentsOf: String(decoding: bytes[runStart..<position], as: UTF8.self).unicodeScalars)
        }
        while position < end {
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                flushRun()
                position += 1
                return String(out)
            }
            if c < 0x20 { throw fail("control character in a string (escape it)") }
            if c != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            flushRun()
            position += 1
            guard position < end else { break }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): out.append("\"")
            case UInt8(ascii: "\\"): out.append("\\")
            case UInt8(ascii: "/"): out.append("/")
            case UInt8(ascii: "b"): out.append("\u{08}")
            case UInt8(ascii: "f"): out.append("\u{0C}")
            case UInt8(ascii: "n"): out.append("\n")
            case UInt8(ascii: "r"): out.append("\r")
            case UInt8(ascii: "t"): out.append("\t")
            case UInt8(ascii: "u"):
                var value = try hex4()
                if (0xD800...0xDBFF).contains(value) {
                    guard position + 1 < end, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(value) {
                    throw fail("unpaired surrogate in \\u escape")
                }
                out.append(Unicode.Scalar(value)!)
            default:
                throw fail("invalid escape in a string")
            }
            runStart = position
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws -> UInt32 {
        guard position + 4 <= end, let value = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16) else {
            throw fail("invalid \\u escape")
        }
        position += 4
        return value
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
