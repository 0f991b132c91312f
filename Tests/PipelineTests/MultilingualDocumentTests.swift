import Foundation
import XCTest
@testable import Pipeline
import PatentDocuments
import Translator

/// The JPO and CNIPA filings and the German claims of the EP filing, end to end through the
/// pipeline with the NLLB-shaped fixture (random weights, written by transformers).
final class MultilingualDocumentTests: XCTestCase {
    static let nllb = PipelineSupport.packageRoot.appendingPathComponent("Tests/Fixtures/models/nllb-tiny")

    func testJapaneseChineseAndGermanFilings() throws {
        let engine = try PipelineSupport.engine(Self.nllb, maxLength: 32)
        let expected: [(String, Set<String>)] = [("jp-gazette-1.xml", ["ja"]), ("cn-old-1.xml", ["zh"]), ("ep-b1-st36.xml", ["en", "de"])]
        for (name, languages) in expected {
            let document = try PatentDocument.read(contentsOf: PipelineSupport.patent(name))
            let result = try DocumentTranslator(engine: engine).translate(document)
            XCTAssertEqual(Set(result.segments.compactMap(\.language)), languages, name)
            // Every unit in a language the model knows was translated; the tree is unchanged.
            let translated = document.units.filter { unit in
                guard let language = unit.language ?? document.languageCode else { return true }
                return engine.knowsLanguage(language)
            }.map(\.id)
            XCTAssertEqual(Set(result.segments.map(\.unit)), Set(translated.filter { id in !document.units[id].text.allSatisfy(\.isWhitespace) }), name)
            let scanned = try XMLScan(bytes: [UInt8](result.output), source: name)
            XCTAssertNil(XMLTreeComparison.firstDifference(try XCTUnwrap(document.xml), scanned,
                                                           translatedElements: document.elementsWithTranslatedText(units: translated),
                                                           ignoringLanguageValues: true), name)
            for segment in result.segments {
                for span in ProtectedSpanFinder.shared.spans(in: segment.source) {
                    XCTAssertTrue(segment.target.contains(span.text), "\(name): \(span.text) missing")
                }
            }
        }
    }

    func testLanguageGuessFromTheScript() {
        XCTAssertEqual(LanguageGuess.language(of: "本発明は、ウェーハの加工方法に関する。"), "ja")
        XCTAssertEqual(LanguageGuess.language(of: "本发明涉及一种晶片的加工方法。"), "zh")
        XCTAssertEqual(LanguageGuess.language(of: "본 발명은 웨이퍼의 가공 방법에 관한 것이다."), "ko")
        XCTAssertEqual(LanguageGuess.language(of: "Vorrichtung nach Anspruch 1, wobei die Schicht aus Glas besteht."), "de")
        XCTAssertEqual(LanguageGuess.language(of: "The device of claim 1, wherein the layer is glass."), "en")
        XCTAssertNil(LanguageGuess.language(of: "12 (34)"))
    }

    /// The guess on the real FLORES devtest files: each file's lines mostly get its language.
    func testLanguageGuessOnFlores() throws {
        let corpus = PipelineSupport.packageRoot.appendingPathComponent("../shared/corpora/flores200-devtest").standardized
        for (file, language, floor) in [("jpn", "ja", 0.99), ("cmn_Hans", "zh", 0.99), ("kor", "ko", 0.99), ("eng", "en", 0.97), ("deu", "de", 0.95)] {
            guard let text = try? String(contentsOf: corpus.appendingPathComponent("\(file).devtest"), encoding: .utf8) else { throw XCTSkip("missing \(file).devtest") }
            let lines = text.split(separator: "\n").map(String.init)
            let right = lines.filter { LanguageGuess.language(of: $0) == language }.count
            XCTAssertGreaterThanOrEqual(Double(right) / Double(lines.count), floor, "\(file): \(right) of \(lines.count)")
        }
    }
}
