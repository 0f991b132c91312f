import XCTest
@testable import Glossary

/// Every particle pair, both ways (a wrong form after a consonant-final term and after a
/// vowel-final term), ㄹ before 로, digits and Latin letters by their Korean reading.
final class KoreanParticlesTests: XCTestCase {
    /// `sentence` has the forced term between « and »; returns the fixed sentence without marks.
    func fix(_ sentence: String) -> String {
        let start = sentence.range(of: "«")!, end = sentence.range(of: "»")!
        let text = sentence.replacingOccurrences(of: "«", with: "").replacingOccurrences(of: "»", with: "")
        let lower = text.index(text.startIndex, offsetBy: sentence.distance(from: sentence.startIndex, to: start.lowerBound))
        let upper = text.index(lower, offsetBy: sentence.distance(from: start.upperBound, to: end.lowerBound))
        return KoreanParticles.agree(text, termRanges: [lower..<upper])
    }

    func testEveryPairBothWays() {
        let cases: [(String, String)] = [
            // 을/를: 기판 ends in ㄴ, 웨이퍼 in a vowel.
            ("«기판»를 가열한다", "기판을 가열한다"), ("«웨이퍼»을 가열한다", "웨이퍼를 가열한다"),
            // 이/가
            ("«기판»가 놓인다", "기판이 놓인다"), ("«웨이퍼»이 놓인다", "웨이퍼가 놓인다"),
            // 은/는
            ("«전극»는 얇다", "전극은 얇다"), ("«센서»은 작다", "센서는 작다"),
            // 과/와
            ("«기판»와 전극", "기판과 전극"), ("«센서»과 전극", "센서와 전극"),
            // 으로/로: vowel → 로, ㄹ → 로, other consonant → 으로
            ("«기판»로 이루어진", "기판으로 이루어진"), ("«센서»으로 이루어진", "센서로 이루어진"),
            ("«필름»으로 덮는다", "필름으로 덮는다"), ("«레일»으로 이동한다", "레일로 이동한다"),
        ]
        for (input, expected) in cases { XCTAssertEqual(fix(input), expected, input) }
        // Already right: untouched.
        for text in ["«기판»을 가열한다", "«웨이퍼»가 놓인다", "«레일»로 이동한다", "«전극»과 센서"] {
            XCTAssertEqual(fix(text), text.replacingOccurrences(of: "«", with: "").replacingOccurrences(of: "»", with: ""), text)
        }
    }

    func testParticlesWithFollowingParticles() {
        XCTAssertEqual(fix("«기판»로서 사용된다"), "기판으로서 사용된다")
        XCTAssertEqual(fix("«센서»으로부터 받는다"), "센서로부터 받는다")
        XCTAssertEqual(fix("«센서»과의 거리"), "센서와의 거리")
    }

    func testCopulaAndCompoundsAreNotParticles() {
        XCTAssertEqual(fix("이것은 «센서»이다"), "이것은 센서이다")        // copula 이다, not 이/가
        XCTAssertEqual(fix("«산업»로봇"), "산업로봇")                    // 로봇 is a noun
        XCTAssertEqual(fix("«기판»과정"), "기판과정")                    // 과정 is a noun
        XCTAssertEqual(fix("«센서» 을 본다"), "센서 을 본다")             // not directly after the term
    }

    func testDigitsByTheirKoreanReading() {
        XCTAssertEqual(fix("«제1항»를 인용한다"), "제1항을 인용한다")  // the term ends in 항 (ㅇ)
        let cases: [(String, String)] = [
            ("«1»를", "1을"), ("«2»을", "2를"), ("«3»를", "3을"), ("«4»을", "4를"), ("«5»이", "5가"),
            ("«6»가", "6이"), ("«7»으로", "7로"), ("«8»으로", "8로"), ("«9»은", "9는"), ("«0»가", "0이"),
            ("«10»를", "10을"), ("«100»가", "100이"), ("«1000»와", "1000과"), ("«20000»는", "20000은"),
            ("«3»로", "3으로"), ("«1»로", "1로"), ("«12»을", "12를"),
        ]
        for (input, expected) in cases { XCTAssertEqual(fix(input), expected, input) }
    }

    func testLatinLettersByTheirKoreanNames() {
        let cases: [(String, String)] = [
            ("«LED»을", "LED를"), ("«DRAM»를", "DRAM을"), ("«CPU»은", "CPU는"), ("«PCB»과", "PCB와"),
            ("«URL»으로", "URL로"), ("«ROM»로", "ROM으로"), ("«Wi-Fi»이", "Wi-Fi가"), ("«TFT»이", "TFT가"),
        ]
        for (input, expected) in cases { XCTAssertEqual(fix(input), expected, input) }
    }

    func testClosingBracketsAreLookedThroughAndUnknownScriptsLeftAlone() {
        XCTAssertEqual(fix("«기판(10)»를"), "기판(10)을")   // 10 → 십 (ㅂ)
        XCTAssertEqual(fix("«基板»를"), "基板를")
    }

    func testSeveralTermsInOneSentenceOnRealKoreanText() throws {
        // A FLORES Korean sentence with its nouns taken as forced terms.
        let lines = try GlossaryTestCase.floresLines("kor")
        let text = try XCTUnwrap(lines.first { $0.contains("과학자들은") })
        let term = text.range(of: "과학자들")!
        XCTAssertEqual(KoreanParticles.agree(text, termRanges: [term]), text, "a correct sentence is left as it is")
        var broken = text
        broken.replaceSubrange(broken.range(of: "과학자들은")!, with: "과학자들는")
        XCTAssertEqual(KoreanParticles.agree(broken, termRanges: [broken.range(of: "과학자들")!]), text)
    }

    func testUTF16RangeVariant() {
        let text = "A 🚀 기판를 놓는다"
        let start = Array("A 🚀 ".utf16).count
        XCTAssertEqual(KoreanParticles.agree(text, termUTF16Ranges: [start..<(start + 2)]), "A 🚀 기판을 놓는다")
    }

    func testForcedTermsFoundInTheOutput() {
        let output = "상기 센서을 기판 위에 두고, 센서은 기판로 덮는다"
        XCTAssertEqual(KoreanParticles.agree(output, forcedTerms: ["센서", "기판"]), "상기 센서를 기판 위에 두고, 센서는 기판으로 덮는다")
        // The longer term decides where terms overlap: 반도체 기판 ends in 판 like 기판 but
        // 기판 alone must not be taken from inside 반도체 기판 twice.
        XCTAssertEqual(KoreanParticles.agree("반도체 기판를 식각한다", forcedTerms: ["기판", "반도체 기판"]), "반도체 기판을 식각한다")
    }
}
