import Foundation
import XCTest

/// The module graph of DESIGN.md, checked on the sources: SwiftPM can let an undeclared
/// import compile when build order happens to allow it, so the arrows are enforced here.
final class ModuleBoundaryTests: XCTestCase {
    /// DESIGN.md's arrows ("may import"); a module may also import what those reach.
    /// CKernels is the C target of the speed issue (product kernels, the helper-thread pool,
    /// allocator settings): it sits beside CBLAS, under Tensor only.
    static let arrows: [String: [String]] = [
        "CBLAS": [], "CKernels": [], "CSQLite": [], "CPostgres": [], "ICUShim": [],
        "Tensor": ["CBLAS", "CKernels"],
        "SentencePiece": [],
        "Transformer": ["Tensor"],
        "Decoding": ["Tensor"],
        "Translator": ["Transformer", "Decoding", "SentencePiece"],
        "Glossary": ["CSQLite", "ICUShim"],
        "PatentDocuments": ["ICUShim"],
        "Pipeline": ["Translator", "Glossary", "PatentDocuments"],
        "JobQueue": ["CSQLite", "CPostgres", "Pipeline"],
        "pmt": ["Translator", "Glossary", "PatentDocuments", "Pipeline", "JobQueue", "SentencePiece"],
    ]
    static let platform: Set<String> = ["Foundation", "FoundationXML", "FoundationEssentials", "Dispatch", "Glibc", "Musl", "Synchronization"]

    static func reachable(from module: String) -> Set<String> {
        var seen = Set<String>()
        var stack = arrows[module] ?? []
        while let next = stack.popLast() {
            if seen.insert(next).inserted { stack += arrows[next] ?? [] }
        }
        return seen
    }

    func testEveryImportFollowsAnArrow() throws {
        let sources = PmtProcess.packageRoot.appendingPathComponent("Sources")
        let modules = try FileManager.default.contentsOfDirectory(atPath: sources.path)
        XCTAssertEqual(Set(modules), Set(Self.arrows.keys), "Sources/ modules differ from DESIGN.md's layout")
        let importLine = try NSRegularExpression(pattern: #"^\s*(?:@[\w()]+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|typealias|var|let)\s+)?(\w+)"#, options: .anchorsMatchLines)
        var checked = 0
        for module in modules {
            let allowed = Self.reachable(from: module).union(Self.platform)
            let enumerator = FileManager.default.enumerator(atPath: sources.appendingPathComponent(module).path)
            while let file = enumerator?.nextObject() as? String {
                guard file.hasSuffix(".swift") else { continue }
                let text = try String(contentsOf: sources.appendingPathComponent(module).appendingPathComponent(file), encoding: .utf8)
                for match in importLine.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let imported = String(text[Range(match.range(at: 1), in: text)!])
                    checked += 1
                    XCTAssertTrue(allowed.contains(imported), "Sources/\(module)/\(file) imports \(imported), which DESIGN.md does not allow \(module) to import")
                }
            }
        }
        XCTAssertGreaterThan(checked, 0, "no import statements found: the scan is broken")
    }

    func testTheEngineNeverReachesDocumentsGlossariesOrQueues() {
        for engine in ["Tensor", "SentencePiece", "Transformer", "Decoding", "Translator"] {
            XCTAssertTrue(Self.reachable(from: engine).isDisjoint(with: ["Glossary", "PatentDocuments", "Pipeline", "JobQueue", "CSQLite", "CPostgres"]), engine)
        }
        XCTAssertFalse(Self.reachable(from: "Decoding").contains("Transformer"))
    }
}
