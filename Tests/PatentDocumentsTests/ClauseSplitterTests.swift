import Foundation
import XCTest
@testable import PatentDocuments

final class ClauseSplitterTests: XCTestCase {
    func words(_ s: Substring) -> Int { s.split(separator: " ").count }

    func testClaimIsCutAtItsClauses() {
        let claim = "A device comprising: a substrate (10); a layer 12a on the substrate, wherein the layer has a thickness of 5-10 nm; and a cover, and a lid."
        let pieces = ClauseSplitter().split(claim, limit: 8, cost: words)
        XCTAssertEqual(pieces.joined(), claim)
        XCTAssertEqual(pieces, ["A device comprising: a substrate (10); ", "a layer 12a on the substrate, ",
                                "wherein the layer has ", "a thickness of 5-10 nm; ", "and a cover, and a lid."])
        XCTAssertTrue(pieces.allSatisfy { words($0) <= 8 }, "\(pieces)")
    }

    func testShortTextStaysWhole() {
        XCTAssertEqual(ClauseSplitter().split("A short claim; really.", limit: 10, cost: words), ["A short claim; really."])
    }

    func testNoCutInsideAProtectedSpanOrMarker() {
        let text = "heated ⟦1⟧to 250 °C⟦/1⟧ for 30 min to 40 min at the pressure of 5 to 10 MPa in air"
        let spans = ProtectedSpanFinder.shared.spans(in: text).map(\.range)
        let pieces = ClauseSplitter().split(text, limit: 3, protected: spans, cost: words)
        XCTAssertEqual(pieces.joined(), text)
        var offset = text.startIndex
        for piece in pieces.dropLast() {
            offset = text.index(offset, offsetBy: piece.count)
            XCTAssertFalse(spans.contains { $0.lowerBound < offset && offset < $0.upperBound }, "cut inside a span: \(pieces)")
            XCTAssertFalse(text[..<offset].hasSuffix("⟦") || text[offset...].hasPrefix("1⟧"), "\(pieces)")
        }
    }

    /// Every claim of the real filings, cut to 30 words: the pieces give back the claim, no
    /// cut falls inside a protected span, and a piece is over the limit only when it has no
    /// allowed cut left.
    func testRealClaimsRoundTrip() throws {
        var cutClaims = 0
        for name in SharedPatents.names {
            let document = try PatentDocument.read(contentsOf: SharedPatents.url(name))
            for unit in document.units where unit.kind == .claim && words(unit.text[...]) > 30 {
                let spans = ProtectedSpanFinder.shared.spans(in: unit.text).map(\.range)
                let pieces = ClauseSplitter().split(unit.text, limit: 30, protected: spans, cost: words)
                XCTAssertEqual(pieces.joined(), unit.text)
                var end = unit.text.startIndex
                for piece in pieces.dropLast() {
                    end = piece.endIndex
                    XCTAssertFalse(spans.contains { $0.lowerBound < end && end < $0.upperBound })
                }
                if pieces.count > 1 { cutClaims += 1 }
            }
        }
        XCTAssertGreaterThan(cutClaims, 10)
    }
}
