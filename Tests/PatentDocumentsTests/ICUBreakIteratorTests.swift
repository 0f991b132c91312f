import PatentDocuments
import XCTest

final class ICUBreakIteratorTests: XCTestCase {
    func testWordSegmentsTellWordsFromPunctuation() throws {
        let text = "FIG. 1A shows 3.5 mm, 😀 ok."
        let words = try ICUBreakIterator(.word).segments(in: text).filter(\.isWordLike).map { String(text[$0.range]) }
        XCTAssertEqual(words, ["FIG", "1A", "shows", "3.5", "mm", "ok"])
    }

    func testBoundariesAreValidIndicesPastNonBMPText() throws {
        let text = "😀 Ab. 😀 Cd."
        let boundaries = try ICUBreakIterator(.sentence).boundaries(in: text)
        XCTAssertEqual(boundaries.map { text.utf16.distance(from: text.startIndex, to: $0) }, [0, 7, 13])
        XCTAssertEqual(String(text[boundaries[1]...]), "😀 Cd.")
    }

    func testCompiledRulesRoundTrip() throws {
        let rules = "!!chain;\n$L = [a-z];\n$L+;\n[^a-z];\n"
        let compiled = try ICUBreakIterator(rules: rules).compiledRules()
        let text = "ab,cd"
        let segments = try ICUBreakIterator(compiledRules: compiled).segments(in: text)
        XCTAssertEqual(segments.map { String(text[$0.range]) }, ["ab", ",", "cd"])
        XCTAssertThrowsError(try ICUBreakIterator(compiledRules: [1, 2, 3]))
    }

    func testUnknownLocaleFallsBackAndEmptyTextHasOneBoundary() throws {
        XCTAssertEqual(try ICUBreakIterator(.sentence, locale: "xx_YY").boundaries(in: "").count, 1)
    }
}
