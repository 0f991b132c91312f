import Foundation
import XCTest
@testable import Pipeline
import Glossary
import PatentDocuments
import Translator

/// The office's patent-core glossary applied to a real filing through the pipeline: every
/// term found is forced into the translation (random weights never write them unforced).
final class DocumentGlossaryTests: XCTestCase {
    func store() throws -> String {
        let folder = try PipelineSupport.temporaryFolder()
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("terms.db").path
        let store = try GlossaryStore(path: path)
        let file = try TermFileReader.read(path: PipelineSupport.packageRoot.appendingPathComponent("Glossaries/patent-core.en-ko.tsv").path)
        _ = try store.importFiles([file], user: "test")
        return path
    }

    func testPatentTermsAreForcedIntoAFiling() throws {
        let path = try store()
        let document = try PatentDocument.read(contentsOf: PipelineSupport.patent("us-application-3.xml"))
        let engine = try PipelineSupport.engine(beam: 4, maxLength: 160)
        let with = try DocumentTranslator(engine: engine, glossary: DocumentGlossary(path: path)).translate(document)
        let found = with.segments.flatMap(\.terms)
        XCTAssertGreaterThan(found.count, 50, "the filing uses patent-core terms")
        let applied = found.filter(\.applied).count
        print("patent-core terms in us-application-3.xml: \(applied) of \(found.count) applied with the glossary")
        XCTAssertEqual(applied, found.count, "unapplied: \(found.filter { !$0.applied }.prefix(5))")

        let without = try DocumentTranslator(engine: engine).translate(document)
        let chance = zip(with.segments, without.segments).reduce(0) { sum, pair in
            sum + pair.0.terms.filter { pair.1.target.contains($0.target) }.count
        }
        print("without the glossary: \(chance) of \(found.count)")
        XCTAssertLessThan(chance, found.count / 4)
        XCTAssertTrue(without.segments.allSatisfy(\.terms.isEmpty))
    }
}
