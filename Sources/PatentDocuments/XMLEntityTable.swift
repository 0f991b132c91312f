/// The general entities a document's DOCTYPE declares, as far as its internal subset says.
/// External entities are recorded (so that a reference to one can be refused by name) but
/// never resolved; internal ones are never expanded into text for translation either: a
/// reference to one stays an opaque placeholder (see `TranslatableUnit`).
public struct XMLEntityTable: Sendable {
    public enum Definition: Sendable, Equatable {
        /// `<!ENTITY name "value">`: the value's byte range in the document and the names
        /// of the general entities it refers to.
        case `internal`(value: Range<Int>, references: [String], containsMarkup: Bool)
        /// `<!ENTITY name SYSTEM "…">` or `PUBLIC "…" "…"`, with `NDATA` for unparsed ones.
        case external(systemID: String, publicID: String?, notation: String?)
    }

    public struct Declaration: Sendable, Equatable {
        public let definition: Definition
        /// Byte offset of the `<!ENTITY` that declared it.
        public let offset: Int
    }

    public internal(set) var general: [String: Declaration] = [:]
    public internal(set) var parameters: Set<String> = []
    /// The DOCTYPE names an external DTD (which is never read).
    public internal(set) var hasExternalSubset = false
    /// The internal subset refers to parameter entities (never expanded).
    public internal(set) var hasParameterReferences = false
    public internal(set) var standalone = false
    /// Internal entities whose expansion would reach an external parsed entity, with the
    /// system identifier reached: a reference to one is refused like a direct one.
    public internal(set) var reachesExternal: [String: String] = [:]

    /// Whether an entity missing here may be declared in a DTD we do not read; a reference
    /// to one is then kept opaque instead of being a well-formedness error.
    var undeclaredMayBeExternal: Bool { (hasExternalSubset || hasParameterReferences) && !standalone }

    public static let predefined: [String: String] = ["lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": "\""]

    /// Expansion bounds. Real filings nest entities one or two deep and expand to a few
    /// hundred bytes; a "billion laughs" document needs depth and size far beyond these.
    public static let maximumExpansionBytes = 1 << 20
    public static let maximumExpansionDepth = 8
}
