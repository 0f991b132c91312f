import Foundation
import XCTest
@testable import PatentDocuments

final class ProtectedSpansTests: XCTestCase {
    let finder = ProtectedSpanFinder.shared

    func kinds(_ text: String) -> [String: ProtectedSpan.Kind] {
        Dictionary(finder.spans(in: text).map { ($0.text, $0.kind) }, uniquingKeysWith: { a, _ in a })
    }

    func testEachKindIsFoundWhole() {
        let text = """
        As shown in FIG. 1A and FIGS. 2-4, the substrate (10) and layer 12a with edge 110' are \
        heated to 250 °C for 30 min at 5-10 MPa according to claim 3 or claims 1 to 4, using SiO2 and \
        Al2O3 (see SEQ ID NO: 5, U.S. Pat. No. 5,123,456, US 2015/0123456 A1 and https://example.org/a?b=1). \
        About 42 of them were 3.5% thinner.
        """
        let found = kinds(text)
        XCTAssertEqual(found["FIG. 1A"], .figure)
        XCTAssertEqual(found["FIGS. 2-4"], .figure)
        XCTAssertEqual(found["(10)"], .referenceNumeral)
        XCTAssertEqual(found["12a"], .referenceNumeral)
        XCTAssertEqual(found["110'"], .referenceNumeral)
        XCTAssertEqual(found["250 °C"], .quantity)
        XCTAssertEqual(found["30 min"], .quantity)
        XCTAssertEqual(found["5-10 MPa"], .quantity)
        XCTAssertEqual(found["claim 3"], .claimReference)
        XCTAssertEqual(found["claims 1 to 4"], .claimReference)
        XCTAssertEqual(found["SiO2"], .chemicalFormula)
        XCTAssertEqual(found["Al2O3"], .chemicalFormula)
        XCTAssertEqual(found["SEQ ID NO: 5"], .sequenceIdentifier)
        XCTAssertEqual(found["U.S. Pat. No. 5,123,456"], .patentNumber)
        XCTAssertEqual(found["US 2015/0123456 A1"], .patentNumber)
        XCTAssertEqual(found["https://example.org/a?b=1"], .url)
        XCTAssertEqual(found["42"], .number)
        XCTAssertEqual(found["3.5%"], .quantity)
    }

    func testOrdinaryWordsAreNotSpans() {
        XCTAssertEqual(finder.spans(in: "The first and second layers of a CO-based film at Claim level, see Fig. A.").map(\.text), [])
        // An ordinal keeps its number protected but is not a reference numeral.
        XCTAssertEqual(finder.spans(in: "the 2nd layer").map(\.kind), [.number])
    }

    func testMarkersAreNeverPartOfASpan() {
        let spans = finder.spans(in: "layer ⟦1⟧12⟦/1⟧ and ⟦2/⟧ 7")
        XCTAssertEqual(spans.map(\.text), ["12", "7"])
    }

    /// On every unit of the five real filings, every digit lies inside a protected span:
    /// no number reaches the model unprotected.
    func testEveryDigitOfTheRealFilingsIsProtected() throws {
        var units = 0, spans = 0
        for name in SharedPatents.names {
            let document = try PatentDocument.read(contentsOf: SharedPatents.url(name))
            for unit in document.units {
                units += 1
                let found = finder.spans(in: unit.text)
                spans += found.count
                var covered = Set<String.Index>()
                for span in found {
                    var i = span.range.lowerBound
                    while i < span.range.upperBound { covered.insert(i); i = unit.text.index(after: i) }
                    XCTAssertEqual(String(unit.text[span.range]), span.text)
                }
                let markers = try NSRegularExpression(pattern: "⟦/?\\d+/?⟧").matches(in: unit.text, range: NSRange(unit.text.startIndex..., in: unit.text))
                    .compactMap { Range($0.range, in: unit.text) }
                for i in unit.text.indices where unit.text[i].isASCII && unit.text[i].isNumber {
                    if markers.contains(where: { $0.contains(i) }) { continue }
                    XCTAssertTrue(covered.contains(i), "\(name) unit \(unit.id): digit at offset \(unit.text.distance(from: unit.text.startIndex, to: i)) unprotected in: \(unit.text.prefix(200))")
                    if !covered.contains(i) { return }
                }
            }
        }
        XCTAssertGreaterThan(units, 1500)
        XCTAssertGreaterThan(spans, 1000)
    }
}
