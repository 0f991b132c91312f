import PatentDocuments
import XCTest

// Expectations from Python's unicodedata.normalize and str.casefold.
final class UnicodeNormalizationTests: XCTestCase {
    func testNFKCFoldsCompatibilityCharacters() throws {
        XCTAssertEqual(try UnicodeNormalization.nfkc("㎜ ℃ Ⅻ ﬁ ＡＢＣ"), "mm °C XII fi ABC")
    }

    func testNFCComposesAndLeavesCompatibilityCharacters() throws {
        let composed = try UnicodeNormalization.nfc("e\u{301}A\u{30A}\u{1100}\u{1161}\u{11A8}")
        XCTAssertEqual(composed.unicodeScalars.map(\.value), [0xE9, 0xC5, 0xAC01])
        XCTAssertEqual(try UnicodeNormalization.nfc("㎜ ℃ Ⅻ ﬁ ＡＢＣ").unicodeScalars.map(\.value),
                       [0x339C, 0x20, 0x2103, 0x20, 0x216B, 0x20, 0xFB01, 0x20, 0xFF21, 0xFF22, 0xFF23])
    }

    func testCaseFolding() throws {
        XCTAssertEqual(try UnicodeNormalization.caseFolded("Straße"), "strasse")
        XCTAssertEqual(try UnicodeNormalization.caseFolded("ΣΑΣ"), "σασ")
        XCTAssertEqual(try UnicodeNormalization.normalize("ＦＩＧ．１Ａ", to: .nfkcCasefold), "fig.1a")
    }

    // Results longer than the first buffer guess exercise the retry path.
    func testGrowsBufferForLongResults() throws {
        let input = String(repeating: "\u{FDFA}", count: 40)  // each is 18 letters under NFKC
        let expected = String(repeating: "صلى الله عليه وسلم", count: 40)
        XCTAssertEqual(try UnicodeNormalization.nfkc(input), expected)
        XCTAssertEqual(try UnicodeNormalization.caseFolded(String(repeating: "ß", count: 100)),
                       String(repeating: "ss", count: 100))
    }

    func testEmpty() throws {
        XCTAssertEqual(try UnicodeNormalization.nfc(""), "")
        XCTAssertEqual(try UnicodeNormalization.caseFolded(""), "")
    }
}
