import PatentDocuments
import XCTest

final class ScriptDetectionTests: XCTestCase {
    func testDominantScriptOfSamples() throws {
        XCTAssertEqual(try Script.dominant(in: "본 발명은 광학 센서에 관한 것이다."), .hangul)
        XCTAssertEqual(try Script.dominant(in: "本发明涉及一种光学传感器。"), .han)
        XCTAssertEqual(try Script.dominant(in: "The present invention relates to an optical sensor."), .latin)
        // Japanese: 9 kanji, 7 hiragana, 3 katakana ("ー" is Common).
        XCTAssertEqual(try Script.dominant(in: "本発明は、光学センサーを備えた装置に関する。"), .han)
        // 5 hiragana, 2 katakana.
        XCTAssertEqual(try Script.dominant(in: "これはペンです。"), .hiragana)
        XCTAssertEqual(try Script.dominant(in: "カメラ"), .katakana)
        // Latin letters in a Korean sentence are outnumbered.
        XCTAssertEqual(try Script.dominant(in: "FIG. 1은 장치를 나타낸다."), .hangul)
        XCTAssertEqual(try Script.dominant(in: "Устройство"), .other("Cyrl"))
    }

    func testCommonAndInheritedAreIgnored() throws {
        XCTAssertNil(try Script.dominant(in: "1, 2. (10) — ー"))
        XCTAssertNil(try Script.dominant(in: ""))
        XCTAssertEqual(try Script.dominant(in: "a\u{301}\u{301}\u{301} 123"), .latin)
    }

    func testScriptOfCodePoints() {
        XCTAssertEqual(Script(of: "A"), .latin)
        XCTAssertEqual(Script(of: "한"), .hangul)
        XCTAssertEqual(Script(of: "漢"), .han)
        XCTAssertEqual(Script(of: "の"), .hiragana)
        XCTAssertEqual(Script(of: "セ"), .katakana)
        XCTAssertEqual(Script(of: "ー"), .other("Zyyy"))
        XCTAssertEqual(Script(of: "\u{301}"), .other("Zinh"))
        XCTAssertEqual(Script.katakana.shortName, "Kana")
    }
}
