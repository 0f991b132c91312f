import Foundation
import XCTest
@testable import Pipeline
import PatentDocuments

final class DocumentTranslatorTests: XCTestCase {
    /// The tree of the output equals the input's in element names, attributes, order and
    /// every node outside translated text; the language attributes say Korean.
    func assertSameTree(_ document: PatentDocument, _ output: Data, translated: some Sequence<UnitID>, file: StaticString = #filePath, line: UInt = #line) throws {
        let input = try XCTUnwrap(document.xml, file: file, line: line)
        let scanned = try XMLScan(bytes: [UInt8](output), source: "output")
        let elements = document.elementsWithTranslatedText(units: translated)
        XCTAssertNil(XMLTreeComparison.firstDifference(input, scanned, translatedElements: elements, ignoringLanguageValues: true), file: file, line: line)
        let head = String(decoding: output.prefix(4000), as: UTF8.self)
        XCTAssertTrue(head.range(of: #"lang="(ko|KO)""#, options: .regularExpression) != nil, "no Korean language attribute", file: file, line: line)
    }

    func testIdentityEngineKeepsEveryTree() throws {
        for name in PipelineSupport.patentNames {
            let document = try PatentDocument.read(contentsOf: PipelineSupport.patent(name))
            let result = try DocumentTranslator(engine: IdentityEngine()).translate(document)
            let translated = document.units.filter { $0.language == nil || $0.language == document.languageCode }.map(\.id)
            try assertSameTree(document, result.output, translated: translated)
            XCTAssertTrue(result.segments.allSatisfy { $0.spansRestored.isEmpty }, "\(name): identity output lost a span")
        }
    }

    /// The real engine (the random-weight fixture model) on the five real filings: well-formed
    /// output with the same tree, and every protected span of every segment in its translation.
    func testFixtureModelKeepsTreesAndSpans() throws {
        let engine = try PipelineSupport.engine()
        for name in PipelineSupport.patentNames {
            let document = try PatentDocument.read(contentsOf: PipelineSupport.patent(name))
            let result = try DocumentTranslator(engine: engine).translate(document)
            let translated = document.units.filter { $0.language == nil || $0.language == document.languageCode }.map(\.id)
            try assertSameTree(document, result.output, translated: translated)
            XCTAssertGreaterThan(result.segments.count, 50, name)
            var spans = 0
            for segment in result.segments {
                for span in ProtectedSpanFinder.shared.spans(in: segment.source) {
                    spans += 1
                    XCTAssertTrue(segment.target.contains(span.text), "\(name) \(segment.path): \(span.text) missing from \(segment.target)")
                }
                XCTAssertEqual(segment.spansKept.count + segment.spansRestored.count, ProtectedSpanFinder.shared.spans(in: segment.source).count)
            }
            XCTAssertGreaterThan(spans, 20, name)
            // The output is not the input: the random model wrote something else.
            XCTAssertNotEqual(result.output, try Data(contentsOf: PipelineSupport.patent(name)))
        }
    }

    /// A second translation of the same filing comes from the memory, and a third run of a
    /// document sharing segments reuses them; the output does not change.
    func testTranslationMemoryReusesSegments() throws {
        let folder = try PipelineSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let memory = try TranslationMemory(path: folder.appendingPathComponent("tm.db").path)
        let document = try PatentDocument.read(contentsOf: PipelineSupport.patent("us-application-3.xml"))
        let engine = IdentityEngine()
        let first = try DocumentTranslator(engine: engine, memory: memory).translate(document)
        let distinct = engine.translated.count
        XCTAssertEqual(distinct, Set(first.segments.map { TranslationMemory.normalized($0.source) }).count, "each distinct segment translated once")
        XCTAssertLessThan(distinct, first.segments.count, "the filing repeats segments")
        let second = try DocumentTranslator(engine: engine, memory: memory).translate(document)
        XCTAssertEqual(engine.translated.count, distinct, "nothing translated twice")
        XCTAssertTrue(second.segments.allSatisfy(\.fromMemory))
        XCTAssertEqual(first.output, second.output)
        XCTAssertEqual(try memory.count(), distinct)

        // Another model (context) does not see these entries.
        let other = IdentityEngine()
        other.memoryContext = "another model"
        _ = try DocumentTranslator(engine: other, memory: memory).translate(document)
        XCTAssertEqual(other.translated.count, distinct)
    }

    /// Overlong claims are cut into clauses, translated apart and joined back: the identity
    /// engine gives back each claim's text.
    func testLongClaimsAreSplitAndJoined() throws {
        let document = try PatentDocument.read(contentsOf: PipelineSupport.patent("us-application-1.xml"))
        let engine = IdentityEngine()
        engine.segmentTokenLimit = 12
        let result = try DocumentTranslator(engine: engine).translate(document)
        // A piece over the limit has no allowed cut left: each of its spaces is inside a protected span.
        for piece in engine.translated where engine.sourceTokenCount(piece[...]) > 12 {
            let spans = ProtectedSpanFinder.shared.spans(in: piece).map(\.range)
            for i in piece.indices where piece[i] == " " {
                XCTAssertTrue(spans.contains { $0.contains(i) }, "over the limit with a free space: \(piece)")
            }
        }
        let claims = result.segments.filter { $0.path.contains("claim") }
        XCTAssertGreaterThan(claims.count, document.units.filter { $0.kind == .claim }.count, "claims were cut")
        try assertSameTree(document, result.output, translated: document.units.map(\.id))
    }
}
