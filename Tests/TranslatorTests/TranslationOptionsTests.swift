import XCTest
import Decoding
@testable import Translator

final class TranslationOptionsTests: XCTestCase {
    func testBeamSizeComesFromTheModelElseFour() {
        XCTAssertEqual(TranslationOptions().search.beamSize, 4)
        XCTAssertEqual(TranslationOptions(modelBeamSize: 6).search.beamSize, 6)
    }

    func testOtherSearchDefaultsStayCTranslate2s() {
        var expected = SearchOptions()
        expected.beamSize = 4
        XCTAssertEqual(TranslationOptions().search, expected)
    }
}
