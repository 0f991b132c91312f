/// The kinds of document `PatentDocument` reads. XML formats are told apart by their root
/// element (never by file name); text and JSONL by content.
public enum PatentFormat: String, Sendable, CaseIterable {
    case usptoApplication, usptoGrant, epST36, wipoST96, jpo, cnipa, plainText, jsonl

    public var isXML: Bool { self != .plainText && self != .jsonl }

    /// The XML format named by a root element, or nil. ST.96 documents are recognized by a
    /// namespace declaration on the root that names the ST.96 schemas (any prefix, any
    /// office's root element: `pat:PatentPublication`, `jppat:…`, `uspat:…`).
    static func detect(rootName: String, rootNamespaces: [String]) -> PatentFormat? {
        switch rootName {
        case "us-patent-application": return .usptoApplication
        case "us-patent-grant": return .usptoGrant
        case "ep-patent-document": return .epST36
        case "jp-official-gazette": return .jpo
        case "cn-patent-document": return .cnipa
        default:
            if rootNamespaces.contains(where: { $0.contains("wipo.int/standards/XMLSchema/ST96") }) { return .wipoST96 }
            return nil
        }
    }
}
