import XCTest
@testable import Glossary

/// Each lint check on a store made with exactly that problem; a clean store and the
/// maintained patent glossary report nothing.
final class GlossaryLintTests: GlossaryTestCase {
    var store: GlossaryStore!
    var core: GlossaryInfo!

    override func setUpWithError() throws {
        try super.setUpWithError()
        store = try makeStore()
        core = try store.ensureGlossary(name: "core", sourceLanguage: "en", targetLanguage: "ko")
        for (s, t) in [("substrate", "기판"), ("wafer", "웨이퍼"), ("comprising", "포함하는")] {
            try store.add(TermRecord(source: s, target: t), to: core, user: "u")
        }
    }

    func kinds() throws -> [LintFinding.Kind] { try store.lint().map(\.kind) }

    func testCleanStoreHasNoFindings() throws {
        XCTAssertEqual(try store.lint(), [])
    }

    func testPatentCoreGlossaryIsClean() throws {
        let file = try TermFileReader.read(path: Self.patentCore)
        XCTAssertGreaterThanOrEqual(file.records.count, 150)
        XCTAssertTrue(file.records.allSatisfy { $0.status == .approved && !$0.authority.isEmpty })
        let fresh = try makeStore("core.db")
        _ = try fresh.importFiles([file], user: "kim")
        XCTAssertEqual(try fresh.lint().map(\.description), [])
    }

    func testDuplicateAcrossGlossaries() throws {
        let other = try store.ensureGlossary(name: "semi", sourceLanguage: "en", targetLanguage: "ko")
        let dup = try store.add(TermRecord(source: "Substrate", target: "기판"), to: other, user: "u")
        let findings = try store.lint()
        XCTAssertEqual(findings.map(\.kind), [.duplicate])
        XCTAssertEqual(findings.first?.entryIDs, [1, dup.id])
    }

    func testConflictOneSourceTwoTargetsInOneScope() throws {
        let other = try store.ensureGlossary(name: "semi", sourceLanguage: "en", targetLanguage: "ko")
        try store.add(TermRecord(source: "wafer", target: "원판"), to: other, user: "u")
        XCTAssertEqual(try kinds(), [.conflict])
        let message = try store.lint()[0].message
        XCTAssertTrue(message.contains("'웨이퍼' (entry 2), '원판' (entry 4)"), message)
        // Another scope is not a conflict; a deprecated entry is not either.
        try store.edit(4, EntryChanges(domain: .some("H01L")), user: "u")
        XCTAssertEqual(try kinds(), [])
        try store.edit(4, EntryChanges(status: .deprecated, domain: .some(nil)), user: "u")
        XCTAssertEqual(try kinds(), [])
    }

    func testOverlappingTerms() throws {
        let long = try store.add(TermRecord(source: "semiconductor substrate", target: "반도체 기판"), to: core, user: "u")
        let findings = try store.lint()
        XCTAssertEqual(findings.map(\.kind), [.overlap])
        XCTAssertEqual(findings.first?.entryIDs, [1, long.id])
        // A word that is only a piece of another word is not contained ("sub" in "substrate").
        try store.remove(long.id, user: "u")
        try store.add(TermRecord(source: "sub", target: "서브"), to: core, user: "u")
        XCTAssertEqual(try kinds(), [])
    }

    func testEmptyTerms() throws {
        try store.add(TermRecord(source: "die", target: ""), to: core, user: "u")
        try store.add(TermRecord(source: "   ", target: "공백"), to: core, user: "u")
        XCTAssertEqual(try kinds(), [.empty, .empty])
    }

    func testPaddedTerms() throws {
        try store.add(TermRecord(source: " chip", target: "칩"), to: core, user: "u")
        try store.add(TermRecord(source: "lead frame", target: "리드 프레임 "), to: core, user: "u")
        try store.add(TermRecord(source: "bond  pad", target: "본드 패드"), to: core, user: "u")
        XCTAssertEqual(try kinds(), [.padded, .padded, .padded])
    }

    func testBadLanguageCodes() throws {
        for (source, target) in [("english", "ko"), ("en", "ko_KR"), ("e", "ko"), ("en-", "ko")] {
            let g = try store.ensureGlossary(name: "bad-\(source)-\(target)", sourceLanguage: source, targetLanguage: target)
            XCTAssertEqual(try store.lint().filter { $0.message.contains(g.name) }.map(\.kind), [.language], "\(source) \(target)")
        }
        for good in ["en", "ko", "zh-Hans", "pt-BR", "es-419", "sr-Latn-RS", "de-CH-1996"] { XCTAssertTrue(LanguageCode.isValid(good), good) }
        XCTAssertEqual(LanguageCode.canonical("ZH-hans-cn"), "zh-Hans-CN")
    }

    func testForbiddenTargetUsedByAnApprovedEntry() throws {
        let forbidden = try store.add(TermRecord(source: "substrate", target: "서브스트레이트", status: .forbidden, domain: "H01L"), to: core, user: "u")
        XCTAssertEqual(try kinds(), [])
        let user = try store.add(TermRecord(source: "substrate holder", target: "서브스트레이트 홀더"), to: core, user: "u")
        let findings = try store.lint()
        XCTAssertEqual(findings.map(\.kind), [.overlap, .forbiddenTarget])
        XCTAssertEqual(findings.last?.entryIDs, [user.id, forbidden.id])
    }
}
