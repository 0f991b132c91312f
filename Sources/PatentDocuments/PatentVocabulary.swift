/// How the element names of the five XML families are treated when units are collected.
/// Names are compared by their *key*: local name (prefix dropped), lower-cased, hyphens
/// removed, so `claim-text` (USPTO, ST.36, JPO, CNIPA) and `pat:ClaimText` (ST.96) are
/// the same key `claimtext`.
///
/// - regions: where translatable text lives (title, abstract, description, claims).
///   Nothing outside a region is translated: bibliographic data, drawings, search
///   reports, the JPO `jp:overflow` block.
/// - unit containers: elements whose runs of text are units (`p`, `heading`,
///   `claim-text`, `li`, table `entry`, titles).
/// - paired inline: markup that travels as `⟦n⟧…⟦/n⟧` around translatable text (`b`, `i`,
///   `u`, `o`, `sub`, `sup`, `smallcaps`, `figref`, `claim-ref`, `crossref`, …).
/// - void inline: `br`: a single `⟦n/⟧`.
/// - block: elements that split a unit container's text into separate runs (lists,
///   tables, nested `claim-text`, nested paragraphs).
/// - opaque: everything else inside a run (`maths`, `chemistry`, `img`, formulas,
///   `patcit`, `nplcit`, `bio-deposit`, `pre`, comments, unknown elements): one `⟦n/⟧`,
///   never translated. Unknown markup is opaque on purpose: it is never lost and never
///   handed to the model.
struct PatentVocabulary {
    let format: PatentFormat

    static func key(_ name: String) -> String {
        let local = name.split(separator: ":", maxSplits: 1).last.map(String.init) ?? name
        return String(local.lowercased().filter { $0 != "-" && $0 != "_" })
    }

    static let regions: Set<String> = [
        "inventiontitle", "b542", "abstract", "description", "claims", "usclaimstatement",
        "amendedclaims", "amendedclaimsstatement", "claimsstatement",
    ]

    static let unitContainers: Set<String> = [
        "p", "heading", "claimtext", "inventiontitle", "b542", "li", "entry", "dt", "dd",
        "usclaimstatement", "claimsstatement", "title",
        // ST.96
        "listitem", "orderedlistitem", "unorderedlistitem",
    ]

    static let pairedInline: Set<String> = [
        "b", "i", "u", "o", "s", "smallcaps", "smallcapital", "sub", "sup", "sub2", "sup2",
        "figref", "figurereference", "claimref", "claimreference", "crossref", "crossreference",
        "ins", "del", "span", "dfn", "underline", "bold", "italic", "superscript", "subscript",
    ]

    static let voidInline: Set<String> = ["br"]

    static let structuralBlocks: Set<String> = [
        "ul", "ol", "dl", "tables", "table", "tgroup", "thead", "tbody", "tfoot", "row",
        "orderedlist", "unorderedlist", "list", "claim", "claims",
    ]

    /// Skipped entirely where they stand between units (never translated).
    static let opaqueBlocks: Set<String> = [
        "maths", "math", "chemistry", "chem", "chemicalformulae", "inlineformula", "inlineformulae",
        "img", "image", "figure", "figures", "drawings", "patcit", "nplcit", "patentcitation",
        "nplcitation", "biodeposit", "pre", "sequencecwu", "tableexternaldoc", "colspec", "spanspec",
    ]

    func isUnitContainer(_ key: String) -> Bool {
        if Self.unitContainers.contains(key) { return true }
        // JPO puts each figure's whole description in a `figref` inside the `p` of
        // `description-of-drawings`: there it is a paragraph, not an inline reference.
        return format == .jpo && key == "figref"
    }

    func isPairedInline(_ key: String) -> Bool { Self.pairedInline.contains(key) && !isUnitContainer(key) }

    func isBlock(_ key: String) -> Bool { isUnitContainer(key) || Self.structuralBlocks.contains(key) }

    /// The kind of the units of a container, given the region it is in.
    func kind(ofContainer key: String, region: String) -> UnitKind {
        switch key {
        case "inventiontitle", "b542": return .title
        case "heading", "usclaimstatement", "claimsstatement", "title": return .heading
        case "entry": return .tableCell
        case "li", "dt", "dd", "listitem", "orderedlistitem", "unorderedlistitem": return .listItem
        case "claimtext": return .claim
        default:
            switch region {
            case "abstract": return .abstract
            case "claims", "amendedclaims": return .claim
            case "inventiontitle", "b542": return .title
            case "usclaimstatement", "claimsstatement", "amendedclaimsstatement": return .heading
            default: return .paragraph
            }
        }
    }
}
