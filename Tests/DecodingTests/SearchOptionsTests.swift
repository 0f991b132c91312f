import Foundation
import XCTest
@testable import Decoding

/// The defaults are those of the CTranslate2 release the fixtures were made with, read
/// from its own signature by Scripts/fixtures/ctranslate2_defaults.py.
final class SearchOptionsTests: XCTestCase {
    func testDefaultsMatchCTranslate2() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/reference/ctranslate2-defaults.json").standardized
        let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], url.path)
        let options = SearchOptions()
        func number(_ key: String) throws -> Double { try XCTUnwrap(reference[key] as? Double, key) }
        XCTAssertEqual(Double(options.beamSize), try number("beam_size"))
        XCTAssertEqual(Double(options.patience), try number("patience"))
        XCTAssertEqual(Double(options.hypotheses), try number("num_hypotheses"))
        XCTAssertEqual(Double(options.lengthPenalty), try number("length_penalty"))
        XCTAssertEqual(Double(options.repetitionPenalty), try number("repetition_penalty"))
        XCTAssertEqual(Double(options.noRepeatNgramSize), try number("no_repeat_ngram_size"))
        XCTAssertEqual(Double(options.maxInputLength), try number("max_input_length"))
        XCTAssertEqual(Double(options.maxDecodingLength), try number("max_decoding_length"))
        XCTAssertEqual(Double(options.minDecodingLength), try number("min_decoding_length"))
        XCTAssertEqual(options.disableUnknown, reference["disable_unk"] as? Bool)
        XCTAssertEqual(options.returnEndToken, reference["return_end_token"] as? Bool)
    }
}
