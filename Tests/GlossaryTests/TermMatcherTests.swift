import XCTest
@testable import Glossary

/// Matching terms in source segments: word boundaries, case, inflection, longest match,
/// priority, number placeholders, and real FLORES sentences.
final class TermMatcherTests: GlossaryTestCase {
    func found(_ terms: [GlossaryTerm], in text: String) -> [String] {
        TermMatcher(terms: terms).matches(in: text).map { "\($0.matchedText)=\($0.target)" }
    }

    func testWordBoundaries() {
        let terms = [GlossaryTerm(source: "art", target: "기술"), GlossaryTerm(source: "cell", target: "세포")]
        XCTAssertEqual(found(terms, in: "The article describes a cellular part of the art."), ["art=기술"])
        XCTAssertEqual(found(terms, in: "Prior-art cell walls (cell)"), ["art=기술", "cell=세포", "cell=세포"])
    }

    func testCaseInsensitiveUnlessTheEntrySaysOtherwise() {
        let terms = [GlossaryTerm(source: "substrate", target: "기판"), GlossaryTerm(source: "LED", target: "발광 다이오드", caseSensitive: true)]
        XCTAssertEqual(found(terms, in: "SUBSTRATE and Substrate; LED but not led or Led."), ["SUBSTRATE=기판", "Substrate=기판", "LED=발광 다이오드"])
        XCTAssertEqual(found(terms, in: "two LEDs"), ["LEDs=발광 다이오드"])
        XCTAssertEqual(found([GlossaryTerm(source: "straße", target: "도로")], in: "STRASSE"), ["STRASSE=도로"])  // full case folding
        let fig = [GlossaryTerm(source: "FIG.", target: "도", caseSensitive: true, matchMode: .exact)]
        XCTAssertEqual(found(fig, in: "As shown in FIG. 1A, the fig. tree and FIGS. 2"), ["FIG.=도"])
    }

    func testEnglishInflectionsOfTheLastWord() {
        let terms = [
            GlossaryTerm(source: "embodiment", target: "실시예"), GlossaryTerm(source: "battery", target: "배터리"),
            GlossaryTerm(source: "etch", target: "식각하다"), GlossaryTerm(source: "stop", target: "정지"),
            GlossaryTerm(source: "couple", target: "결합하다"), GlossaryTerm(source: "apply", target: "적용하다"),
            GlossaryTerm(source: "said", target: "상기", matchMode: .exact), GlossaryTerm(source: "heat sink", target: "방열판"),
        ]
        XCTAssertEqual(found(terms, in: "In some embodiments, batteries are etched, etching stops; stopped, stopping."),
                       ["embodiments=실시예", "batteries=배터리", "etched=식각하다", "etching=식각하다", "stops=정지", "stopped=정지", "stopping=정지"])
        XCTAssertEqual(found(terms, in: "coupled, coupling, applies, applied, applying, saids, heat sinks, heats sink"),
                       ["coupled=결합하다", "coupling=결합하다", "applies=적용하다", "applied=적용하다", "applying=적용하다", "heat sinks=방열판"])
    }

    func testInflectionRules() {
        XCTAssertTrue(EnglishInflection.forms(of: "process").isSuperset(of: ["processes", "processing", "processed"]))
        XCTAssertTrue(EnglishInflection.forms(of: "analysis").contains("analyses"))
        XCTAssertTrue(EnglishInflection.forms(of: "die").isSuperset(of: ["dies", "dying", "died"]))
        XCTAssertTrue(EnglishInflection.forms(of: "free").isSuperset(of: ["frees", "freeing", "freed"]))
        XCTAssertTrue(EnglishInflection.forms(of: "refer").isSuperset(of: ["referring", "referred"]))
        XCTAssertTrue(EnglishInflection.forms(of: "play").isSuperset(of: ["plays", "playing", "played"]))
        XCTAssertFalse(EnglishInflection.forms(of: "stop").contains("stoping"))
        XCTAssertFalse(EnglishInflection.forms(of: "make").contains("makeing"))
        XCTAssertEqual(EnglishInflection.forms(of: "3D"), ["3D"])
    }

    func testLongestMatchFirstThenPriority() {
        let base = [
            GlossaryTerm(entryID: 1, source: "substrate", target: "기판"),
            GlossaryTerm(entryID: 2, source: "semiconductor substrate", target: "반도체 기판"),
            GlossaryTerm(entryID: 3, source: "semiconductor", target: "반도체"),
        ]
        XCTAssertEqual(found(base, in: "a semiconductor substrate and a substrate"), ["semiconductor substrate=반도체 기판", "substrate=기판"])
        // A higher priority beats length where they overlap.
        var prioritized = base
        prioritized[0].priority = 10
        XCTAssertEqual(found(prioritized, in: "a semiconductor substrate"), ["semiconductor=반도체", "substrate=기판"])
        // Partial overlap: "heat sink" vs "sink holder" in "heat sink holder": equal priority → longer, then earlier.
        let chain = [GlossaryTerm(entryID: 1, source: "heat sink", target: "방열판"), GlossaryTerm(entryID: 2, source: "sink holder assembly", target: "싱크 홀더 조립체")]
        XCTAssertEqual(found(chain, in: "the heat sink holder assembly"), ["sink holder assembly=싱크 홀더 조립체"])
    }

    func testNumberPlaceholder() {
        let terms = [GlossaryTerm(source: "according to claim {N}", target: "제{N}항에 있어서"), GlossaryTerm(source: "of claim {N}", target: "제{N}항의")]
        let matches = TermMatcher(terms: terms).matches(in: "2. The device according to claim 1, wherein the method of claim 12 applies.")
        XCTAssertEqual(matches.map(\.target), ["제1항에 있어서", "제12항의"])
        XCTAssertEqual(matches.map(\.matchedText), ["according to claim 1", "of claim 12"])
        XCTAssertEqual(found(terms, in: "according to claim one"), [])
    }

    func testRangesPointIntoTheSegment() {
        let text = "🚀 Ein naïve substrate"
        let m = TermMatcher(terms: [GlossaryTerm(source: "substrate", target: "기판")]).matches(in: text)
        XCTAssertEqual(m.count, 1)
        XCTAssertEqual(String(text[m[0].range]), "substrate")
        XCTAssertEqual(Array(text.utf16)[m[0].utf16Range].count, 9)
        XCTAssertEqual(String(decoding: Array(text.utf16)[m[0].utf16Range], as: UTF16.self), "substrate")
    }

    /// The 50+ term FLORES glossary: every term occurs in the English devtest, and where the
    /// matcher finds a term, the aligned Korean reference uses its target in most sentences
    /// (a check of both the matcher and the fixture's Korean).
    func testFloresGlossaryTermsAreFoundInTheDevtest() throws {
        let english = try Self.floresLines("eng"), korean = try Self.floresLines("kor")
        XCTAssertEqual(english.count, 1012)
        let file = try TermFileReader.read(path: Self.floresTerms)
        XCTAssertGreaterThanOrEqual(file.records.count, 50)
        let store = try makeStore()
        _ = try store.importFiles([file], user: "test")
        XCTAssertEqual(try store.lint(), [])
        let matcher = TermMatcher(terms: try store.applicableTerms(sourceLanguage: "en", targetLanguage: "ko"))
        var occurrences: [String: Int] = [:], agreeing = 0, total = 0, sentencesWithTerms = 0
        for (en, ko) in zip(english, korean) {
            let matches = matcher.matches(in: en)
            if !matches.isEmpty { sentencesWithTerms += 1 }
            for m in matches {
                occurrences[m.term.source, default: 0] += 1
                total += 1
                if ko.contains(m.target) { agreeing += 1 }
            }
        }
        let missing = file.records.map(\.source).filter { occurrences[$0] == nil }
        XCTAssertEqual(missing, [], "terms never found in the devtest")
        XCTAssertGreaterThanOrEqual(sentencesWithTerms, 200)
        XCTAssertGreaterThan(Double(agreeing) / Double(total), 0.85, "\(agreeing)/\(total) matches whose target is in the Korean reference")
        print("FLORES terms: \(total) matches in \(sentencesWithTerms) of \(english.count) sentences, \(occurrences.count) distinct terms; target in the Korean reference for \(agreeing)")
        // A few spot checks on what the devtest really says.
        let text = try XCTUnwrap(english.first { $0.contains("Olympics") })
        XCTAssertTrue(matcher.matches(in: text).contains { $0.target == "올림픽" })
    }

    /// The patent glossary on real English: FLORES mentions a few of its general words.
    func testPatentCoreMatchesOnFloresWithoutFalseWordPieces() throws {
        let english = try Self.floresLines("eng")
        let store = try makeStore()
        _ = try store.importFiles([try TermFileReader.read(path: Self.patentCore)], user: "test")
        let matcher = TermMatcher(terms: try store.applicableTerms(sourceLanguage: "en", targetLanguage: "ko"))
        var count = 0
        for line in english {
            for m in matcher.matches(in: line) {
                count += 1
                // Every match starts and ends at a word edge in the sentence.
                let before = m.range.lowerBound == line.startIndex ? nil : line[line.index(before: m.range.lowerBound)]
                let after = m.range.upperBound == line.endIndex ? nil : line[m.range.upperBound]
                XCTAssertFalse(before?.isLetter ?? false, "\(m.matchedText) in \(line)")
                XCTAssertFalse(after?.isLetter ?? false, "\(m.matchedText) in \(line)")
            }
        }
        XCTAssertGreaterThan(count, 50)
        // Scoped entries apply only with their IPC class: "cell" (C12N) in a FLORES sentence.
        let cellLine = try XCTUnwrap(english.first { $0.range(of: #"\bcells?\b"#, options: .regularExpression) != nil })
        XCTAssertFalse(matcher.matches(in: cellLine).contains { $0.term.source == "cell" })
        let bio = TermMatcher(terms: try store.applicableTerms(sourceLanguage: "en", targetLanguage: "ko", scopes: ["C12N 5/00"]))
        XCTAssertTrue(bio.matches(in: cellLine).contains { $0.term.source == "cell" && $0.target == "세포" })
    }
}
