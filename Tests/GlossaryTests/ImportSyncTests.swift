import Foundation
import XCTest
@testable import Glossary

/// `pmt glossary import Glossaries/`: a folder synced into the store, idempotently, with
/// added / changed / retired counts and conflicts that protect hand edits.
final class ImportSyncTests: GlossaryTestCase {
    func files(_ folder: String) throws -> [TermFile] {
        try TermFileReader.files(in: folder).map { try TermFileReader.read(path: $0) }
    }

    func testTheGlossariesFolderSyncsIdempotently() throws {
        let folder = Self.packageRoot.appendingPathComponent("Glossaries").path
        XCTAssertEqual(try TermFileReader.files(in: folder).map { ($0 as NSString).lastPathComponent }, ["patent-core.en-ko.tsv"])
        let store = try makeStore()
        let first = try store.importFiles(try files(folder), user: "kim")
        let lines = try String(contentsOfFile: Self.patentCore, encoding: .utf8).split(separator: "\n").count - 1
        XCTAssertGreaterThanOrEqual(lines, 150)
        XCTAssertEqual(first.map { [$0.added, $0.changed, $0.retired, $0.unchanged] }, [[lines, 0, 0, 0]])
        let before = try snapshot(store)
        let second = try store.importFiles(try files(folder), user: "kim")
        XCTAssertEqual(second.map { [$0.added, $0.changed, $0.retired, $0.unchanged] }, [[0, 0, 0, lines]])
        XCTAssertEqual(try snapshot(store), before, "a second sync must not touch the store")
    }

    func testChangedAndRemovedLinesAreCountedAndRetiredEntriesDeprecated() throws {
        let folder = directory.appendingPathComponent("Glossaries").path
        try write("Glossaries/core.en-ko.tsv", "source\ttarget\tstatus\nwafer\t웨이퍼\tapproved\nchip\t칩\tapproved\ndie\t다이\tapproved\n")
        try write("Glossaries/README.md", "not a term file")
        let store = try makeStore()
        let g = try XCTUnwrap(try store.importFiles(try files(folder), user: "kim").first)
        XCTAssertEqual([g.added, g.changed, g.retired], [3, 0, 0])
        let handAdded = try store.add(TermRecord(source: "lead frame", target: "리드 프레임"), to: try store.glossaries(named: "core")[0], user: "lee")

        try write("Glossaries/core.en-ko.tsv", "source\ttarget\tstatus\nwafer\t웨이퍼\tapproved\nchip\t칩셋\tproposed\nbump\t범프\tapproved\n")
        let r = try XCTUnwrap(try store.importFiles(try files(folder), user: "kim").first)
        XCTAssertEqual([r.added, r.changed, r.retired, r.unchanged], [1, 1, 1, 1])
        let byTerm = Dictionary(uniqueKeysWithValues: try store.entries().map { ($0.record.source, $0) })
        XCTAssertEqual(byTerm["die"]?.record.status, .deprecated)
        XCTAssertEqual(byTerm["chip"]?.record.target, "칩셋")
        XCTAssertEqual(byTerm["chip"]?.version, 2)
        XCTAssertEqual(byTerm["lead frame"]?.record.status, .approved, "entries added by hand are never retired by a sync")
        XCTAssertEqual(try store.history(entryID: byTerm["die"]!.id).map(\.action), ["import-add", "import-retire"])
        XCTAssertEqual(try store.history(entryID: handAdded.id).map(\.action), ["add"])
        // Retired stays retired: a third sync has nothing to do.
        let again = try XCTUnwrap(try store.importFiles(try files(folder), user: "kim").first)
        XCTAssertEqual([again.added, again.changed, again.retired, again.unchanged], [0, 0, 0, 3])
    }

    func testAFileThatContradictsAHandAddedEntryIsAConflict() throws {
        let store = try makeStore()
        let g = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko")
        let hand = try store.add(TermRecord(source: "wafer", target: "웨이퍼"), to: g, user: "lee")
        let before = try snapshot(store)
        let path = try write("core.en-ko.tsv", "source\ttarget\nchip\t칩\nwafer\t원판\n")
        XCTAssertThrowsError(try store.importFiles([try TermFileReader.read(path: path)], user: "kim")) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path):3: conflict: 'wafer' is '웨이퍼' in entry \(hand.id), added by hand by lee"), "\(error)")
        }
        XCTAssertEqual(try snapshot(store), before)
    }

    /// An entry edited in the store since its file was imported is not overwritten.
    func testAnEditMadeInTheStoreIsNeverLostToASync() throws {
        let path = try write("core.en-ko.tsv", "source\ttarget\nwafer\t웨이퍼\nchip\t칩\n")
        let store = try makeStore()
        _ = try store.importFiles([try TermFileReader.read(path: path)], user: "kim")
        let chip = try XCTUnwrap(try store.entries().first { $0.record.source == "chip" })
        try store.edit(chip.id, EntryChanges(target: "반도체 칩"), expectedVersion: 1, user: "lee")
        // The file did not change: the sync leaves the edit alone and says so.
        let kept = try store.importFiles([try TermFileReader.read(path: path)], user: "kim")
        XCTAssertEqual(kept.map { [$0.unchanged, $0.keptEdits, $0.changed] }, [[1, 1, 0]])
        XCTAssertEqual(try store.entry(chip.id).record.target, "반도체 칩")
        // The file changed the same entry: refused, with who made the edit.
        try write("core.en-ko.tsv", "source\ttarget\nwafer\t웨이퍼\nchip\t칩셋\n")
        let before = try snapshot(store)
        XCTAssertThrowsError(try store.importFiles([try TermFileReader.read(path: path)], user: "kim")) { error in
            XCTAssertTrue("\(error)".contains("\(path):3: conflict: entry \(chip.id) ('chip') was edited in the store since the last import"), "\(error)")
            XCTAssertTrue("\(error)".contains("by lee"), "\(error)")
        }
        XCTAssertEqual(try snapshot(store), before)
        // Once the file carries the edit, the sync agrees with the store again.
        try write("core.en-ko.tsv", "source\ttarget\nwafer\t웨이퍼\nchip\t반도체 칩\n")
        XCTAssertEqual(try store.importFiles([try TermFileReader.read(path: path)], user: "kim").map(\.unchanged), [2])
        try write("core.en-ko.tsv", "source\ttarget\nwafer\t웨이퍼\nchip\t칩\n")
        XCTAssertEqual(try store.importFiles([try TermFileReader.read(path: path)], user: "kim").map(\.changed), [1])
    }

    func testExportNeedsOneLanguagePair() throws {
        let store = try makeStore()
        try store.add(TermRecord(source: "a", target: "가"), to: try store.ensureGlossary(name: "x", sourceLanguage: "en", targetLanguage: "ko"), user: "u")
        try store.add(TermRecord(source: "a", target: "あ"), to: try store.ensureGlossary(name: "x", sourceLanguage: "en", targetLanguage: "ja"), user: "u")
        XCTAssertThrowsError(try store.export(format: .tsv)) { XCTAssertTrue("\($0)".contains("several language pairs"), "\($0)") }
        XCTAssertEqual(try store.export(EntryFilter(targetLanguage: "ja"), format: .tsv).split(separator: "\n").last?.hasPrefix("a\tあ\t"), true)
    }

    func testTwoFilesForOneGlossaryAreRefused() throws {
        let tsv = try write("core.en-ko.tsv", "source\ttarget\nwafer\t웨이퍼\n")
        let csv = try write("core.en-ko.csv", "source,target\nchip,칩\n")
        let store = try makeStore()
        XCTAssertThrowsError(try store.importFiles([try TermFileReader.read(path: tsv), try TermFileReader.read(path: csv)], user: "u")) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(csv): holds glossary core.en-ko, like \(tsv)"), "\(error)")
        }
        XCTAssertEqual(try store.entries().count, 0)
    }
}
