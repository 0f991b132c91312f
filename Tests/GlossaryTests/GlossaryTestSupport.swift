import Foundation
import XCTest
@testable import Glossary

/// Paths and helpers shared by the glossary tests: a private temporary folder per test, the
/// package root, the shared corpora (`../shared`), and a store's whole content for
/// before/after comparisons.
class GlossaryTestCase: XCTestCase {
    var directory: URL!

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-glossary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func makeStore(_ name: String = "terms.db") throws -> GlossaryStore {
        try GlossaryStore(path: path(name))
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }

    /// Every row of every table (FTS index included), to prove a failed import changed nothing.
    func snapshot(_ store: GlossaryStore) throws -> [String: [[SQLiteValue]]] {
        var tables: [String: [[SQLiteValue]]] = [:]
        for name in ["glossaries", "entries", "history", "entries_fts"] {
            tables[name] = try store.database.query("SELECT * FROM \(name) ORDER BY rowid")
        }
        tables["user_version"] = [[.integer(Int64(try store.database.userVersion))]]
        return tables
    }

    static func sharedFile(_ relative: String) throws -> URL {
        let url = packageRoot.appendingPathComponent("../shared").appendingPathComponent(relative).standardized
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("shared file missing: \(url.path) (../shared is not on this machine)")
        }
        return url
    }

    static func floresLines(_ language: String) throws -> [String] {
        let text = try String(contentsOf: sharedFile("corpora/flores200-devtest/\(language).devtest"), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static var patentCore: String { packageRoot.appendingPathComponent("Glossaries/patent-core.en-ko.tsv").path }
    static var floresTerms: String { packageRoot.appendingPathComponent("Tests/Fixtures/glossary/flores-eng-terms.en-ko.tsv").path }
}
