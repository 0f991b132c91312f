import Foundation
import PatentDocuments
import XCTest

final class SentenceSegmenterTests: XCTestCase {
    private func sentences(_ text: String, _ segmenter: SentenceSegmenter = .patent) throws -> [String] {
        try segmenter.sentences(in: text).map(String.init)
    }

    private func defaultSentences(_ text: String) throws -> [String] {
        try ICUBreakIterator(.sentence, locale: "en").segments(in: text).map { String(text[$0.range]) }
    }

    func testPatentAbbreviationsDoNotEndSentences() throws {
        for text in [
            "As shown in FIG. 1A, the device (10) includes a housing.",
            "See U.S. Pat. No. 5,123,456 for details.",
            "Various sensors, e.g. optical sensors, may be used.",
            "The layer, i.e. the coating, is thin.",
            "The part Ref. No. 12 is shown.",
            "The gap is 3.5 mm wide.",
            "1. A device comprising a housing and a lid.",
            "E.g. The sensor may be optical.",
        ] {
            XCTAssertEqual(try sentences(text), [text])
        }
    }

    func testRealSentenceEndsStillSplit() throws {
        XCTAssertEqual(try sentences("We tested apples, pears, etc. The end."),
                       ["We tested apples, pears, etc. ", "The end."])
        XCTAssertEqual(try sentences("The device works. It is small."), ["The device works. ", "It is small."])
        XCTAssertEqual(try sentences("The device works. FIG. 2 shows it. It is small."),
                       ["The device works. ", "FIG. 2 shows it. ", "It is small."])
        XCTAssertEqual(try sentences("See the CONFIG. The end."), ["See the CONFIG. ", "The end."])
        XCTAssertEqual(try sentences("It is shown in FIG. 4. At this time, it runs."),
                       ["It is shown in FIG. 4. ", "At this time, it runs."])
        XCTAssertEqual(try sentences("Claim 1. A device. 2. The device of claim 1."),
                       ["Claim 1. ", "A device. ", "2. The device of claim 1."])
        XCTAssertEqual(try sentences(""), [])
    }

    // The custom rules are what keeps these together: ICU's own English iterator splits them.
    func testDefaultICUSplitsWhatTheCustomRulesKeep() throws {
        XCTAssertEqual(try defaultSentences("As shown in FIG. 1A, the device (10) includes a housing."),
                       ["As shown in FIG. ", "1A, the device (10) includes a housing."])
        XCTAssertEqual(try defaultSentences("See U.S. Pat. No. 5,123,456 for details.").count, 3)
        XCTAssertEqual(try defaultSentences("1. A device comprising a housing and a lid.").count, 2)
        XCTAssertEqual(try defaultSentences("E.g. The sensor may be optical.").count, 2)
    }

    // Without patent abbreviations in play, the rules segment as ICU's standard iterator does.
    func testBaseRulesMatchICUDefault() throws {
        let text = "The device works. It is small! Is it? \"Yes.\" he said. The gap is 3.5 mm.\u{2029}Next (paragraph). "
            + "Mr. Smith arrived. 본 발명은 장치이다. 本発明は装置である。次に進む。"
        XCTAssertEqual(try sentences(text), try defaultSentences(text))
    }

    func testCustomAbbreviationList() throws {
        let segmenter = try SentenceSegmenter(rules: PatentSentenceRules.rules(abbreviations: ["Cat.", "d'Or."]))
        // "Cat." now holds, and "No." no longer does.
        XCTAssertEqual(try sentences("Use kit Cat. No. A4 here.", segmenter), ["Use kit Cat. No. ", "A4 here."])
        XCTAssertEqual(try sentences("See d'Or. The end.", segmenter), ["See d'Or. The end."])
    }

    func testBadRulesNameLineAndOffset() throws {
        let rules = PatentSentenceRules.source + "$Broken = [abc];\n$Broken (;\n"
        let brokenLine = rules.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        XCTAssertThrowsError(try SentenceSegmenter(rules: rules)) { error in
            guard case let ICUError.invalidRules(line, offset, _, _, _) = error else {
                return XCTFail("expected invalidRules, got \(error)")
            }
            XCTAssertEqual(line, brokenLine)
            XCTAssertEqual(offset, 10)
            XCTAssertTrue("\(error)".contains("line \(brokenLine), offset 10: U_BRK_RULE_SYNTAX"), "\(error)")
        }
        XCTAssertThrowsError(try ICUBreakIterator(rules: "$A = [abc];\n$A $Undefined;")) { error in
            guard case let ICUError.invalidRules(line, offset, _, _, _) = error else {
                return XCTFail("expected invalidRules, got \(error)")
            }
            XCTAssertEqual([line, offset], [2, 14])  // offset: 1-based column of the ";"
            XCTAssertTrue("\(error)".contains("U_BRK_UNDEFINED_VARIABLE"), "\(error)")
        }
    }

    func testSegmentsRealPatentParagraphs() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = root.appendingPathComponent("../shared/patents/us-application-1.xml").standardized
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw XCTSkip("patent fixture missing: \(file.path) (the shared patent corpus is not on this machine)")
        }
        let xml = try String(contentsOf: file, encoding: .utf8)
        let paragraphs = #/<p\b[^>]*>(.*?)</p>/#.dotMatchesNewlines()
        let abbreviations = ["FIG.", "FIGS.", "No.", "Nos.", "e.g.", "i.e.", "U.S.", "Pat.", "Ref."]
        let texts = xml.matches(of: paragraphs).map { String($0.1) }
            .map(Self.plainText)
            .filter { text in abbreviations.contains { text.contains($0) } }
            .prefix(8)
        XCTAssertGreaterThanOrEqual(texts.count, 4, "too few paragraphs with abbreviations in \(file.path)")

        func endsAfterAbbreviation(_ sentence: String) -> Bool {
            let trimmed = sentence.trimmingCharacters(in: .whitespacesAndNewlines)
            return abbreviations.contains { abbreviation in
                trimmed == abbreviation || trimmed.hasSuffix(" " + abbreviation) || trimmed.hasSuffix("(" + abbreviation)
            }
        }
        var defaultBadEnds = 0
        for text in texts {
            let produced = try sentences(text)
            XCTAssertEqual(produced.joined(), text)
            for sentence in produced {
                XCTAssertFalse(endsAfterAbbreviation(sentence), "sentence ends after an abbreviation: \(sentence)")
            }
            defaultBadEnds += try defaultSentences(text).filter(endsAfterAbbreviation).count
        }
        // Shows the paragraphs exercise the rules: ICU's default iterator gets them wrong.
        XCTAssertGreaterThan(defaultBadEnds, 0)
    }

    func testSharedAcrossTasks() async throws {
        let text = "See U.S. Pat. No. 5,123,456 for details. The device works."
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try SentenceSegmenter.patent.sentences(in: text).count } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(counts, Array(repeating: 2, count: 8))
    }

    /// Tags removed, character references decoded.
    private static func plainText(_ markup: String) -> String {
        var text = markup.replacing(#/<[^>]+>/#, with: "")
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        text = text.replacing(#/&#x([0-9A-Fa-f]+);/#) { match in
            UInt32(match.1, radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? ""
        }
        return text.replacingOccurrences(of: "&amp;", with: "&")
    }
}
