/// Units are numbered in document order from 0; `document.units[id].id == id`.
public typealias UnitID = Int

public enum UnitKind: String, Sendable, CaseIterable {
    case title, abstract, claim, heading, paragraph, listItem, tableCell
}

/// One piece of markup lifted out of a unit's text.
///
/// Placeholder syntax in `TranslatableUnit.text` (numbers are 1-based, per unit, in
/// order of appearance):
/// - `⟦n⟧ … ⟦/n⟧` paired inline markup (`<b>…</b>`, `<claim-ref …>…</claim-ref>`): the
///   text between the markers is translated;
/// - `⟦n/⟧` a void element (`<br/>`) or an opaque item (`maths`, `chemistry`, `img`,
///   comments, references to non-predefined entities, literal `⟦`/`⟧` of the source):
///   copied back exactly, never translated.
public struct Placeholder: Sendable, Hashable {
    public enum Kind: String, Sendable { case paired, void, opaque }

    public let number: Int
    public let kind: Kind
    /// Element name, or `#comment`, `#pi`, `#entity`, `#text` (a literal bracket).
    public let name: String
    /// The source bytes: start tag for paired markup, the whole item otherwise.
    public let open: String
    /// The end tag of paired markup; "" otherwise.
    public let close: String
    /// The paired placeholder this one sat inside in the source, if any.
    public let parent: Int?

    public var openMarker: String { kind == .paired ? "⟦\(number)⟧" : "⟦\(number)/⟧" }
    public var closeMarker: String { kind == .paired ? "⟦/\(number)⟧" : "" }
}

/// Where a unit came from: the element path from the root to the unit's container, each
/// step with its 1-based index among same-named siblings and its `id`/`num` attributes,
/// plus the run number when a container's text is split by block children (a nested
/// `claim-text`, a list, a table). For text and JSONL documents the single step is
/// `paragraph[N]` / `claim[N]` (its `num` the claim number as written) / `line[N]` (its
/// `id` the JSONL `id` member).
public struct UnitPath: Sendable, Hashable, CustomStringConvertible {
    public struct Step: Sendable, Hashable {
        public let name: String
        public let index: Int
        public let id: String?
        public let num: String?
    }

    public let steps: [Step]
    /// 1-based run within the container.
    public let run: Int

    /// `/us-patent-application/claims/claim[3][@id='CLM-00003']/claim-text[1]`, with
    /// `#2` appended for the second run of a container.
    public var description: String {
        var out = ""
        for step in steps {
            out += "/\(step.name)[\(step.index)]"
            if let id = step.id { out += "[@id='\(id)']" }
            if let num = step.num { out += "[@num='\(num)']" }
        }
        if run > 1 { out += "#\(run)" }
        return out
    }

    /// The nearest `id` attribute on the path (the container's own, else an ancestor's).
    public var elementID: String? { steps.reversed().lazy.compactMap(\.id).first }
    /// The nearest `num` attribute on the path.
    public var number: String? { steps.reversed().lazy.compactMap(\.num).first }
}

/// A stretch of translatable text: what goes to the model, and how it comes back.
public struct TranslatableUnit: Sendable, Hashable {
    public let id: UnitID
    public let kind: UnitKind
    public let path: UnitPath
    /// The text with inline markup as placeholders; references decoded; surrounding
    /// whitespace (and surrounding comments, breaks and opaque items) left out and kept
    /// in the document; inner whitespace exactly as in the source.
    public let text: String
    public let placeholders: [Placeholder]
    /// Language of the unit's text from the nearest language attribute (lower-cased;
    /// `CN`→`zh`, `JP`→`ja`, `KR`→`ko`), or from EP `B541` for `B542` titles.
    public let language: String?

    /// Byte range of the document that the unit's translation replaces.
    let byteRange: Range<Int>
    /// The unit's container element (XML) for language attributes; -1 otherwise.
    let container: Int

    /// The translation as an XML fragment with the markup back in place, by the rule of
    /// `PlaceholderRestorer` (every placeholder exactly once, never invented). Units of
    /// plain-text and JSONL documents have no markup: their translation is returned as is.
    public func restore(_ translation: String) -> String {
        guard container >= 0 else { return translation }
        return PlaceholderRestorer.restore(translation, placeholders: placeholders).xml
    }
}
