import Foundation

/// A patent filing read for translation: its format, language, IPC classes and ordered
/// translatable units; `rendered(translations:)` gives the same document back with only
/// the units' text replaced.
public struct PatentDocument: Sendable {
    /// How to read input: `auto` looks at the content (first non-space byte `<` → XML,
    /// `{` → JSONL, else plain text); the XML format is always told by the root element.
    public enum InputFormat: String, Sendable, CaseIterable {
        case auto, xml, text, jsonl
    }

    public let format: PatentFormat
    /// File name used in error messages.
    public let source: String
    /// The document's language (root language attribute, lower-cased; else the most
    /// common unit language); nil when nothing says (plain text, JSONL without `lang`).
    public let languageCode: String?
    /// IPC classes from the bibliographic data, `A01B 1/00` form (XML formats only).
    public let ipcClasses: [String]
    public let units: [TranslatableUnit]

    enum Body: Sendable {
        case xml(XMLScan)
        case text([UInt8])
        case jsonl([UInt8], [Int: JSONLReader.Line])
    }

    let body: Body

    /// The scanned XML (for tree comparison and inspection); nil for text and JSONL.
    public var xml: XMLScan? {
        if case .xml(let scan) = body { return scan }
        return nil
    }

    public static func read(contentsOf url: URL, format: InputFormat = .auto) throws -> PatentDocument {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw PatentDocumentError.unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        return try parse([UInt8](data), source: url.path, format: format)
    }

    public static func parse(_ bytes: [UInt8], source: String, format: InputFormat = .auto) throws -> PatentDocument {
        guard bytes.count <= XMLScan.maximumBytes else {
            throw PatentDocumentError.tooLarge(file: source, bytes: bytes.count, limit: XMLScan.maximumBytes)
        }
        let kind = format == .auto ? detect(bytes) : format
        switch kind {
        case .xml, .auto:
            return try readXML(bytes, source: source)
        case .text:
            try checkText(bytes, source: source)
            return PatentDocument(format: .plainText, source: source, languageCode: nil, ipcClasses: [],
                                  units: PlainTextReader.units(of: bytes), body: .text(bytes))
        case .jsonl:
            try checkText(bytes, source: source)
            let (units, lines) = try JSONLReader.units(of: bytes, source: source)
            return PatentDocument(format: .jsonl, source: source, languageCode: mostCommonLanguage(units), ipcClasses: [],
                                  units: units, body: .jsonl(bytes, lines))
        }
    }

    static func detect(_ bytes: [UInt8]) -> InputFormat {
        var k = bytes.starts(with: XMLEncodingCheck.utf8BOM) ? 3 : 0
        while k < bytes.count, PlainTextReader.isSpace(bytes[k]) { k += 1 }
        guard k < bytes.count else { return .text }
        switch bytes[k] {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "{"): return .jsonl
        default: return .text
        }
    }

    /// Text and JSONL input: not empty, not binary, UTF-8.
    static func checkText(_ bytes: [UInt8], source: String) throws {
        try bytes.withUnsafeBufferPointer { b in
            let bom = try XMLEncodingCheck.byteOrderMarkLength(b, source: source)
            guard (bom..<b.count).contains(where: { !PlainTextReader.isSpace(b[$0]) }) else {
                throw PatentDocumentError.empty(file: source)
            }
            try XMLEncodingCheck.validate(b, from: bom, declared: nil, hasBOM: bom > 0, source: source)
        }
    }

    static func readXML(_ bytes: [UInt8], source: String) throws -> PatentDocument {
        let scan = try XMLScan(bytes: bytes, source: source)
        let root = scan.root
        let rootName = scan.name(ofElement: root)
        let namespaces = scan.attributes(ofElement: root)
            .filter { let n = scan.name(of: $0); return n == "xmlns" || n.hasPrefix("xmlns:") }
            .map(scan.value(of:))
        guard let format = PatentFormat.detect(rootName: rootName, rootNamespaces: namespaces) else {
            throw PatentDocumentError.unknownRoot(scan.location(ofOffset: scan.tokens[scan.elements[root].startToken].start), name: rootName)
        }
        var extractor = XMLUnitExtractor(scan: scan, format: format)
        let units = extractor.extract()
        let rootLanguage = extractor.languageAttribute(ofElement: root).flatMap { XMLUnitExtractor.normalizeLanguage(scan.value(of: $0)) }
        return PatentDocument(format: format, source: source, languageCode: rootLanguage ?? mostCommonLanguage(units),
                              ipcClasses: IPCClassification.classes(in: scan), units: units, body: .xml(scan))
    }

    static func mostCommonLanguage(_ units: [TranslatableUnit]) -> String? {
        var counts: [String: Int] = [:]
        for unit in units { if let l = unit.language { counts[l, default: 0] += 1 } }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
    }

    /// The document with each unit in `translations` replaced by its translation and
    /// everything else byte for byte as read.
    ///
    /// XML: the translation goes through `TranslatableUnit.restore` (placeholders back to
    /// markup, text escaped), and every language attribute (`lang`, `xml:lang`,
    /// `com:languageCode`) on the root and on the ancestors of a translated unit's
    /// container is set to `targetLanguage`, upper-cased where the source value was
    /// upper-case (USPTO `lang="EN"` → `"KO"`, EP `lang="en"` → `"ko"`). Attributes are
    /// only changed, never added; EP `B541` language labels are text, left as they are.
    /// The output is scanned again before it is returned: it is always well-formed.
    ///
    /// Plain text: each translated paragraph/claim replaces the source's (claim numbers
    /// stay). JSONL: see `JSONLReader`.
    public func rendered(translations: [UnitID: String], targetLanguage: String = "ko") throws -> Data {
        for id in translations.keys where !units.indices.contains(id) {
            throw PatentDocumentError.invalidRequest(file: source, "no unit \(id) (the document has \(units.count) units)")
        }
        guard !targetLanguage.isEmpty, targetLanguage.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }) else {
            throw PatentDocumentError.invalidRequest(file: source, "invalid target language code \"\(targetLanguage)\"")
        }
        switch body {
        case .xml(let scan):
            return try renderXML(scan, translations: translations, targetLanguage: targetLanguage)
        case .text(let bytes):
            var replacements: [(Range<Int>, [UInt8])] = []
            for (id, translation) in translations {
                replacements.append((units[id].byteRange, Array(translation.utf8)))
            }
            return Data(Self.apply(replacements, to: bytes))
        case .jsonl(let bytes, let lines):
            return Data(JSONLReader.render(bytes, units: units, lines: lines, translations: translations))
        }
    }

    func renderXML(_ scan: XMLScan, translations: [UnitID: String], targetLanguage: String) throws -> Data {
        var replacements: [(Range<Int>, [UInt8])] = []
        var languageElements = Set<Int>()
        let extractor = XMLUnitExtractor(scan: scan, format: format)
        for (id, translation) in translations {
            let unit = units[id]
            replacements.append((unit.byteRange, Array(unit.restore(translation).utf8)))
            var e = unit.container
            while e >= 0 {
                languageElements.insert(e)
                e = scan.elements[e].parent
            }
        }
        for e in languageElements {
            guard let attribute = extractor.languageAttribute(ofElement: e) else { continue }
            let old = scan.rawValue(of: attribute)
            let isUpper = old.unicodeScalars.contains { $0.properties.isUppercase } && !old.unicodeScalars.contains { $0.properties.isLowercase }
            replacements.append((attribute.valueRange, Array((isUpper ? targetLanguage.uppercased() : targetLanguage.lowercased()).utf8)))
        }
        let output = Self.apply(replacements, to: scan.bytes)
        do {
            _ = try XMLScan(bytes: output, source: "\(source) (translated)")
        } catch {
            throw PatentDocumentError.invalidRequest(file: source, "the translated document would not be well-formed: \(error)")
        }
        return Data(output)
    }

    /// Non-overlapping byte-range replacements, applied in one pass.
    static func apply(_ replacements: [(Range<Int>, [UInt8])], to bytes: [UInt8]) -> [UInt8] {
        let sorted = replacements.sorted { $0.0.lowerBound < $1.0.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.1.count })
        var cursor = 0
        for (range, replacement) in sorted {
            precondition(range.lowerBound >= cursor, "overlapping replacements")
            out += bytes[cursor..<range.lowerBound]
            out += replacement
            cursor = range.upperBound
        }
        out += bytes[cursor...]
        return out
    }
}
