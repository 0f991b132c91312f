import Foundation
@testable import PatentDocuments
import XCTest

final class PlaceholderRestorerTests: XCTestCase {
    /// `According to <claim-ref idref="CLM-1">claim <b>1</b></claim-ref>, the part<br/>
    /// <chemistry …/> is <i>thin</i>.` as the extractor lifts it out.
    let placeholders = [
        Placeholder(number: 1, kind: .paired, name: "claim-ref", open: "<claim-ref idref=\"CLM-1\">", close: "</claim-ref>", parent: nil),
        Placeholder(number: 2, kind: .paired, name: "b", open: "<b>", close: "</b>", parent: 1),
        Placeholder(number: 3, kind: .void, name: "br", open: "<br/>", close: "", parent: nil),
        Placeholder(number: 4, kind: .opaque, name: "chemistry", open: "<chemistry id=\"c1\"><img file=\"c.tif\"/></chemistry>", close: "", parent: nil),
        Placeholder(number: 5, kind: .paired, name: "i", open: "<i>", close: "</i>", parent: nil),
    ]

    func restore(_ s: String) -> PlaceholderRestorer.Result { PlaceholderRestorer.restore(s, placeholders: placeholders) }

    func testPlaceholdersComeBackWhereTheModelPutThem() {
        let r = restore("⟦1⟧청구항 ⟦2⟧1⟦/2⟧⟦/1⟧에 따르면, 부품⟦3/⟧⟦4/⟧은 ⟦5⟧얇다⟦/5⟧.")
        XCTAssertEqual(r.xml, "<claim-ref idref=\"CLM-1\">청구항 <b>1</b></claim-ref>에 따르면, 부품<br/><chemistry id=\"c1\"><img file=\"c.tif\"/></chemistry>은 <i>얇다</i>.")
        XCTAssertEqual(r.reinserted, [])
        XCTAssertEqual(r.deletedMarkers, 0)
        // Reordered pairs are fine as long as they nest; spaces inside markers are tolerated.
        XCTAssertEqual(restore("⟦ 5 ⟧얇다⟦/5⟧ ⟦4/⟧ ⟦3/⟧ ⟦1⟧⟦2⟧1⟦/2⟧⟦ /1 ⟧").xml,
                       "<i>얇다</i> <chemistry id=\"c1\"><img file=\"c.tif\"/></chemistry> <br/> <claim-ref idref=\"CLM-1\"><b>1</b></claim-ref>")
    }

    func testDroppedPlaceholdersAreAppendedInSourceOrderWithTheirNesting() {
        let r = restore("부품은 얇다.")
        XCTAssertEqual(r.xml, "부품은 얇다.<claim-ref idref=\"CLM-1\"><b></b></claim-ref><br/><chemistry id=\"c1\"><img file=\"c.tif\"/></chemistry><i></i>")
        XCTAssertEqual(r.reinserted, [1, 2, 3, 4, 5])
        // The inner pair kept, the outer dropped: the inner stays, the outer comes back empty.
        let partial = restore("⟦2⟧1⟦/2⟧ 부품⟦3/⟧⟦4/⟧ ⟦5⟧얇다⟦/5⟧")
        XCTAssertEqual(partial.xml, "<b>1</b> 부품<br/><chemistry id=\"c1\"><img file=\"c.tif\"/></chemistry> <i>얇다</i><claim-ref idref=\"CLM-1\"></claim-ref>")
        XCTAssertEqual(partial.reinserted, [1])
    }

    func testDuplicatesKeepTheFirstAndStrayOrUnknownMarkersGo() {
        let r = restore("⟦1⟧⟦2⟧1⟦/2⟧⟦/1⟧ ⟦3/⟧⟦3/⟧ ⟦4/⟧ ⟦5⟧a⟦/5⟧ ⟦5⟧b⟦/5⟧ ⟦9⟧x⟦/9⟧ ⟦ ⟧ ⟦7 ] ⟧")
        XCTAssertEqual(r.xml, "<claim-ref idref=\"CLM-1\"><b>1</b></claim-ref> <br/> <chemistry id=\"c1\"><img file=\"c.tif\"/></chemistry> <i>a</i> b x   7 ] ")
        XCTAssertEqual(r.reinserted, [])
        // Duplicates ⟦3/⟧ ⟦5⟧ ⟦/5⟧, unknown ⟦9⟧ ⟦/9⟧, and four stray brackets.
        XCTAssertEqual(r.deletedMarkers, 9)
    }

    func testCrossedOrBackwardPairsAreRepaired() {
        // 1 and 5 cross: 5 closes inside 1's span after 1 was closed... here 1 closes while 5 is open.
        let crossed = restore("⟦1⟧a ⟦5⟧b⟦/1⟧ c⟦/5⟧ ⟦2⟧1⟦/2⟧⟦3/⟧⟦4/⟧")
        XCTAssertEqual(crossed.xml, "a <i>b c</i> <b>1</b><br/><chemistry id=\"c1\"><img file=\"c.tif\"/></chemistry><claim-ref idref=\"CLM-1\"></claim-ref>")
        XCTAssertEqual(crossed.reinserted, [1])
        let backward = restore("⟦/5⟧얇다⟦5⟧ ⟦1⟧⟦2⟧1⟦/2⟧⟦/1⟧⟦3/⟧⟦4/⟧")
        XCTAssertEqual(backward.reinserted, [5])
        XCTAssertTrue(backward.xml.hasSuffix("<i></i>"), backward.xml)
        // Wrong forms: a paired number written as void and a void number as a closing marker.
        let wrong = restore("⟦1/⟧ ⟦/3⟧ ⟦1⟧⟦2⟧1⟦/2⟧⟦/1⟧⟦3/⟧⟦4/⟧⟦5⟧⟦/5⟧")
        XCTAssertEqual(wrong.deletedMarkers, 2)
        XCTAssertEqual(wrong.reinserted, [])
    }

    func testTextIsEscapedAndIllegalCharactersDropped() {
        let r = PlaceholderRestorer.restore("a < b && c > d\u{1}\u{FFFE}", placeholders: [])
        XCTAssertEqual(r.xml, "a &lt; b &amp;&amp; c &gt; d")
    }

    /// On every unit of the real files: whatever subset of markers a model keeps, in any
    /// order, the fragment is well-formed and holds each placeholder's markup exactly once.
    func testRealUnitsNeverLoseOrInventMarkup() throws {
        var generator = SplitMix(seed: 20261203)
        var checked = 0
        for name in SharedPatents.names {
            let document = try PatentDocument.read(contentsOf: SharedPatents.url(name))
            for unit in document.units where !unit.placeholders.isEmpty {
                // Identity: the fragment is the source's, tree-equal.
                XCTAssertNil(fragmentDifference(unit.restore(unit.text), unit, document), "\(name) unit \(unit.id)")
                // A mangled translation: markers shuffled, some dropped, some doubled.
                var tokens = PlaceholderRestorer.tokenize(unit.text).filter { if case .marker = $0 { return true } else { return false } }
                tokens.shuffle(using: &generator)
                tokens = tokens.filter { _ in generator.next() % 4 != 0 }
                if let first = tokens.first { tokens.append(first) }
                var mangled = "번역"
                for token in tokens {
                    guard case .marker(let n, let closing, let selfClosing) = token else { continue }
                    mangled += closing ? "⟦/\(n)⟧" : selfClosing ? "⟦\(n)/⟧" : "⟦\(n)⟧"
                    mangled += "말"
                }
                let fragment = unit.restore(mangled)
                let wrapped = Array("<w>\(fragment)</w>".utf8)
                let scan = try XMLScan(bytes: wrapped, source: "fragment")
                let source = unit.placeholders.map { $0.open + $0.close }.joined()
                let sourceScan = try XMLScan(bytes: Array("<w>\(source)</w>".utf8), source: "placeholders")
                XCTAssertEqual(scan.elements.indices.map(scan.name(ofElement:)).sorted(), sourceScan.elements.indices.map(sourceScan.name(ofElement:)).sorted(),
                               "\(name) unit \(unit.id): \(mangled)")
                for p in unit.placeholders where p.kind != .paired && p.name.hasPrefix("#") {
                    XCTAssertTrue(fragment.contains(p.open))
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 500)
    }

    func fragmentDifference(_ fragment: String, _ unit: TranslatableUnit, _ document: PatentDocument) -> String? {
        let scan = document.xml!
        let original = scan.string(unit.byteRange)
        guard let a = try? XMLScan(bytes: Array("<w>\(original)</w>".utf8), source: "a"),
              let b = try? XMLScan(bytes: Array("<w>\(fragment)</w>".utf8), source: "b")
        else {
            // Units holding non-predefined entity references cannot be wrapped alone.
            return original.contains("&") && !original.contains("&#") ? nil : "not well-formed: \(fragment)"
        }
        return XMLTreeComparison.firstDifference(a, b)
    }
}

/// A small deterministic generator so the mangling is the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
