import Foundation

/// A YAML value as the subset reader sees it: scalars keep their text (typed on access),
/// sequences and mappings keep their order.
indirect enum YAMLValue: Equatable, Sendable {
    case scalar(String, quoted: Bool)
    case sequence([YAMLValue])
    case mapping([YAMLPair])

    static let null = YAMLValue.scalar("", quoted: false)

    /// Plain `~`, `null` or nothing.
    var isNull: Bool {
        if case .scalar(let text, false) = self { return ["", "~", "null", "Null", "NULL"].contains(text) }
        return false
    }

    var summary: String {
        switch self {
        case .scalar(let text, _): return text
        case .sequence(let items): return "[" + items.map(\.summary).joined(separator: ", ") + "]"
        case .mapping(let pairs): return "{" + pairs.map { "\($0.key): \($0.value.summary)" }.joined(separator: ", ") + "}"
        }
    }
}

struct YAMLPair: Equatable, Sendable {
    let key: String
    let value: YAMLValue
    let line: Int
}

/// The YAML that Marian writes and reads in `decoder.yml` and `special:model.yml`: block
/// mappings and sequences by indentation (a sequence may sit at its key's indentation), flow
/// sequences and mappings (`[a, b]`, `[]`, `{}`, also on the line after their key), plain,
/// single-quoted and double-quoted scalars (all YAML escapes), `|`/`>` block scalars,
/// comments, `---`. Anchors, aliases, tags and complex keys are reported as unsupported.
struct MiniYAML {
    struct Line {
        let number: Int
        let indent: Int
        /// Without indentation, comment and trailing spaces; empty for blank and comment lines.
        var content: String
        let raw: Substring
    }

    let file: String
    private var lines: [Line] = []
    private var position = 0

    /// Parses a document whose top level is a mapping.
    static func parseMapping(_ text: String, file: String) throws -> YAMLMap {
        var parser = try MiniYAML(text: text, file: file)
        let value = try parser.parseBlock(parentIndent: -1)
        if let extra = parser.peek() {
            throw ModelConfigError.syntax(file: file, line: extra.number, problem: "unexpected '\(extra.content)' (wrong indentation?)")
        }
        switch value {
        case .mapping(let pairs): return YAMLMap(file: file, pairs: pairs)
        case let other where other.isNull: return YAMLMap(file: file, pairs: [])
        default: throw ModelConfigError.syntax(file: file, line: nil, problem: "the document is not a mapping of keys to values")
        }
    }

    private init(text: String, file: String) throws {
        self.file = file
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        var number = 0
        for raw in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            let rawLine = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let indentation = rawLine.prefix { $0 == " " || $0 == "\t" }
            let rest = rawLine.dropFirst(indentation.count)
            let content = Self.stripComment(rest)
            if !content.isEmpty, indentation.contains("\t") {
                throw ModelConfigError.syntax(file: file, line: number, problem: "a tab in the indentation (YAML indents with spaces)")
            }
            if indentation.isEmpty, content == "---" || content == "..." || content.hasPrefix("%") { continue }
            lines.append(Line(number: number, indent: indentation.count, content: content, raw: rawLine))
        }
    }

    /// The line without a trailing `# comment` (a `#` at the start or after a space, outside quotes).
    static func stripComment(_ text: Substring) -> String {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var tokenStart = true
        var cut = scalars.count
        scan: while i < scalars.count {
            let c = scalars[i]
            if tokenStart && (c == "\"" || c == "'") {
                var j = i + 1
                while j < scalars.count {
                    if c == "\"" && scalars[j] == "\\" { j += 2; continue }
                    if scalars[j] == c {
                        if c == "'" && j + 1 < scalars.count && scalars[j + 1] == "'" { j += 2; continue }
                        break
                    }
                    j += 1
                }
                i = j + 1
                tokenStart = false
                continue
            }
            if c == "#" && (i == 0 || scalars[i - 1] == " " || scalars[i - 1] == "\t") { cut = i; break scan }
            if c == " " || c == "\t" {
                // stays a token start after an indicator
            } else {
                tokenStart = c == "[" || c == "{" || c == "," || ((c == ":" || c == "-" || c == "?") && (i + 1 == scalars.count || scalars[i + 1] == " "))
            }
            i += 1
        }
        var result = String(String.UnicodeScalarView(scalars[0..<cut]))
        while result.last == " " || result.last == "\t" { result.removeLast() }
        return result
    }

    private mutating func peek() -> Line? {
        while position < lines.count, lines[position].content.isEmpty { position += 1 }
        return position < lines.count ? lines[position] : nil
    }

    private func isSequenceItem(_ content: String) -> Bool {
        content == "-" || content.hasPrefix("- ")
    }

    private func error(_ line: Int?, _ problem: String) -> ModelConfigError {
        .syntax(file: file, line: line, problem: problem)
    }

    /// The node on the lines indented more than `parentIndent` (null when there are none).
    private mutating func parseBlock(parentIndent: Int) throws -> YAMLValue {
        guard let line = peek(), line.indent > parentIndent else { return .null }
        if isSequenceItem(line.content) { return try parseSequence(indent: line.indent) }
        return try parseMapping(indent: line.indent)
    }

    private mutating func parseSequence(indent: Int) throws -> YAMLValue {
        var items: [YAMLValue] = []
        while let line = peek(), line.indent == indent, isSequenceItem(line.content) {
            let afterDash = line.content.dropFirst()
            let rest = afterDash.drop { $0 == " " }
            if rest.isEmpty {
                position += 1
                items.append(try parseBlock(parentIndent: indent))
            } else if Self.keySplit(String(rest)) != nil {
                // `- key: value`: a mapping whose first line starts after the dash.
                lines[position] = Line(number: line.number, indent: indent + 1 + (afterDash.count - rest.count),
                                       content: String(rest), raw: line.raw)
                items.append(try parseMapping(indent: lines[position].indent))
            } else {
                position += 1
                items.append(try parseInline(String(rest), line: line.number))
            }
        }
        return .sequence(items)
    }

    private mutating func parseMapping(indent: Int) throws -> YAMLValue {
        var pairs: [YAMLPair] = []
        var seen = Set<String>()
        while let line = peek(), line.indent == indent {
            if isSequenceItem(line.content) {
                throw error(line.number, "a sequence item where a key was expected")
            }
            if line.content == "?" || line.content.hasPrefix("? ") {
                throw error(line.number, "complex keys ('? ') are not supported here")
            }
            guard let (key, rest) = Self.keySplit(line.content) else {
                if pairs.isEmpty {
                    // A lone value on the line after its key (`cost-scaling:\n  []`).
                    position += 1
                    return try parseInline(line.content, line: line.number)
                }
                throw error(line.number, "expected 'key: value', found '\(line.content)'")
            }
            let keyText = try Self.unquoteKey(key, file: file, line: line.number)
            guard seen.insert(keyText).inserted else { throw error(line.number, "key '\(keyText)' appears twice") }
            position += 1
            let value: YAMLValue
            if rest.isEmpty {
                if let next = peek(), next.indent > indent {
                    value = try parseBlock(parentIndent: indent)
                } else if let next = peek(), next.indent == indent, isSequenceItem(next.content) {
                    value = try parseSequence(indent: indent)
                } else {
                    value = .null
                }
            } else if rest.hasPrefix("|") || rest.hasPrefix(">") {
                value = blockScalar(folded: rest.hasPrefix(">"), keep: rest.contains("+"), strip: rest.contains("-"), parentIndent: indent)
            } else if rest.hasPrefix("&") || rest.hasPrefix("*") || rest.hasPrefix("!") {
                throw error(line.number, "anchors, aliases and tags are not supported (key '\(keyText)')")
            } else {
                value = try parseInline(rest, line: line.number)
            }
            pairs.append(YAMLPair(key: keyText, value: value, line: line.number))
        }
        return .mapping(pairs)
    }

    /// Splits `key: value` (or `key:`) at the first `:` followed by a space or the end, outside
    /// a quoted key; nil if the line is no mapping entry.
    static func keySplit(_ content: String) -> (key: String, rest: String)? {
        let scalars = Array(content.unicodeScalars)
        var i = 0
        if let first = scalars.first, first == "\"" || first == "'" {
            i = 1
            while i < scalars.count {
                if first == "\"" && scalars[i] == "\\" { i += 2; continue }
                if scalars[i] == first {
                    if first == "'" && i + 1 < scalars.count && scalars[i + 1] == "'" { i += 2; continue }
                    break
                }
                i += 1
            }
            i += 1
            while i < scalars.count, scalars[i] == " " { i += 1 }
            guard i < scalars.count, scalars[i] == ":", i + 1 == scalars.count || scalars[i + 1] == " " else { return nil }
        } else {
            if let first = scalars.first, first == "[" || first == "{" { return nil }
            while i < scalars.count {
                if scalars[i] == ":" && (i + 1 == scalars.count || scalars[i + 1] == " ") { break }
                i += 1
            }
            guard i < scalars.count else { return nil }
        }
        var key = String(String.UnicodeScalarView(scalars[0..<i]))
        while key.last == " " { key.removeLast() }
        let rest = String(String.UnicodeScalarView(scalars[(i + 1)...])).trimmingCharacters(in: .whitespaces)
        return (key, rest)
    }

    static func unquoteKey(_ key: String, file: String, line: Int) throws -> String {
        if key.hasPrefix("\"") || key.hasPrefix("'") {
            var scanner = FlowScanner(Array(key.unicodeScalars), file: file, line: line)
            let value = try scanner.quoted()
            return value
        }
        return key
    }

    private mutating func blockScalar(folded: Bool, keep: Bool, strip: Bool, parentIndent: Int) -> YAMLValue {
        var body: [Substring] = []
        var blockIndent: Int?
        while position < lines.count {
            let line = lines[position]
            let isBlank = line.raw.allSatisfy { $0 == " " || $0 == "\t" }
            if !isBlank {
                if line.indent <= parentIndent { break }
                if blockIndent == nil { blockIndent = line.indent }
                if line.indent < blockIndent! { break }
            }
            body.append(isBlank ? "" : line.raw.dropFirst(blockIndent ?? 0))
            position += 1
        }
        var trailingBlank = 0
        while let last = body.last, last.isEmpty { body.removeLast(); trailingBlank += 1 }
        var text = body.joined(separator: folded ? " " : "\n")
        if !strip && !body.isEmpty { text += "\n" }
        if keep { text += String(repeating: "\n", count: trailingBlank) }
        return .scalar(text, quoted: true)
    }

    /// A value written on one line (or a flow collection continued over the next lines).
    private mutating func parseInline(_ text: String, line: Int) throws -> YAMLValue {
        var source = text
        if let first = source.first, first == "[" || first == "{" {
            // Join continuation lines until the brackets balance.
            while !FlowScanner.isBalanced(source), let next = peek() {
                source += " " + next.content
                position += 1
            }
        }
        var scanner = FlowScanner(Array(source.unicodeScalars), file: file, line: line)
        let value = try scanner.value(inFlow: false)
        scanner.skipSpaces()
        guard scanner.atEnd else {
            throw error(line, "unexpected text after the value: '\(String(String.UnicodeScalarView(scanner.remaining)))'")
        }
        return value
    }
}

/// Scalars and flow collections within one (joined) line.
struct FlowScanner {
    let scalars: [Unicode.Scalar]
    let file: String
    let line: Int
    var i = 0

    init(_ scalars: [Unicode.Scalar], file: String, line: Int) {
        self.scalars = scalars
        self.file = file
        self.line = line
    }

    var atEnd: Bool { i >= scalars.count }
    var remaining: ArraySlice<Unicode.Scalar> { scalars[min(i, scalars.count)...] }

    static func isBalanced(_ text: String) -> Bool {
        var depth = 0
        var quote: Unicode.Scalar?
        var escaped = false
        for c in text.unicodeScalars {
            if let q = quote {
                if escaped { escaped = false } else if q == "\"" && c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'": quote = c
            case "[", "{": depth += 1
            case "]", "}": depth -= 1
            default: break
            }
        }
        return depth <= 0
    }

    private func error(_ problem: String) -> ModelConfigError {
        .syntax(file: file, line: line, problem: problem)
    }

    mutating func skipSpaces() {
        while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
    }

    mutating func value(inFlow: Bool) throws -> YAMLValue {
        skipSpaces()
        guard i < scalars.count else { return .null }
        switch scalars[i] {
        case "[":
            i += 1
            var items: [YAMLValue] = []
            while true {
                skipSpaces()
                guard i < scalars.count else { throw error("unterminated flow sequence '['") }
                if scalars[i] == "]" { i += 1; break }
                items.append(try value(inFlow: true))
                skipSpaces()
                guard i < scalars.count else { throw error("unterminated flow sequence '['") }
                if scalars[i] == "," { i += 1; continue }
                if scalars[i] == "]" { i += 1; break }
                throw error("expected ',' or ']' in a flow sequence")
            }
            return .sequence(items)
        case "{":
            i += 1
            var pairs: [YAMLPair] = []
            while true {
                skipSpaces()
                guard i < scalars.count else { throw error("unterminated flow mapping '{'") }
                if scalars[i] == "}" { i += 1; break }
                let key = try value(inFlow: true)
                guard case .scalar(let keyText, _) = key else { throw error("a flow mapping key is not a scalar") }
                skipSpaces()
                var entry = YAMLValue.null
                if i < scalars.count, scalars[i] == ":" {
                    i += 1
                    entry = try value(inFlow: true)
                }
                pairs.append(YAMLPair(key: keyText, value: entry, line: line))
                skipSpaces()
                guard i < scalars.count else { throw error("unterminated flow mapping '{'") }
                if scalars[i] == "," { i += 1; continue }
                if scalars[i] == "}" { i += 1; break }
                throw error("expected ',' or '}' in a flow mapping")
            }
            return .mapping(pairs)
        case "\"", "'":
            return .scalar(try quoted(), quoted: true)
        default:
            var text = String.UnicodeScalarView()
            while i < scalars.count {
                let c = scalars[i]
                if inFlow && (c == "," || c == "]" || c == "}") { break }
                if inFlow && c == ":" && (i + 1 == scalars.count || scalars[i + 1] == " " || scalars[i + 1] == ",") { break }
                text.append(c)
                i += 1
            }
            var result = String(text)
            while result.last == " " || result.last == "\t" { result.removeLast() }
            return .scalar(result, quoted: false)
        }
    }

    /// A single- or double-quoted scalar starting at `i`; leaves `i` after the closing quote.
    mutating func quoted() throws -> String {
        let quote = scalars[i]
        i += 1
        let start = i
        while i < scalars.count {
            if quote == "\"" && scalars[i] == "\\" { i += 2; continue }
            if scalars[i] == quote {
                if quote == "'" && i + 1 < scalars.count && scalars[i + 1] == "'" { i += 2; continue }
                break
            }
            i += 1
        }
        guard i < scalars.count else { throw error("unterminated \(quote == "\"" ? "double" : "single")-quoted string") }
        let body = String(String.UnicodeScalarView(scalars[start..<i]))
        i += 1
        if quote == "'" { return body.replacingOccurrences(of: "''", with: "'") }
        do {
            return try YAMLEscapes.unescapeDoubleQuoted(body)
        } catch let problem as YAMLEscapes.Invalid {
            throw error(problem.message)
        }
    }
}

/// Double-quoted YAML escapes (YAML 1.2 §5.7, which PyYAML and yaml-cpp follow).
enum YAMLEscapes {
    struct Invalid: Error { let message: String }

    static func unescapeDoubleQuoted(_ body: String) throws -> String {
        guard body.unicodeScalars.contains("\\") else { return body }
        let scalars = Array(body.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            guard c == "\\" else { out.append(c); i += 1; continue }
            guard i + 1 < scalars.count else { throw Invalid(message: "a lone backslash at the end of a double-quoted string") }
            let e = scalars[i + 1]
            i += 2
            switch e {
            case "0": out.append("\u{0}")
            case "a": out.append("\u{7}")
            case "b": out.append("\u{8}")
            case "t", "\t": out.append("\t")
            case "n": out.append("\n")
            case "v": out.append("\u{B}")
            case "f": out.append("\u{C}")
            case "r": out.append("\r")
            case "e": out.append("\u{1B}")
            case " ": out.append(" ")
            case "\"": out.append("\"")
            case "/": out.append("/")
            case "\\": out.append("\\")
            case "N": out.append("\u{85}")
            case "_": out.append("\u{A0}")
            case "L": out.append("\u{2028}")
            case "P": out.append("\u{2029}")
            case "x", "u", "U":
                let width = e == "x" ? 2 : e == "u" ? 4 : 8
                guard i + width <= scalars.count,
                      let code = UInt32(String(String.UnicodeScalarView(scalars[i..<(i + width)])), radix: 16),
                      let scalar = Unicode.Scalar(code) else {
                    throw Invalid(message: "bad escape '\\\(e)' (needs \(width) hex digits of a Unicode scalar)")
                }
                out.append(scalar)
                i += width
            default:
                throw Invalid(message: "unknown escape '\\\(e)' in a double-quoted string")
            }
        }
        return String(out)
    }
}

/// A parsed top-level mapping with typed accessors whose errors name the file and the key.
struct YAMLMap: Sendable {
    let file: String
    let pairs: [YAMLPair]
    private let index: [String: Int]

    init(file: String, pairs: [YAMLPair]) {
        self.file = file
        self.pairs = pairs
        var index: [String: Int] = [:]
        for (i, pair) in pairs.enumerated() { index[pair.key] = i }
        self.index = index
    }

    var keys: [String] { pairs.map(\.key) }

    func value(_ key: String) -> YAMLValue? {
        index[key].map { pairs[$0].value }
    }

    private func bad(_ key: String, _ value: YAMLValue, _ expected: String) -> ModelConfigError {
        .badValue(file: file, key: key, value: value.summary, expected: expected)
    }

    /// The scalar's text; nil when absent or null. A sequence or mapping is an error.
    func string(_ key: String) throws -> String? {
        guard let value = value(key), !value.isNull else { return nil }
        guard case .scalar(let text, _) = value else { throw bad(key, value, "a single value") }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw ModelConfigError.missingKey(file: file, key: key) }
        return text
    }

    func int(_ key: String) throws -> Int? {
        guard let text = try string(key) else { return nil }
        guard let n = Int(text) else { throw bad(key, .scalar(text, quoted: false), "an integer") }
        return n
    }

    func requiredInt(_ key: String) throws -> Int {
        guard let n = try int(key) else { throw ModelConfigError.missingKey(file: file, key: key) }
        return n
    }

    func double(_ key: String) throws -> Double? {
        guard let text = try string(key) else { return nil }
        guard let d = Double(text), d.isFinite else { throw bad(key, .scalar(text, quoted: false), "a number") }
        return d
    }

    /// YAML 1.1 booleans (true/false, yes/no, on/off, y/n) as PyYAML and yaml-cpp read them.
    func bool(_ key: String) throws -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "y": return true
        case "false", "no", "off", "n": return false
        default: throw bad(key, .scalar(text, quoted: false), "a boolean (true/false)")
        }
    }

    /// A sequence of scalars (block or flow); a lone scalar counts as a one-item list.
    func stringList(_ key: String) throws -> [String]? {
        guard let value = value(key), !value.isNull else { return nil }
        switch value {
        case .scalar(let text, _): return [text]
        case .sequence(let items):
            return try items.map { item in
                guard case .scalar(let text, _) = item else { throw bad(key, value, "a list of values") }
                return text
            }
        case .mapping: throw bad(key, value, "a list of values")
        }
    }

    func intList(_ key: String) throws -> [Int]? {
        guard let items = try stringList(key) else { return nil }
        return try items.map { text in
            guard let n = Int(text) else { throw bad(key, value(key) ?? .null, "a list of integers") }
            return n
        }
    }
}
