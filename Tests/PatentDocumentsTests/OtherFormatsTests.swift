import Foundation
@testable import PatentDocuments
import XCTest

/// The formats with no file in ../shared (USPTO grants, WIPO ST.96), built from a real
/// application by renaming its elements to the names those schemas use.
final class OtherFormatsTests: XCTestCase {
    func renamed(_ text: String, _ names: [(String, String)]) -> String {
        var out = text
        for (old, new) in names {
            out = out.replacing(Regex<Substring>(verbatim: "<\(old)>"), with: "<\(new)>")
                .replacing(Regex<Substring>(verbatim: "<\(old) "), with: "<\(new) ")
                .replacing(Regex<Substring>(verbatim: "<\(old)/>"), with: "<\(new)/>")
                .replacing(Regex<Substring>(verbatim: "</\(old)>"), with: "</\(new)>")
        }
        return out
    }

    func testUSPatentGrant() throws {
        let application = String(decoding: try SharedPatents.bytes("us-application-1.xml"), as: UTF8.self)
        let grant = renamed(application, [("us-patent-application", "us-patent-grant"), ("us-bibliographic-data-application", "us-bibliographic-data-grant")])
        let a = try PatentDocument.parse(Array(application.utf8), source: "a")
        let g = try PatentDocument.parse(Array(grant.utf8), source: "g")
        XCTAssertEqual(g.format, .usptoGrant)
        XCTAssertEqual(g.units.map(\.text), a.units.map(\.text))
        XCTAssertEqual(g.ipcClasses, a.ipcClasses)
    }

    func testWIPOST96() throws {
        let application = String(decoding: try SharedPatents.bytes("us-application-1.xml"), as: UTF8.self)
        var st96 = renamed(application, [
            ("invention-title", "pat:InventionTitle"), ("abstract", "pat:Abstract"), ("description", "pat:Description"),
            ("claims", "pat:Claims"), ("claim", "pat:Claim"), ("claim-text", "pat:ClaimText"), ("p", "com:P"),
            ("heading", "com:Heading"), ("b", "com:B"), ("i", "com:I"), ("sup", "com:Sup"), ("claim-ref", "com:ClaimReference"),
            ("figref", "com:FigureReference"), ("img", "com:Image"), ("ul", "com:UL"), ("li", "com:LI"),
            ("classifications-ipcr", "pat:IPCRClassificationBag"), ("classification-ipcr", "pat:IPCRClassification"),
            ("section", "pat:Section"), ("class", "pat:Class"), ("subclass", "pat:Subclass"), ("main-group", "pat:MainGroup"),
            ("subgroup", "pat:Subgroup"),
        ])
        st96 = st96.replacingOccurrences(of: "<us-patent-application lang=\"EN\"", with:
            "<pat:PatentPublication xmlns:pat=\"http://www.wipo.int/standards/XMLSchema/ST96/Patent\" xmlns:com=\"http://www.wipo.int/standards/XMLSchema/ST96/Common\" com:languageCode=\"en\"")
            .replacingOccurrences(of: "</us-patent-application>", with: "</pat:PatentPublication>")
        let a = try PatentDocument.parse(Array(application.utf8), source: "a")
        let w = try PatentDocument.parse(Array(st96.utf8), source: "st96.xml")
        XCTAssertEqual(w.format, .wipoST96)
        XCTAssertEqual(w.languageCode, "en")
        XCTAssertEqual(w.ipcClasses, a.ipcClasses)
        XCTAssertEqual(w.units.map(\.text), a.units.map(\.text))
        XCTAssertEqual(w.units.map(\.kind), a.units.map(\.kind))
        let output = try w.rendered(translations: Dictionary(uniqueKeysWithValues: w.units.map { ($0.id, "번역") }))
        let scan = try XMLScan(bytes: [UInt8](output), source: "st96 (ko)")
        XCTAssertEqual(scan.attribute("com:languageCode", ofElement: 0), "ko")
        XCTAssertNil(XMLTreeComparison.firstDifference(w.xml!, scan, translatedElements: w.elementsWithTranslatedText(units: w.units.map(\.id)),
                                                       ignoringLanguageValues: true))
    }

    func testTheExampleFilingOfThisRepository() throws {
        let url = SharedPatents.packageRoot.appendingPathComponent("Examples/example-filing.xml")
        let bytes = [UInt8](try Data(contentsOf: url))
        let document = try PatentDocument.read(contentsOf: url)
        XCTAssertEqual(document.format, .usptoApplication)
        XCTAssertEqual(document.ipcClasses, ["H01M 10/04"])
        XCTAssertEqual(document.units.first?.text, "Battery housing with a cooling channel")
        XCTAssertEqual([UInt8](try document.rendered(translations: [:])), bytes)
        let text = try PatentDocument.parse(Array("A & B < C\n".utf8), source: "t.txt")
        XCTAssertEqual(text.units[0].restore("가 & 나 < 다"), "가 & 나 < 다")
        XCTAssertEqual(String(decoding: try text.rendered(translations: [0: "가 & 나 < 다"]), as: UTF8.self), "가 & 나 < 다\n")
    }
}
