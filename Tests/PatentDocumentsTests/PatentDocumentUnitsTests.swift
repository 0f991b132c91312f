import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import PatentDocuments
import XCTest

/// Collects, with libxml2, the text a translator must see: all character data inside the
/// translatable regions, outside opaque elements, in document order.
final class RegionTextCollector: NSObject, XMLParserDelegate {
    static let regions: Set<String> = ["invention-title", "B542", "abstract", "description", "claims", "us-claim-statement"]
    static let opaque: Set<String> = ["maths", "chemistry", "img", "figure", "patcit", "nplcit", "bio-deposit", "pre", "drawings"]
    var regionDepth = 0
    var opaqueDepth = 0
    var text = ""

    static func collect(_ bytes: [UInt8]) -> String {
        let delegate = RegionTextCollector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = delegate
        XCTAssertTrue(parser.parse())
        return delegate.text
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if Self.regions.contains(name) { regionDepth += 1 }
        if Self.opaque.contains(name) { opaqueDepth += 1 }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if Self.regions.contains(name) { regionDepth -= 1 }
        if Self.opaque.contains(name) { opaqueDepth -= 1 }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if regionDepth > 0, opaqueDepth == 0 { text += string }
    }
}

func withoutMarkers(_ text: String) -> String {
    var out = ""
    for token in PlaceholderRestorer.tokenize(text) { if case .text(let s) = token { out += s } }
    return out
}

func nonSpace(_ s: String) -> String { String(s.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init)) }

final class PatentDocumentUnitsTests: XCTestCase {
    func testFormatsLanguagesAndIPCClassesOfTheRealFiles() throws {
        let expected: [String: (PatentFormat, String)] = [
            "us-application-1.xml": (.usptoApplication, "en"), "us-application-3.xml": (.usptoApplication, "en"),
            "ep-b1-st36.xml": (.epST36, "en"), "jp-gazette-1.xml": (.jpo, "ja"), "cn-old-1.xml": (.cnipa, "zh"),
        ]
        for name in SharedPatents.names {
            let document = try PatentDocument.read(contentsOf: SharedPatents.url(name))
            let text = String(decoding: try SharedPatents.bytes(name), as: UTF8.self)
            XCTAssertEqual(document.format, expected[name]!.0, name)
            XCTAssertEqual(document.languageCode, expected[name]!.1, name)
            // IPC classes as the bibliographic data writes them, by a regular expression.
            var ipc: [String] = []
            let ipcrBlocks = text.matches(of: #/<classification-ipcr>(?s:.*?)</classification-ipcr>/#).map { String($0.0) }.joined()
            for m in ipcrBlocks.matches(of: #/<section>([A-H])</section>\s*<class>(\d\d)</class>\s*<subclass>([A-Z])</subclass>\s*<main-group>(\d+)</main-group>\s*<subgroup>(\d+)</subgroup>/#) {
                ipc.append("\(m.1)\(m.2)\(m.3) \(m.4)/\(m.5)")
            }
            for m in text.matches(of: #/<(?:classification-ipcr[^>]*>\s*<text|main-clsf|further-clsf)>([A-H]\d\d[A-Z])\s*(\d+/\d+)/#) {
                let inNational = text[..<m.range.lowerBound].range(of: "<classification-national>", options: .backwards)
                    .map { text[$0.upperBound..<m.range.lowerBound].contains("</classification-national>") == false } ?? false
                if !inNational { ipc.append("\(m.1) \(m.2)") }
            }
            var seen = Set<String>()
            XCTAssertEqual(document.ipcClasses, ipc.filter { seen.insert($0).inserted }, name)
            XCTAssertFalse(document.ipcClasses.isEmpty, name)
        }
    }

    func testEveryTranslatableCharacterIsInExactlyOneUnitInOrder() throws {
        for name in SharedPatents.names {
            let bytes = try SharedPatents.bytes(name)
            let document = try PatentDocument.parse(bytes, source: name)
            let fromUnits = nonSpace(document.units.map { withoutMarkers($0.text) }.joined())
            let fromReference = nonSpace(RegionTextCollector.collect(bytes))
            XCTAssertEqual(fromUnits.count, fromReference.count, name)
            XCTAssertTrue(fromUnits == fromReference, "\(name): unit text differs from the region text libxml2 reads")
            XCTAssertEqual(document.units.map(\.id), Array(document.units.indices), name)
        }
    }

    func testClaimsAndKindsArePlausible() throws {
        for name in SharedPatents.names {
            let bytes = try SharedPatents.bytes(name)
            let text = String(decoding: bytes, as: UTF8.self)
            let document = try PatentDocument.parse(bytes, source: name)
            let claimElements = text.matches(of: #/<claim[ >]/#).count
            // Each claim element holds at least one claim unit.
            let claimPaths = Set(document.units.filter { $0.kind == .claim }.map { unit in
                unit.path.steps.prefix { $0.name != "claim" }.count
                    < unit.path.steps.count ? "\(unit.path.steps.prefix(through: unit.path.steps.firstIndex { $0.name == "claim" }!))" : ""
            })
            XCTAssertEqual(claimPaths.count, claimElements, name)
            XCTAssertGreaterThan(claimElements, 0, name)
            let titles = document.units.filter { $0.kind == .title }
            XCTAssertEqual(titles.count, text.matches(of: #/<(invention-title|B542)[ >]/#).count, name)
            let headings = document.units.filter { $0.kind == .heading }.count
            XCTAssertEqual(headings, text.matches(of: #/<heading[ >]/#).count + text.matches(of: #/<us-claim-statement>/#).count
                + text.matches(of: #/<title>/#).count, name)
            let cells = document.units.filter { $0.kind == .tableCell }.count
            let nonEmptyEntries = text.matches(of: #/<entry[^>]*>([^<]*)/#).filter { !nonSpace(String($0.1)).isEmpty }.count
            XCTAssertGreaterThanOrEqual(cells, nonEmptyEntries, name)
            XCTAssertLessThanOrEqual(cells, text.matches(of: #/<entry[ >]/#).count, name)
            for unit in document.units {
                XCTAssertFalse(nonSpace(withoutMarkers(unit.text)).isEmpty, "\(name): unit \(unit.id) has no text")
                XCTAssertEqual(unit.text, unit.text.trimmingSpaces(), "\(name): unit \(unit.id) keeps edge whitespace")
            }
        }
    }

    func testStructuresOfTheRealFiles() throws {
        let us = try PatentDocument.read(contentsOf: SharedPatents.url("us-application-1.xml"))
        // A claim: the preamble (with the bold claim number as paired markup) and each
        // nested claim-text are separate units.
        let claim1 = us.units.filter { $0.path.description.contains("[@id='CLM-00001']") }
        XCTAssertEqual(claim1.count, 6)
        XCTAssertEqual(claim1.first?.text, "⟦1⟧1⟦/1⟧. An action recognition apparatus comprising:")
        XCTAssertEqual(claim1.first?.placeholders.first?.open, "<b>")
        XCTAssertEqual(claim1.first?.path.description,
                       "/us-patent-application[1][@id='us-patent-application']/claims[1][@id='claims']/claim[1][@id='CLM-00001'][@num='00001']/claim-text[1]")
        XCTAssertEqual(claim1[1].path.steps.last?.name, "claim-text")
        XCTAssertEqual(claim1[1].path.elementID, "CLM-00001")
        let claim2 = try XCTUnwrap(us.units.first { $0.path.elementID == "CLM-00002" })
        XCTAssertEqual(claim2.text, "⟦1⟧2⟦/1⟧. The action recognition apparatus according to ⟦2⟧claim 1⟦/2⟧,")
        XCTAssertEqual(claim2.placeholders[1].open, "<claim-ref idref=\"CLM-00001\">")
        XCTAssertEqual(us.units.first { $0.kind == .heading && $0.text == "What is claimed is:" }?.path.steps.last?.name, "us-claim-statement")
        // Character references are decoded for the model; an inline image is opaque.
        let citation = try XCTUnwrap(us.units.first { $0.path.elementID == "ul0001-0001" })
        XCTAssertTrue(citation.text.contains("Zisserman⟦1/⟧ “Two-Stream"), citation.text)
        XCTAssertEqual(citation.placeholders.first?.kind, .opaque)
        XCTAssertTrue(citation.text.hasSuffix("<URL: https://papers.nips.cc/paper/5353-two-stream-convolutional-networks-for-action-recognition-in-videos.pdf>"))

        let ep = try PatentDocument.read(contentsOf: SharedPatents.url("ep-b1-st36.xml"))
        XCTAssertEqual(ep.units.filter { $0.kind == .title }.map(\.language), ["de", "en", "fr"])
        XCTAssertEqual(Set(ep.units.filter { $0.kind == .claim }.compactMap(\.language)), ["en", "de", "fr"])
        let formula = try XCTUnwrap(ep.units.first { $0.path.elementID == "c-en-01-0001" })
        XCTAssertEqual(formula.text, "A compound of Formula ⟦1⟧(I)⟦/1⟧:\n⟦2/⟧\nwherein:")
        XCTAssertTrue(formula.placeholders[1].open.hasPrefix("<chemistry id=\"chem0112\""))
        // A page-break comment at the end of a paragraph stays outside the unit.
        let p20 = try XCTUnwrap(ep.units.first { $0.path.elementID == "p0020" })
        XCTAssertTrue(p20.text.hasSuffix("throughout this patent document."), p20.text)
        XCTAssertTrue(p20.placeholders.isEmpty)
        // A paragraph split by a table: text before it is one unit, the cells are units.
        let p22 = ep.units.filter { $0.path.steps.contains { $0.id == "p0022" } }
        XCTAssertEqual(p22.first?.text, "⟦1⟧AMINO ACID ABBREVIATIONS⟦/1⟧ used herein are set out in TABLE ⟦2⟧1⟦/2⟧:")
        XCTAssertEqual(p22.dropFirst().first?.kind, .tableCell)

        let jp = try PatentDocument.read(contentsOf: SharedPatents.url("jp-gazette-1.xml"))
        // Each figure description is its own paragraph; breaks are void placeholders.
        let figures = jp.units.filter { $0.path.steps.last?.name == "figref" }
        XCTAssertEqual(figures.count, 15)
        XCTAssertTrue(figures[0].text.hasPrefix("図１（Ａ）は、ウェーハの表面"))
        let jpClaim = try XCTUnwrap(jp.units.first { $0.kind == .claim })
        XCTAssertEqual(jpClaim.placeholders.map(\.kind).first, .void)
        XCTAssertFalse(jp.units.contains { $0.path.steps.contains { $0.name == "jp:overflow" } })

        let cn = try PatentDocument.read(contentsOf: SharedPatents.url("cn-old-1.xml"))
        XCTAssertEqual(cn.units.first { $0.kind == .claim }?.text.hasPrefix("1.一种甘草发酵所得烟用香料"), true)
        XCTAssertEqual(cn.units.first { $0.kind == .tableCell }?.language, "zh")  // application-body lang="CN"
    }

    func testInternalEntitiesAreOpaqueAndExternalOnesRefused() throws {
        let ep = try SharedPatents.bytes("ep-b1-st36.xml")
        let text = String(decoding: ep, as: UTF8.self)
        func withSubset(_ subset: String, _ old: String, _ new: String) -> [UInt8] {
            Array(text.replacingOccurrences(of: "\"ep-patent-document-v1-0.dtd\">", with: "\"ep-patent-document-v1-0.dtd\" [\(subset)]>")
                .replacingOccurrences(of: old, with: new).utf8)
        }
        // An internal entity in a paragraph: kept as written, opaque to the model.
        let internalDoc = withSubset("<!ENTITY epo \"European Patent Office\">", "patent disclosure proceeds.", "patent disclosure &epo; proceeds.")
        let document = try PatentDocument.parse(internalDoc, source: "ep")
        let unit = try XCTUnwrap(document.units.first { $0.path.elementID == "p0019" })
        XCTAssertTrue(unit.text.hasSuffix("patent disclosure ⟦1/⟧ proceeds."), unit.text)
        XCTAssertEqual(unit.placeholders.first?.open, "&epo;")
        XCTAssertEqual(try document.rendered(translations: [:]), Data(internalDoc))

        // External entities, a local file and a URL: declared is fine, referenced is refused.
        for systemID in ["file:///etc/passwd", "http://127.0.0.1:9/filing-secrets.xml"] {
            let declared = withSubset("<!ENTITY xxe SYSTEM \"\(systemID)\">", "", "")
            let quiet = try PatentDocument.parse(declared, source: "ep")
            XCTAssertFalse(quiet.units.contains { $0.text.contains("root:") })
            let referenced = withSubset("<!ENTITY xxe SYSTEM \"\(systemID)\">", "patent disclosure proceeds.", "patent disclosure &xxe; proceeds.")
            let started = Date()
            XCTAssertThrowsError(try PatentDocument.parse(referenced, source: "ep.xml")) { error in
                guard case .externalEntity(let at, let name, let id)? = error as? PatentDocumentError else { return XCTFail("\(error)") }
                XCTAssertEqual([name, id], ["xxe", systemID])
                XCTAssertEqual(at.line, 40)
                XCTAssertTrue("\(error)".contains("never resolved or fetched"), "\(error)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 2)
            // In an attribute value too.
            let inAttribute = withSubset("<!ENTITY xxe PUBLIC \"-//X//Y//EN\" \"\(systemID)\">", "<p id=\"p0019\"", "<p id=\"&xxe;\"")
            XCTAssertThrowsError(try PatentDocument.parse(inAttribute, source: "ep.xml")) { error in
                guard case .externalEntity? = error as? PatentDocumentError else { return XCTFail("\(error)") }
            }
        }
        // Through an internal entity that refers to an external one.
        let indirect = withSubset("<!ENTITY xxe SYSTEM \"file:///etc/passwd\"><!ENTITY wrapper \"see &xxe;\">", "patent disclosure proceeds.", "patent &wrapper; proceeds.")
        XCTAssertThrowsError(try PatentDocument.parse(indirect, source: "ep.xml")) { error in
            guard case .externalEntity(_, let name, let id)? = error as? PatentDocumentError else { return XCTFail("\(error)") }
            XCTAssertEqual([name, id], ["wrapper", "file:///etc/passwd"])
        }
        // An external parameter entity is never read; undeclared entities are then opaque.
        let parameter = withSubset("<!ENTITY % ext SYSTEM \"file:///etc/passwd\"> %ext;", "patent disclosure proceeds.", "patent &mystery; disclosure proceeds.")
        let opaque = try PatentDocument.parse(parameter, source: "ep")
        XCTAssertTrue(opaque.units.contains { $0.text.contains("patent ⟦1/⟧ disclosure proceeds.") })
    }

    func testEntityExpansionBombsAreRefusedQuickly() throws {
        var laughs = "<!ENTITY lol \"lol\">"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            laughs += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        let cases: [(String, String)] = [
            (laughs, "lol9"),
            // Wide rather than deep: 4 levels of 64 copies = 16.7 M copies of a 4-byte value.
            ("<!ENTITY a \"aaaa\">" + (1...4).map { "<!ENTITY a\($0) \"" + String(repeating: "&a\($0 == 1 ? "" : String($0 - 1));", count: 64) + "\">" }.joined(), "a4"),
            ((0..<12).map { "<!ENTITY d\($0) \"x&d\($0 + 1);\">" }.joined() + "<!ENTITY d12 \"end\">", "d0"),
            ("<!ENTITY loop1 \"&loop2;\"><!ENTITY loop2 \"&loop1;\">", "loop1"),
        ]
        let us = String(decoding: try SharedPatents.bytes("us-application-1.xml"), as: UTF8.self)
        for (subset, top) in cases {
            let bomb = us.replacingOccurrences(of: "<us-patent-application lang=", with: "<!DOCTYPE us-patent-application [\(subset)]>\n<us-patent-application lang=")
                .replacingOccurrences(of: "TECHNICAL FIELD", with: "TECHNICAL &\(top); FIELD")
            let started = Date()
            XCTAssertThrowsError(try PatentDocument.parse(Array(bomb.utf8), source: "bomb.xml")) { error in
                guard case .entityExpansion(let at, let what)? = error as? PatentDocumentError else { return XCTFail("\(error)") }
                XCTAssertEqual(at.line, 2)
                XCTAssertTrue(what.contains("refused"), what)
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 1, "refusing \(top) took too long")
        }
        // Nesting within the bounds is fine.
        let fine = us.replacingOccurrences(of: "<us-patent-application lang=", with: "<!DOCTYPE us-patent-application [<!ENTITY co \"Co.\"><!ENTITY acme \"ACME &co;\">]>\n<us-patent-application lang=")
        XCTAssertNoThrow(try PatentDocument.parse(Array(fine.utf8), source: "fine.xml"))
    }
}
