/// What one stretch of an XML document's bytes is. Tokens cover the input without gaps
/// or overlaps, so writing every token's bytes back gives the input byte for byte.
public enum XMLTokenKind: UInt8, Sendable {
    case byteOrderMark
    case xmlDeclaration
    case doctype
    case comment
    case processingInstruction
    case cdata
    case startTag
    case endTag
    case emptyElementTag
    /// Character data between markup; never contains `<` or `&`.
    case text
    case characterReference
    case entityReference
}

/// One token: its kind and byte range. Offsets are 32-bit (documents are limited to 1 GiB)
/// so that a 50 MB filing's millions of tokens stay small.
public struct XMLToken: Sendable {
    public let kind: XMLTokenKind
    let startOffset: UInt32
    let endOffset: UInt32
    /// Interned name: element name for tags, target for PIs, entity name for entity refs.
    let nameID: Int32
    /// Element index for start, end and empty-element tags; -1 otherwise.
    let elementIndex: Int32
    let firstAttribute: UInt32
    let attributeCount: UInt32

    public var start: Int { Int(startOffset) }
    public var end: Int { Int(endOffset) }
    public var range: Range<Int> { start..<end }
}

/// One attribute of a tag, in source order, with the byte ranges of its name and value
/// (the value range excludes the quotes).
public struct XMLAttribute: Sendable {
    let nameID: Int32
    let nameStart: UInt32
    let valueStart: UInt32
    let valueEnd: UInt32
    /// `"` or `'`.
    let quote: UInt8

    public var valueRange: Range<Int> { Int(valueStart)..<Int(valueEnd) }
}

/// One element: its name, the tokens that open and close it (the same token for an empty
/// element tag) and its place in the tree.
public struct XMLElement: Sendable {
    let nameID: Int32
    public let startToken: Int
    public internal(set) var endToken: Int
    public let parent: Int
    public let depth: Int
}
