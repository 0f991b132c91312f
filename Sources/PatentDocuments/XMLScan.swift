/// A whole XML document scanned losslessly: its bytes, the tokens that cover them, the
/// attributes of each tag in source order and the element tree. Scanning checks
/// well-formedness (XML 1.0 without namespace checks) and the security rules of the
/// project: external entities are never resolved and entity-expansion bombs are refused.
///
/// Writing `tokens` back byte for byte gives `bytes`; `XMLScan` never rewrites anything.
public struct XMLScan: Sendable {
    public let source: String
    public let bytes: [UInt8]
    public let tokens: [XMLToken]
    public let attributes: [XMLAttribute]
    /// Elements in document order; `elements[0]` is the root.
    public let elements: [XMLElement]
    let names: [String]
    public let entities: XMLEntityTable
    /// The `encoding` of the XML declaration, if there is one.
    public let declaredEncoding: String?

    /// Documents over this size are refused before scanning (offsets are 32-bit).
    public static let maximumBytes = 1 << 30
    /// Elements nested deeper than this are refused (real filings nest about 20 deep; the bound also bounds the recursion of unit extraction).
    public static let maximumDepth = 256

    public init(bytes: [UInt8], source: String) throws {
        guard bytes.count <= Self.maximumBytes else {
            throw PatentDocumentError.tooLarge(file: source, bytes: bytes.count, limit: Self.maximumBytes)
        }
        let state = try bytes.withUnsafeBufferPointer { buffer in
            var scanner = XMLScanner(b: buffer, source: source)
            try scanner.run()
            return scanner
        }
        self.source = source
        self.bytes = bytes
        tokens = state.tokens
        attributes = state.attributes
        elements = state.elements
        names = state.names.names
        entities = state.entities
        declaredEncoding = state.declaredEncoding
    }

    public var root: Int { 0 }

    public func name(ofElement element: Int) -> String { names[Int(elements[element].nameID)] }

    /// Element, PI target or entity name of a token ("" for other kinds).
    public func name(of token: XMLToken) -> String { token.nameID >= 0 ? names[Int(token.nameID)] : "" }

    public func attributes(of token: XMLToken) -> ArraySlice<XMLAttribute> {
        attributes[Int(token.firstAttribute)..<Int(token.firstAttribute + token.attributeCount)]
    }

    public func attributes(ofElement element: Int) -> ArraySlice<XMLAttribute> {
        attributes(of: tokens[elements[element].startToken])
    }

    public func name(of attribute: XMLAttribute) -> String { names[Int(attribute.nameID)] }

    /// The attribute's value as written (references not expanded).
    public func rawValue(of attribute: XMLAttribute) -> String { string(attribute.valueRange) }

    /// The attribute's value with character and predefined references decoded; other
    /// entity references stay as written.
    public func value(of attribute: XMLAttribute) -> String {
        XMLText.decodeReferences(in: bytes[attribute.valueRange])
    }

    public func attribute(_ name: String, ofElement element: Int) -> String? {
        attributes(ofElement: element).first { self.name(of: $0) == name }.map(value(of:))
    }

    public func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    public func location(ofOffset offset: Int) -> SourceLocation {
        XMLLocator.location(in: bytes, offset: offset, source: source)
    }

    /// Children elements of `element`, in order.
    public func children(ofElement element: Int) -> [Int] {
        var result: [Int] = []
        let e = elements[element]
        var t = e.startToken + 1
        while t < e.endToken {
            let token = tokens[t]
            if token.kind == .startTag || token.kind == .emptyElementTag {
                let child = Int(token.elementIndex)
                result.append(child)
                t = elements[child].endToken + 1
            } else {
                t += 1
            }
        }
        return result
    }

    /// The text content of an element (all descendant text, CDATA and references decoded;
    /// other entity references left out), as XPath's `string()` would give it.
    public func textContent(ofElement element: Int) -> String {
        let e = elements[element]
        var result = ""
        for t in (e.startToken + 1)..<max(e.startToken + 1, e.endToken) {
            let token = tokens[t]
            switch token.kind {
            case .text: result += XMLText.normalizeLineEnds(string(token.range))
            case .cdata: result += XMLText.normalizeLineEnds(string((token.start + 9)..<(token.end - 3)))
            case .characterReference, .entityReference: result += XMLText.decodeReference(bytes[token.range]) ?? ""
            default: break
            }
        }
        return result
    }
}

/// Interned names: each distinct element/attribute name becomes one `String`.
struct XMLNameTable {
    var names: [String] = []
    private var ids: [String: Int32] = [:]
    private var recent: [UInt64: Int32] = [:]
    private var nameBytes: [[UInt8]] = []

    mutating func intern(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in range {
            hash = (hash ^ UInt64(b[k])) &* 0x100_0000_01b3
        }
        if let id = recent[hash], nameBytes[Int(id)].elementsEqual(UnsafeBufferPointer(rebasing: b[range])) {
            return id
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
        if let id = ids[name] { return id }
        let id = Int32(names.count)
        names.append(name)
        nameBytes.append(Array(UnsafeBufferPointer(rebasing: b[range])))
        ids[name] = id
        if recent[hash] == nil { recent[hash] = id }
        return id
    }
}
