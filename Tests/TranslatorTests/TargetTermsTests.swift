import Foundation
import XCTest
import Decoding
import SentencePiece
@testable import Translator

/// Target terms forced into translations by the fixture model (random weights, so a term
/// never appears unless forced): how terms become pieces, that lines without terms are
/// untouched, and that pieces the vocabulary lacks come back as the term's own text.
final class TargetTermsTests: XCTestCase {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Models/random-tiny-en-ko").standardized

    static func floresLines(_ count: Int) throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/corpora/flores200-devtest/eng.devtest").standardized
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw XCTSkip("shared corpus missing: \(url.path)") }
        return Array(text.split(separator: "\n").prefix(count).map(String.init))
    }

    func options(_ translator: Translator, beam: Int = 4) -> TranslationOptions {
        var options = translator.defaultOptions
        options.search.beamSize = beam
        options.threads = 1
        return options
    }

    func testTermsAreCutAsSeparateWordsAndMapToTheTargetVocabulary() throws {
        let spm = try SentencePieceProcessor(path: Self.model.appendingPathComponent("target.spm").path)
        let translator = try Translator(modelDirectory: Self.model)
        let terms = TargetTerms(["정부", "유럽", "정부", " "], pieces: spm, vocabulary: translator.targetVocabulary, unknown: 1)
        // "정부" is one piece with the word-start mark; "유럽" is ▁유 then 럽, which the
        // vocabulary lacks (<unk>, id 1 in this vocabulary).
        XCTAssertEqual(terms.terms.map(\.pieces), [["▁정부"], ["▁유", "럽"]])
        XCTAssertEqual(terms.terms[0].ids, [Int32(translator.targetVocabulary.id(of: "▁정부")!)])
        XCTAssertEqual(terms.terms[1].ids, [Int32(translator.targetVocabulary.id(of: "▁유")!), 1])
        XCTAssertEqual(terms.terms.map(\.hasUnknown), [false, true])
        XCTAssertEqual(terms.counts, [2, 1])
        XCTAssertEqual(terms.occurrence, [0, 1, 0, nil])
        XCTAssertEqual(terms.constraints, [TokenConstraint(tokens: terms.terms[0].ids, count: 2), TokenConstraint(tokens: terms.terms[1].ids, count: 1)])
    }

    func testTermsAppearAndLinesWithoutTermsAreUntouched() throws {
        let translator = try Translator(modelDirectory: Self.model)
        let lines = try Self.floresLines(24)
        // Every other line gets terms: one twice, one that holds an unknown piece.
        let termLists: [[String]] = lines.indices.map { k in
            switch k % 4 {
            case 1: return ["정부", "병원"]
            case 3: return ["유럽", "과학자", "유럽"]
            default: return []
            }
        }
        let plain = try translator.translate(lines, options: options(translator))
        let forced = try translator.translate(lines, targetTerms: termLists, options: options(translator))
        for (k, (p, f)) in zip(plain, forced).enumerated() {
            let best = try XCTUnwrap(f.best)
            if termLists[k].isEmpty {
                // The same search; the model's logits may differ in the last bits with the
                // batch's shape (BLAS blocking), as in any two batchings.
                XCTAssertEqual(p.best?.tokens, best.tokens, "line \(k): a line without terms is translated as without terms")
                XCTAssertEqual(p.best?.text, best.text, "line \(k)")
                XCTAssertEqual(p.best!.score, best.score, accuracy: 1e-5 * abs(best.score), "line \(k)")
                XCTAssertEqual(best.termsMet, [])
                continue
            }
            XCTAssertEqual(best.termsMet, termLists[k].map { _ in true }, "line \(k)")
            for term in Set(termLists[k]) {
                let wanted = termLists[k].filter { $0 == term }.count
                XCTAssertGreaterThanOrEqual(best.text.components(separatedBy: term).count - 1, wanted, "line \(k): \(term) in \(best.text)")
                XCTAssertLessThan(p.best!.text.components(separatedBy: term).count - 1, wanted, "line \(k): the random model wrote \(term) by itself")
            }
            if termLists[k].contains("유럽") {
                // Forced as ▁유 <unk>, written back as the term's pieces.
                XCTAssertTrue(best.tokens.contains("럽"), "\(best.tokens)")
                XCTAssertFalse(best.text.contains("⁇"), best.text)
            }
        }
    }

    func testMisuse() throws {
        let translator = try Translator(modelDirectory: Self.model)
        XCTAssertThrowsError(try translator.translate(["a", "b"], targetTerms: [["정부"]], options: options(translator))) {
            XCTAssertEqual("\($0)", "translate: 1 target-term lists for 2 lines (give one list per line, or none)")
        }
        XCTAssertThrowsError(try translator.translate(["a government"], targetTerms: [["정부"]], options: options(translator, beam: 1))) {
            XCTAssertEqual("\($0)", "search: invalid option: lexical constraints need a beam size of at least 2 (got 1)")
        }
        // An empty line has no output and so none of its terms.
        let empty = try translator.translate([""], targetTerms: [["정부"]], options: options(translator))
        XCTAssertEqual(empty[0].best?.termsMet, [false])
        XCTAssertEqual(empty[0].best?.text, "")
    }
}
