import Foundation
import XCTest
@testable import Glossary

/// The store on a real SQLite file: schema versions, edits with history, optimistic
/// concurrency between two connections, verbatim text, full-text search.
final class GlossaryStoreTests: GlossaryTestCase {
    func testNewStoreIsMigratedToTheCurrentVersionInWALMode() throws {
        let store = try makeStore()
        XCTAssertEqual(try store.database.userVersion, GlossaryStore.schemaVersion)
        XCTAssertEqual(try store.database.query("PRAGMA journal_mode"), [[.text("wal")]])
        let tables = try store.database.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").compactMap { GlossaryStore.text($0[0]) }
        for table in ["glossaries", "entries", "history", "entries_fts"] { XCTAssertTrue(tables.contains(table), "\(tables)") }
        // Reopening runs no migration again and keeps the data.
        let g = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko")
        try store.add(TermRecord(source: "substrate", target: "기판"), to: g, user: "kim")
        let reopened = try GlossaryStore(path: store.path, create: false)
        XCTAssertEqual(try reopened.entries().map(\.record.target), ["기판"])
    }

    func testStoreFromANewerVersionIsRefused() throws {
        let db = try SQLiteDatabase(path: path("newer.db"))
        try db.execute("PRAGMA user_version = \(GlossaryStore.schemaVersion + 1)")
        XCTAssertThrowsError(try GlossaryStore(path: path("newer.db"))) { error in
            XCTAssertTrue("\(error)".contains("newer pmt"), "\(error)")
        }
    }

    func testEditsRaiseTheVersionAndHistoryKeepsOldAndNewValues() throws {
        let store = try makeStore()
        let g = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko")
        let added = try store.add(TermRecord(source: "wafer", target: "웨이퍼", status: .proposed), to: g, user: "kim")
        XCTAssertEqual(added.version, 1)
        let edited = try store.edit(added.id, EntryChanges(status: .approved, note: "reviewed"), expectedVersion: 1, user: "lee")
        XCTAssertEqual(edited.version, 2)
        XCTAssertEqual(edited.updatedBy, "lee")
        let removed = try store.remove(added.id, expectedVersion: 2, user: "park")
        XCTAssertEqual(removed.record.note, "reviewed")
        XCTAssertThrowsError(try store.entry(added.id))

        let history = try store.history(entryID: added.id)
        XCTAssertEqual(history.map(\.action), ["add", "edit", "remove"])
        XCTAssertEqual(history.map(\.user), ["kim", "lee", "park"])
        XCTAssertNil(history[0].oldValues)
        let old = try JSONSerialization.jsonObject(with: Data(history[1].oldValues!.utf8)) as! [String: Any]
        let new = try JSONSerialization.jsonObject(with: Data(history[1].newValues!.utf8)) as! [String: Any]
        XCTAssertEqual(old["status"] as? String, "proposed")
        XCTAssertEqual(new["status"] as? String, "approved")
        XCTAssertEqual(new["version"] as? Int, 2)
        XCTAssertNil(history[2].newValues)
        XCTAssertTrue(history.allSatisfy { $0.at.hasSuffix("Z") && $0.at.count >= 20 }, "\(history.map(\.at))")
    }

    /// Two maintainers read version 1; the first edit wins, the second is refused and changes
    /// nothing, with a message that says what happened.
    func testStaleEditFromASecondConnectionIsRefused() throws {
        let first = try makeStore()
        let g = try first.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko")
        let entry = try first.add(TermRecord(source: "layer", target: "층"), to: g, user: "kim")
        let second = try GlossaryStore(path: first.path)
        let readBySecond = try second.entry(entry.id)

        try first.edit(entry.id, EntryChanges(target: "레이어"), expectedVersion: entry.version, user: "kim")
        XCTAssertThrowsError(try second.edit(entry.id, EntryChanges(target: "막"), expectedVersion: readBySecond.version, user: "lee")) { error in
            guard case GlossaryError.staleEdit(let id, let expected, let actual, let by, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual([id, Int64(expected), Int64(actual)], [entry.id, 1, 2])
            XCTAssertEqual(by, "kim")
            XCTAssertTrue("\(error)".contains("changed since you read it"), "\(error)")
        }
        XCTAssertThrowsError(try second.remove(entry.id, expectedVersion: 1, user: "lee"))
        XCTAssertEqual(try second.entry(entry.id).record.target, "레이어")
        XCTAssertEqual(try second.history(entryID: entry.id).count, 2)
    }

    /// Quotes, semicolons, SQL, Unicode (combining marks, emoji, RTL) go in and come out as
    /// written: every value is a bound parameter.
    func testTermsAreStoredVerbatim() throws {
        let store = try makeStore()
        let g = try store.ensureGlossary(name: "odd", sourceLanguage: "en", targetLanguage: "ko")
        let nasty = [
            "Robert'); DROP TABLE entries;--", "\"quoted\" term", "a;b;c", "O'Brien's device", "x' OR '1'='1",
            "e\u{301}lan vital", "naïve Ωmega ✓ 🚀", "שלום", "  padded  ", "100% \\ backslash",
        ]
        for (k, text) in nasty.enumerated() {
            try store.add(TermRecord(source: text, target: "대상 \(k) \(text)", note: text, authority: text), to: g, user: "o'neil; --")
        }
        let back = try GlossaryStore(path: store.path).entries()
        XCTAssertEqual(back.map(\.record.source), nasty)
        XCTAssertEqual(back.map(\.record.note), nasty)
        XCTAssertEqual(back.map(\.record.target), nasty.enumerated().map { "대상 \($0) \($1)" })
        XCTAssertEqual(Set(back.map(\.updatedBy)), ["o'neil; --"])
        XCTAssertEqual(try store.database.query("SELECT count(*) FROM entries"), [[.integer(Int64(nasty.count))]])
    }

    func testControlCharactersAreRefused() throws {
        let store = try makeStore()
        let g = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko")
        XCTAssertThrowsError(try store.add(TermRecord(source: "a\tb", target: "가"), to: g, user: "kim"))
        XCTAssertThrowsError(try store.add(TermRecord(source: "ab", target: "가\n나"), to: g, user: "kim"))
        XCTAssertEqual(try store.entries().count, 0)
    }

    func testSameSourceTwiceInOneGlossaryAndScopeIsRefused() throws {
        let store = try makeStore()
        let g = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko")
        try store.add(TermRecord(source: "cell", target: "세포", domain: "C12N"), to: g, user: "kim")
        try store.add(TermRecord(source: "cell", target: "셀", domain: "H01M"), to: g, user: "kim")
        XCTAssertThrowsError(try store.add(TermRecord(source: "cell", target: "전지", domain: "H01M"), to: g, user: "kim")) { error in
            XCTAssertTrue("\(error)".contains("already has 'cell'"), "\(error)")
        }
        XCTAssertEqual(try store.entries().count, 2)
    }

    func testFullTextSearchFindsTermsByWordPrefixInBothLanguages() throws {
        let store = try makeStore()
        let g = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko")
        try store.add(TermRecord(source: "comprising", target: "포함하는"), to: g, user: "u")
        try store.add(TermRecord(source: "semiconductor substrate", target: "반도체 기판"), to: g, user: "u")
        try store.add(TermRecord(source: "substrate holder", target: "기판 홀더", note: "see also wafer chuck"), to: g, user: "u")
        try store.add(TermRecord(source: "DROP TABLE", target: "표"), to: g, user: "u")
        XCTAssertEqual(try store.search("substrate").map(\.record.source).sorted(), ["semiconductor substrate", "substrate holder"])
        XCTAssertEqual(try store.search("포함").map(\.record.source), ["comprising"])
        XCTAssertEqual(try store.search("기판 홀더").map(\.record.source), ["substrate holder"])
        XCTAssertEqual(try store.search("chuck").map(\.record.source), ["substrate holder"])
        XCTAssertEqual(try store.search("\"drop\" OR table;").map(\.record.source), [])  // quoted words, not FTS syntax
        XCTAssertEqual(try store.search("drop table").map(\.record.source), ["DROP TABLE"])
        // The index follows edits and removals (triggers).
        let holder = try store.search("holder")[0]
        try store.edit(holder.id, EntryChanges(source: "substrate carrier"), user: "u")
        XCTAssertEqual(try store.search("holder").count, 0)
        XCTAssertEqual(try store.search("carrier").map(\.id), [holder.id])
        try store.remove(holder.id, user: "u")
        XCTAssertEqual(try store.search("carrier").count, 0)
    }

    func testStatsCountByGlossaryScopeAndStatus() throws {
        let store = try makeStore()
        let g = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko", domain: "H01L")
        try store.add(TermRecord(source: "a", target: "가"), to: g, user: "u")
        try store.add(TermRecord(source: "b", target: "나"), to: g, user: "u")
        try store.add(TermRecord(source: "c", target: "다", status: .proposed, domain: "C12N"), to: g, user: "u")
        let rows = try store.stats()
        XCTAssertEqual(rows.map { "\($0.glossary) \($0.domain ?? "-") \($0.status.rawValue) \($0.count)" }, ["core C12N proposed 1", "core H01L approved 2"])
    }

    func testApplicableTermsFollowPairStatusAndIPCScope() throws {
        let store = try makeStore()
        let general = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko")
        let bio = try store.ensureGlossary(name: "bio", sourceLanguage: "en", targetLanguage: "ko", domain: "C12N", priority: 5)
        let ja = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ja")
        try store.add(TermRecord(source: "substrate", target: "기판"), to: general, user: "u")
        try store.add(TermRecord(source: "wafer", target: "웨이퍼", status: .proposed), to: general, user: "u")
        try store.add(TermRecord(source: "cell", target: "세포"), to: bio, user: "u")
        try store.add(TermRecord(source: "cell", target: "셀", domain: "H01M 10/05"), to: general, user: "u")
        try store.add(TermRecord(source: "substrate", target: "基板"), to: ja, user: "u")

        func terms(_ scopes: [String]) throws -> [String] {
            try store.applicableTerms(sourceLanguage: "en", targetLanguage: "ko", scopes: scopes).map { "\($0.source)=\($0.target)/\($0.priority)" }
        }
        XCTAssertEqual(try terms([]), ["substrate=기판/0"])
        XCTAssertEqual(try terms(["C12N 15/10"]), ["substrate=기판/0", "cell=세포/5"])
        XCTAssertEqual(try terms(["H01M 10/0525"]), ["substrate=기판/0"])  // 10/05 is a different group from 10/0525
        XCTAssertEqual(try terms(["h01m10/05"]), ["substrate=기판/0", "cell=셀/0"])
        XCTAssertEqual(try store.applicableTerms(sourceLanguage: "en-US", targetLanguage: "ja", scopes: []).map(\.target), ["基板"])
    }
}
