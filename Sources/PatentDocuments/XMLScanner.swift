/// The scanning state machine behind `XMLScan`. It lives only inside the
/// `withUnsafeBufferPointer` call of `XMLScan.init`, one pass over the bytes, linear time.
struct XMLScanner {
    let b: UnsafeBufferPointer<UInt8>
    let n: Int
    let source: String
    var i = 0
    var tokens: [XMLToken] = []
    var attributes: [XMLAttribute] = []
    var elements: [XMLElement] = []
    var names = XMLNameTable()
    var entities = XMLEntityTable()
    var declaredEncoding: String?
    var stack: [Int32] = []
    var rootSeen = false
    var doctypeSeen = false

    init(b: UnsafeBufferPointer<UInt8>, source: String) {
        self.b = b
        n = b.count
        self.source = source
        tokens.reserveCapacity(n / 24)
    }

    // MARK: characters

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }

    // Names: ASCII letters, `_`, `:` and any non-ASCII character may start one; digits,
    // `-` and `.` may follow. (Non-ASCII is accepted wholesale: an approximation of the
    // spec's Unicode ranges that accepts every real name.)
    @inline(__always) static func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x3A || c >= 0x80
    }

    @inline(__always) static func isNameChar(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E
    }

    func location(_ offset: Int) -> SourceLocation { XMLLocator.location(in: b, offset: offset, source: source) }

    func malformed(_ message: String, at offset: Int) -> PatentDocumentError {
        .malformed(location(offset), message)
    }

    func starts(with literal: StaticString, at k: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard k + count <= n else { return false }
        return literal.withUTF8Buffer { lit in
            for j in 0..<count where b[k + j] != lit[j] { return false }
            return true
        }
    }

    @discardableResult mutating func skipSpace() -> Bool {
        let s = i
        while i < n, Self.isSpace(b[i]) { i += 1 }
        return i > s
    }

    mutating func requireSpace(_ context: String) throws {
        guard skipSpace() else { throw malformed("expected whitespace \(context)", at: i) }
    }

    mutating func scanName(_ context: String) throws -> Range<Int> {
        guard i < n, Self.isNameStart(b[i]) else {
            throw malformed(i < n ? "expected a name \(context), found '\(Self.printable(b[i]))'" : "unexpected end of file: expected a name \(context)", at: i)
        }
        let s = i
        i += 1
        while i < n, Self.isNameChar(b[i]) { i += 1 }
        return s..<i
    }

    static func printable(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : "0x" + XMLEncodingCheck.hex(c)
    }

    func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self) }

    mutating func appendToken(_ kind: XMLTokenKind, _ start: Int, nameID: Int32 = -1, element: Int32 = -1,
                              firstAttribute: Int = 0, attributeCount: Int = 0) {
        tokens.append(XMLToken(kind: kind, startOffset: UInt32(start), endOffset: UInt32(i), nameID: nameID,
                               elementIndex: element, firstAttribute: UInt32(firstAttribute),
                               attributeCount: UInt32(attributeCount)))
    }

    // MARK: the document

    mutating func run() throws {
        guard n > 0 else { throw PatentDocumentError.empty(file: source) }
        let bom = try XMLEncodingCheck.byteOrderMarkLength(b, source: source)
        if !(bom..<n).contains(where: { !Self.isSpace(b[$0]) }) { throw PatentDocumentError.empty(file: source) }
        if bom > 0 {
            i = bom
            appendToken(.byteOrderMark, 0)
        }
        if starts(with: "<?xml", at: i), i + 5 < n, Self.isSpace(b[i + 5]) {
            try scanXMLDeclaration()
        }
        try XMLEncodingCheck.validate(b, from: i, declared: declaredEncoding, hasBOM: bom > 0, source: source)
        while i < n {
            switch b[i] {
            case UInt8(ascii: "<"): try scanMarkup()
            case UInt8(ascii: "&"): try scanReference()
            default: try scanText()
            }
        }
        if let open = stack.last {
            let e = elements[Int(open)]
            throw malformed("unexpected end of file: <\(names.names[Int(e.nameID)])> opened at \(location(tokens[e.startToken].start)) is not closed", at: n)
        }
        guard rootSeen else { throw malformed("no root element", at: n) }
    }

    mutating func scanText() throws {
        let s = i
        var allSpace = true
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "<") || c == UInt8(ascii: "&") { break }
            if c == UInt8(ascii: "]"), i + 2 < n, b[i + 1] == UInt8(ascii: "]"), b[i + 2] == UInt8(ascii: ">") {
                throw malformed("']]>' is not allowed in text (write ']]&gt;')", at: i)
            }
            if allSpace, !Self.isSpace(c) { allSpace = false }
            i += 1
        }
        if stack.isEmpty, !allSpace {
            let offset = (s..<i).first { !Self.isSpace(b[$0]) } ?? s
            throw malformed(rootSeen ? "text after the root element" : "text before the root element", at: offset)
        }
        appendToken(.text, s)
    }

    mutating func scanMarkup() throws {
        guard i + 1 < n else { throw malformed("'<' at the end of the file", at: i) }
        switch b[i + 1] {
        case UInt8(ascii: "/"): try scanEndTag()
        case UInt8(ascii: "?"): try scanProcessingInstruction()
        case UInt8(ascii: "!"):
            if starts(with: "<!--", at: i) {
                let s = i
                try skipComment()
                appendToken(.comment, s)
            } else if starts(with: "<![CDATA[", at: i) {
                guard !stack.isEmpty else { throw malformed("CDATA section outside the root element", at: i) }
                let s = i
                i += 9
                while i + 2 < n, !(b[i] == UInt8(ascii: "]") && b[i + 1] == UInt8(ascii: "]") && b[i + 2] == UInt8(ascii: ">")) { i += 1 }
                guard i + 2 < n else { throw malformed("unterminated CDATA section", at: s) }
                i += 3
                appendToken(.cdata, s)
            } else if starts(with: "<!DOCTYPE", at: i) {
                try scanDoctype()
            } else {
                throw malformed("'<!' must start a comment, a CDATA section or the DOCTYPE", at: i)
            }
        default:
            try scanStartTag()
        }
    }

    mutating func skipComment() throws {
        let s = i
        i += 4
        while i + 1 < n {
            if b[i] == UInt8(ascii: "-"), b[i + 1] == UInt8(ascii: "-") {
                guard i + 2 < n, b[i + 2] == UInt8(ascii: ">") else { throw malformed("'--' inside a comment", at: i) }
                i += 3
                return
            }
            i += 1
        }
        throw malformed("unterminated comment", at: s)
    }

    mutating func scanProcessingInstruction() throws {
        let s = i
        i += 2
        let target = try scanName("after '<?'")
        if target.count == 3, text(target).lowercased() == "xml" {
            throw malformed("the XML declaration must come first in the file (nothing, not even whitespace, before '<?xml')", at: s)
        }
        if i < n, b[i] != UInt8(ascii: "?") { try requireSpace("after the processing instruction target") }
        while i + 1 < n, !(b[i] == UInt8(ascii: "?") && b[i + 1] == UInt8(ascii: ">")) { i += 1 }
        guard i + 1 < n else { throw malformed("unterminated processing instruction", at: s) }
        i += 2
        appendToken(.processingInstruction, s, nameID: names.intern(b, target))
    }

    mutating func scanXMLDeclaration() throws {
        let s = i
        i += 5
        var seen: [String] = []
        while true {
            let hadSpace = skipSpace()
            guard i + 1 < n else { throw malformed("unterminated XML declaration", at: s) }
            if b[i] == UInt8(ascii: "?"), b[i + 1] == UInt8(ascii: ">") {
                i += 2
                break
            }
            guard hadSpace else { throw malformed("expected whitespace in the XML declaration", at: i) }
            let nameRange = try scanName("in the XML declaration")
            let name = text(nameRange)
            skipSpace()
            guard i < n, b[i] == UInt8(ascii: "=") else { throw malformed("expected '=' after \(name) in the XML declaration", at: i) }
            i += 1
            skipSpace()
            let value = try scanQuoted("in the XML declaration")
            switch (name, seen) {
            case ("version", []):
                guard value.hasPrefix("1."), value.count > 2, value.dropFirst(2).allSatisfy(\.isNumber) else {
                    throw malformed("unsupported XML version \"\(value)\"", at: nameRange.lowerBound)
                }
            case ("encoding", ["version"]):
                guard let first = value.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
                      value.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) })
                else { throw PatentDocumentError.encoding(location(nameRange.lowerBound), "invalid encoding name \"\(value)\" in the XML declaration") }
                declaredEncoding = value
            case ("standalone", let before) where before.last == "version" || before.last == "encoding":
                guard value == "yes" || value == "no" else { throw malformed("standalone must be \"yes\" or \"no\"", at: nameRange.lowerBound) }
                entities.standalone = value == "yes"
            default:
                throw malformed("unexpected \(name) in the XML declaration (expected version, then encoding, then standalone)", at: nameRange.lowerBound)
            }
            seen.append(name)
        }
        guard seen.first == "version" else { throw malformed("the XML declaration has no version", at: s) }
        appendToken(.xmlDeclaration, s)
    }

    mutating func scanQuoted(_ context: String) throws -> String {
        guard i < n, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") else {
            throw malformed("expected a quoted value \(context)", at: i)
        }
        let quote = b[i]
        let s = i + 1
        i += 1
        while i < n, b[i] != quote { i += 1 }
        guard i < n else { throw malformed("unterminated quoted value \(context)", at: s - 1) }
        i += 1
        return text(s..<(i - 1))
    }

    // MARK: tags

    mutating func scanStartTag() throws {
        let s = i
        i += 1
        guard i < n, Self.isNameStart(b[i]) else {
            throw malformed("'<' not followed by an element name (a literal '<' in text must be written &lt;)", at: s)
        }
        let nameRange = try scanName("after '<'")
        let nameID = names.intern(b, nameRange)
        if stack.isEmpty, rootSeen {
            throw malformed("a second root element <\(text(nameRange))> (a document has exactly one root)", at: s)
        }
        let firstAttribute = attributes.count
        var isEmpty = false
        while true {
            let hadSpace = skipSpace()
            guard i < n else { throw malformed("unexpected end of file inside the tag <\(text(nameRange))>", at: s) }
            let c = b[i]
            if c == UInt8(ascii: ">") {
                i += 1
                break
            }
            if c == UInt8(ascii: "/") {
                guard i + 1 < n, b[i + 1] == UInt8(ascii: ">") else { throw malformed("expected '/>' in <\(text(nameRange))>", at: i) }
                i += 2
                isEmpty = true
                break
            }
            guard Self.isNameStart(c) else {
                throw malformed("unexpected '\(Self.printable(c))' in the tag <\(text(nameRange))>: expected an attribute name, '>' or '/>'", at: i)
            }
            guard hadSpace else { throw malformed("expected whitespace before the attribute in <\(text(nameRange))>", at: i) }
            try scanAttribute(of: text(nameRange), firstAttribute: firstAttribute)
        }
        let depth = stack.count
        guard depth < XMLScan.maximumDepth else {
            throw malformed("elements nested deeper than \(XMLScan.maximumDepth) levels", at: s)
        }
        let elementIndex = Int32(elements.count)
        elements.append(XMLElement(nameID: nameID, startToken: tokens.count, endToken: tokens.count,
                                   parent: stack.last.map(Int.init) ?? -1, depth: depth))
        appendToken(isEmpty ? .emptyElementTag : .startTag, s, nameID: nameID, element: elementIndex,
                    firstAttribute: firstAttribute, attributeCount: attributes.count - firstAttribute)
        rootSeen = true
        if !isEmpty { stack.append(elementIndex) }
    }

    mutating func scanAttribute(of element: String, firstAttribute: Int) throws {
        let nameRange = try scanName("in <\(element)>")
        let nameID = names.intern(b, nameRange)
        skipSpace()
        guard i < n, b[i] == UInt8(ascii: "=") else {
            throw malformed("attribute \(text(nameRange)) in <\(element)> has no value (expected '=')", at: i)
        }
        i += 1
        skipSpace()
        guard i < n, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") else {
            throw malformed("the value of attribute \(text(nameRange)) in <\(element)> is not quoted", at: i)
        }
        let quote = b[i]
        i += 1
        let valueStart = i
        while i < n, b[i] != quote {
            switch b[i] {
            case UInt8(ascii: "<"):
                throw malformed("'<' in the value of attribute \(text(nameRange)) (write &lt;)", at: i)
            case UInt8(ascii: "&"):
                try checkReference(inAttribute: true)
            default:
                i += 1
            }
        }
        guard i < n else { throw malformed("unterminated value of attribute \(text(nameRange)) in <\(element)>", at: valueStart - 1) }
        let valueEnd = i
        i += 1
        if attributes[firstAttribute...].contains(where: { $0.nameID == nameID }) {
            throw malformed("attribute \(text(nameRange)) appears twice in <\(element)>", at: nameRange.lowerBound)
        }
        attributes.append(XMLAttribute(nameID: nameID, nameStart: UInt32(nameRange.lowerBound),
                                       valueStart: UInt32(valueStart), valueEnd: UInt32(valueEnd), quote: quote))
    }

    mutating func scanEndTag() throws {
        let s = i
        i += 2
        let nameRange = try scanName("after '</'")
        let nameID = names.intern(b, nameRange)
        skipSpace()
        guard i < n, b[i] == UInt8(ascii: ">") else { throw malformed("expected '>' to close </\(text(nameRange))", at: i) }
        i += 1
        guard let top = stack.last else {
            throw malformed("end tag </\(text(nameRange))> without a matching start tag", at: s)
        }
        let open = elements[Int(top)]
        guard open.nameID == nameID else {
            throw malformed("end tag </\(text(nameRange))> does not match <\(names.names[Int(open.nameID)])> opened at \(location(tokens[open.startToken].start))", at: s)
        }
        stack.removeLast()
        elements[Int(top)].endToken = tokens.count
        appendToken(.endTag, s, nameID: nameID, element: top)
    }

    // MARK: references

    mutating func scanReference() throws {
        let s = i
        guard !stack.isEmpty else { throw malformed("reference outside the root element", at: s) }
        let nameID = try checkReference(inAttribute: false)
        appendToken(b[s + 1] == UInt8(ascii: "#") ? .characterReference : .entityReference, s, nameID: nameID)
    }

    /// Checks the reference at `i` (`&#…;`, `&#x…;` or `&name;`) and moves past it.
    /// Returns the interned entity name, or -1 for a character reference.
    @discardableResult
    mutating func checkReference(inAttribute: Bool) throws -> Int32 {
        let s = i
        i += 1
        guard i < n else { throw malformed("'&' at the end of the file", at: s) }
        if b[i] == UInt8(ascii: "#") {
            try checkCharacterReference(from: s)
            return -1
        }
        guard Self.isNameStart(b[i]) else {
            throw malformed("'&' not followed by a reference (a literal '&' must be written &amp;)", at: s)
        }
        let nameRange = try scanName("after '&'")
        guard i < n, b[i] == UInt8(ascii: ";") else {
            throw malformed("reference &\(text(nameRange)) is not closed with ';' (a literal '&' must be written &amp;)", at: s)
        }
        i += 1
        let name = text(nameRange)
        if XMLEntityTable.predefined[name] == nil {
            if let declaration = entities.general[name] {
                switch declaration.definition {
                case .external(let systemID, _, let notation):
                    if notation != nil {
                        throw malformed("unparsed entity &\(name); (NDATA \(notation!)) may not be referenced in \(inAttribute ? "an attribute value" : "content")", at: s)
                    }
                    throw PatentDocumentError.externalEntity(location(s), name: name, systemID: systemID)
                case .internal(_, _, let containsMarkup):
                    if let systemID = entities.reachesExternal[name] {
                        throw PatentDocumentError.externalEntity(location(s), name: name, systemID: systemID)
                    }
                    if inAttribute, containsMarkup {
                        throw malformed("entity &\(name); contains '<' and may not be used in an attribute value", at: s)
                    }
                }
            } else if !entities.undeclaredMayBeExternal {
                throw malformed("undeclared entity &\(name);", at: s)
            }
        }
        return names.intern(b, nameRange)
    }

    mutating func checkCharacterReference(from s: Int) throws {
        i += 1
        var hexadecimal = false
        if i < n, b[i] == UInt8(ascii: "x") {
            hexadecimal = true
            i += 1
        }
        var value: UInt32 = 0
        var digits = 0
        while i < n, b[i] != UInt8(ascii: ";") {
            let c = b[i]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f") where hexadecimal: digit = UInt32(c - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where hexadecimal: digit = UInt32(c - 0x41 + 10)
            default: throw malformed("invalid character reference", at: s)
            }
            value = min(value &* (hexadecimal ? 16 : 10) &+ digit, 0x11_0000)
            digits += 1
            i += 1
        }
        guard i < n, digits > 0 else { throw malformed("invalid character reference", at: s) }
        i += 1
        guard XMLText.isXMLCharacter(value) else {
            throw malformed("character reference to U+\(String(value, radix: 16, uppercase: true)), which is not an XML character", at: s)
        }
    }
}
