import Foundation
@testable import PatentDocuments
import XCTest

final class DocumentWriterTests: XCTestCase {
    func testWritingWithoutTranslationsGivesTheInputBytes() throws {
        for name in SharedPatents.names {
            let bytes = try SharedPatents.bytes(name)
            let document = try PatentDocument.parse(bytes, source: name)
            XCTAssertEqual([UInt8](try document.rendered(translations: [:])), bytes, name)
        }
    }

    func testIdentityTranslationGivesTheSameTree() throws {
        for name in SharedPatents.names {
            let bytes = try SharedPatents.bytes(name)
            let document = try PatentDocument.parse(bytes, source: name)
            let identity = Dictionary(uniqueKeysWithValues: document.units.map { ($0.id, $0.text) })
            let output = [UInt8](try document.rendered(translations: identity, targetLanguage: "ko"))
            let scan = try XMLScan(bytes: output, source: "\(name) (identity)")
            XCTAssertNil(XMLTreeComparison.firstDifference(document.xml!, scan, ignoringLanguageValues: true), name)
            XCTAssertNil(ReferenceParser.parse(output).error, name)
            // Untranslated paragraphs in the output are byte-identical to the input where
            // the source used no references: the only byte changes are re-escapes.
            XCTAssertEqual(try PatentDocument.parse(output, source: name).units.map(\.text), document.units.map(\.text), name)
        }
    }

    func testMarkerTranslationChangesOnlyUnitTextAndLanguage() throws {
        for name in SharedPatents.names {
            let bytes = try SharedPatents.bytes(name)
            let document = try PatentDocument.parse(bytes, source: name)
            // Markers that drop every placeholder and need escaping.
            let markers = Dictionary(uniqueKeysWithValues: document.units.map { ($0.id, "<U\($0.id) & ko>") })
            let output = [UInt8](try document.rendered(translations: markers, targetLanguage: "ko"))
            XCTAssertNil(ReferenceParser.parse(output).error, name)
            let scan = try XMLScan(bytes: output, source: "\(name) (markers)")
            let translated = document.elementsWithTranslatedText(units: document.units.map(\.id))
            XCTAssertNil(XMLTreeComparison.firstDifference(document.xml!, scan, translatedElements: translated, ignoringLanguageValues: true), name)
            // Without the allowance for translated text the trees must differ (the test can fail).
            XCTAssertNotNil(XMLTreeComparison.firstDifference(document.xml!, scan, ignoringLanguageValues: true), name)
            let text = String(decoding: output, as: UTF8.self)
            let found = text.matches(of: #/&lt;U(\d+) &amp; ko&gt;/#).map { Int($0.1)! }
            XCTAssertEqual(found, document.units.map(\.id), "\(name): each marker once, in document order")
            // Markup is neither lost nor invented.
            for tag in ["<b>", "</b>", "<sub>", "<sup>", "<br/>", "<br />", "<figref", "<claim-ref", "<chemistry", "<img", "<!--", "<u "] {
                XCTAssertEqual(text.components(separatedBy: tag).count, String(decoding: bytes, as: UTF8.self).components(separatedBy: tag).count, "\(name): \(tag)")
            }
            // The root's language attribute says Korean, in the source's letter case.
            let root = scan.attributes(ofElement: scan.root).first { scan.name(of: $0) == "lang" }.map(scan.rawValue(of:))
            let sourceRoot = document.xml!.attribute("lang", ofElement: 0)!
            XCTAssertEqual(root, sourceRoot == sourceRoot.uppercased() ? "KO" : "ko", name)
        }
    }

    func testOnlyTheLanguagesOfTranslatedPartsChange() throws {
        let bytes = try SharedPatents.bytes("ep-b1-st36.xml")
        let document = try PatentDocument.parse(bytes, source: "ep")
        let english = document.units.filter { $0.language == "en" }
        XCTAssertGreaterThan(english.count, 500)
        let output = try document.rendered(translations: Dictionary(uniqueKeysWithValues: english.map { ($0.id, "번역 \($0.id)") }))
        let scan = try XMLScan(bytes: [UInt8](output), source: "ep (ko)")
        var claimsLanguages: [String] = []
        var descriptionLanguage: String?
        for e in scan.elements.indices {
            switch scan.name(ofElement: e) {
            case "claims": claimsLanguages.append(scan.attribute("lang", ofElement: e)!)
            case "description": descriptionLanguage = scan.attribute("lang", ofElement: e)
            default: break
            }
        }
        XCTAssertEqual(claimsLanguages, ["ko", "de", "fr"])
        XCTAssertEqual(descriptionLanguage, "ko")
        XCTAssertEqual(scan.attribute("lang", ofElement: 0), "ko")
        let reread = try PatentDocument.parse([UInt8](output), source: "ep (ko)")
        XCTAssertEqual(reread.units.filter { $0.kind == .claim && $0.language == "ko" }.count, english.filter { $0.kind == .claim }.count)
        XCTAssertEqual(reread.units.filter { $0.language == "de" }.map(\.text), document.units.filter { $0.language == "de" }.map(\.text))
    }

    func testInvalidRequestsAreRefused() throws {
        let document = try PatentDocument.read(contentsOf: SharedPatents.url("us-application-3.xml"))
        XCTAssertThrowsError(try document.rendered(translations: [document.units.count: "x"])) { error in
            guard case .invalidRequest(_, let what)? = error as? PatentDocumentError else { return XCTFail("\(error)") }
            XCTAssertTrue(what.contains("no unit \(document.units.count)"), what)
        }
        XCTAssertThrowsError(try document.rendered(translations: [0: "x"], targetLanguage: "k\"o"))
    }

    /// A 50 MB filing built from a real one (its description repeated) reads and writes in
    /// linear time: ten times the input takes about ten times as long, not a hundred.
    func testFiftyMegabyteDocument() throws {
        let source = String(decoding: try SharedPatents.bytes("us-application-1.xml"), as: UTF8.self)
        let open = try XCTUnwrap(source.range(of: "<description id=\"description\">"))
        let close = try XCTUnwrap(source.range(of: "</description>"))
        let head = String(source[..<open.upperBound]), body = String(source[open.upperBound..<close.lowerBound]), tail = String(source[close.lowerBound...])
        func build(_ megabytes: Int) -> (bytes: [UInt8], copies: Int) {
            let copies = (megabytes << 20) / body.utf8.count + 1
            var text = head
            text.reserveCapacity(head.utf8.count + copies * body.utf8.count + tail.utf8.count)
            for _ in 0..<copies { text += body }
            return (Array((text + tail).utf8), copies)
        }
        let original = try PatentDocument.parse(Array(source.utf8), source: "us")
        let inDescription = original.units.filter { $0.path.steps.contains { $0.name == "description" } }.count

        func measure(_ megabytes: Int) throws -> (seconds: Double, document: PatentDocument, copies: Int, bytes: [UInt8]) {
            let (bytes, copies) = build(megabytes)
            let started = Date()
            let document = try PatentDocument.parse(bytes, source: "big.xml")
            let output = try document.rendered(translations: [0: "제목"])
            XCTAssertEqual(output.count, bytes.count - original.units[0].byteRange.count + "제목".utf8.count)
            return (Date().timeIntervalSince(started), document, copies, bytes)
        }
        let small = try measure(5)
        let large = try measure(50)
        XCTAssertGreaterThanOrEqual(large.bytes.count, 50 << 20)
        XCTAssertEqual(large.document.units.count, original.units.count + (large.copies - 1) * inDescription)
        XCTAssertLessThan(large.seconds, 30, "50 MB took \(large.seconds) s")
        XCTAssertLessThan(large.seconds / small.seconds, 25, "5 MB: \(small.seconds) s, 50 MB: \(large.seconds) s: not linear")
        print("read+write: 5 MB \(small.seconds) s, 50 MB \(large.seconds) s")
    }
}
