import Foundation
import XCTest
@testable import Glossary

/// TSV, CSV and TBX: reading, writing, round trips, and the errors that name file and line.
final class TermFileTests: GlossaryTestCase {
    /// Records that stress every column and every quoting rule.
    static let tricky: [TermRecord] = [
        TermRecord(source: "comprising", target: "포함하는", authority: "KIPO claim drafting practice"),
        TermRecord(source: "according to claim {N}", target: "제{N}항에 있어서", note: "{N}: claim number"),
        TermRecord(source: "said", target: "상기", status: .approved, caseSensitive: false, matchMode: .exact),
        TermRecord(source: "LED", target: "발광 다이오드", status: .proposed, caseSensitive: true, domain: "H01L 33/00", priority: 7),
        TermRecord(source: "\"quoted\", with comma", target: "인용, \"쉼표\"", status: .deprecated, note: "a, b; \"c\""),
        TermRecord(source: "Robert'); DROP TABLE entries;--", target: "x' OR '1'='1", status: .forbidden, priority: -3),
        TermRecord(source: "  padded  term ", target: " 여백 ", note: "kept as written", authority: "<xml> & 'quotes'"),
        TermRecord(source: "e\u{301}lan 🚀 שלום", target: "엘랑", domain: "C12N"),
        TermRecord(source: "semicolon;term", target: "세미콜론;용어", note: "", authority: ""),
    ]

    func roundTrip(_ format: TermFileFormat) throws {
        let text = TermFileWriter.write(Self.tricky, format: format, sourceLanguage: "en", targetLanguage: "ko")
        let file = try write("tricky.en-ko.\(format.rawValue)", text)
        let parsed = try TermFileReader.read(path: file)
        XCTAssertEqual(parsed.sourceLanguage, "en")
        XCTAssertEqual(parsed.targetLanguage, "ko")
        XCTAssertEqual(parsed.records, Self.tricky, format.rawValue)
        // Through the store and out again: the same bytes.
        let store = try makeStore("\(format.rawValue).db")
        let reports = try store.importFiles([parsed], user: "kim")
        XCTAssertEqual(reports.map(\.added), [Self.tricky.count])
        XCTAssertEqual(try store.export(format: format), text, format.rawValue)
    }

    func testTSVRoundTripIsLossless() throws { try roundTrip(.tsv) }
    func testCSVRoundTripIsLossless() throws { try roundTrip(.csv) }
    func testTBXRoundTripIsLossless() throws { try roundTrip(.tbx) }

    /// The maintained list goes in and comes out unchanged in all three forms.
    func testPatentCoreSurvivesEveryFormat() throws {
        let original = try TermFileReader.read(path: Self.patentCore)
        let store = try makeStore()
        _ = try store.importFiles([original], user: "kim")
        XCTAssertEqual(try store.export(format: .tsv), try String(contentsOfFile: Self.patentCore, encoding: .utf8))
        for format in TermFileFormat.allCases {
            let out = try write("again.en-ko.\(format.rawValue)", try store.export(format: format))
            XCTAssertEqual(try TermFileReader.read(path: out).records, original.records, format.rawValue)
        }
    }

    func testCSVFollowsRFC4180() throws {
        let csv = "source,target,note\r\n\"a, b\",가,\"say \"\"hi\"\"\"\r\nplain,나,\r\n\"multi\nline\",다,x\r\n"
        XCTAssertEqual(try DelimitedTermReader.csvRows(csv, path: "t.csv").map(\.fields),
                       [["source", "target", "note"], ["a, b", "가", "say \"hi\""], ["plain", "나", ""], ["multi\nline", "다", "x"]])
        XCTAssertEqual(try DelimitedTermReader.csvRows(csv, path: "t.csv").map(\.line), [1, 2, 3, 4])
        XCTAssertEqual(TermFileWriter.csvField("a,\"b\""), "\"a,\"\"b\"\"\"")
        XCTAssertEqual(TermFileWriter.csvField("plain"), "plain")
    }

    func testOptionalColumnsByHeaderNameAndDefaults() throws {
        let file = try write("mini.en-ko.tsv", "source\ttarget\tauthority\tstatus\nwafer\t웨이퍼\tKIPO\t\nchip\t칩\t\tproposed\n")
        let parsed = try TermFileReader.read(path: file)
        XCTAssertEqual(parsed.records, [
            TermRecord(source: "wafer", target: "웨이퍼", authority: "KIPO"),
            TermRecord(source: "chip", target: "칩", status: .proposed),
        ])
        XCTAssertEqual(parsed.lines, [2, 3])
    }

    func testLanguagePairFromFileNameOrOptions() throws {
        XCTAssertEqual(TermFileName(path: "Glossaries/patent-core.en-ko.tsv"), TermFileName(glossary: "patent-core", sourceLanguage: "en", targetLanguage: "ko"))
        XCTAssertEqual(TermFileName(path: "x/chem.v2.en-zh-Hans.csv"), TermFileName(glossary: "chem.v2", sourceLanguage: "en", targetLanguage: "zh-Hans"))
        XCTAssertEqual(TermFileName(path: "plain.tsv"), TermFileName(glossary: "plain", sourceLanguage: nil, targetLanguage: nil))
        let file = try write("plain.tsv", "source\ttarget\na\t가\n")
        XCTAssertThrowsError(try TermFileReader.read(path: file)) { XCTAssertTrue("\($0)".contains("no language pair"), "\($0)") }
        XCTAssertEqual(try TermFileReader.read(path: file, sourceLanguage: "en", targetLanguage: "ko").targetLanguage, "ko")
    }

    // MARK: errors: all-or-nothing imports

    /// Imports `bad` into a store that already holds the patent glossary and checks the
    /// error names the file and line, and the store is exactly as before.
    func assertImportFails(_ name: String, _ data: Data, line: Int?, contains message: String, file: StaticString = #filePath, at: UInt = #line) throws {
        let store = try makeStore()
        _ = try store.importFiles([try TermFileReader.read(path: Self.patentCore)], user: "kim")
        let before = try snapshot(store)
        let path = try write(name, data)
        XCTAssertThrowsError(try store.importFiles([try TermFileReader.read(path: Self.patentCore), try TermFileReader.read(path: path)], user: "lee"), file: file, line: at) { error in
            let text = "\(error)"
            if let line { XCTAssertTrue(text.hasPrefix("\(path):\(line): "), text, file: file, line: at) }
            XCTAssertTrue(text.contains(message), text, file: file, line: at)
        }
        XCTAssertEqual(try snapshot(store), before, "the failed import changed the store", file: file, line: at)
    }

    func testWrongColumnCountAbortsTheImport() throws {
        try assertImportFails("bad.en-ko.tsv", Data("source\ttarget\tnote\nwafer\t웨이퍼\tok\nchip\t칩\nx\ty\tz\n".utf8), line: 3, contains: "expected 3 fields, found 2")
        try assertImportFails("bad.en-ko.csv", Data("source,target\na,가\nb,나,extra\n".utf8), line: 3, contains: "expected 2 fields, found 3")
    }

    func testInvalidUTF8AbortsTheImport() throws {
        var data = Data("source\ttarget\nwafer\t웨이퍼\n".utf8)
        data.append(contentsOf: [0x63, 0x68, 0x69, 0x70, 0x09, 0xC3, 0x28, 0x0A])  // "chip\t" + a broken sequence
        data.append(Data("last\t끝\n".utf8))
        try assertImportFails("bad.en-ko.tsv", data, line: 3, contains: "invalid UTF-8")
    }

    func testBadValuesAbortTheImport() throws {
        try assertImportFails("bad.en-ko.tsv", Data("source\ttarget\tstatus\na\t가\tapproved\nb\t나\tmaybe\n".utf8), line: 3, contains: "status 'maybe'")
        try assertImportFails("bad.en-ko.tsv", Data("source\ttarget\tpriority\na\t가\thigh\n".utf8), line: 2, contains: "priority 'high'")
        try assertImportFails("bad.en-ko.tsv", Data("source\ttarget\n\t가\n".utf8), line: 2, contains: "empty source term")
        try assertImportFails("bad.en-ko.tsv", Data("source\ttarget\tcolour\na\t가\tred\n".utf8), line: 1, contains: "unknown column 'colour'")
        try assertImportFails("bad.en-ko.csv", Data("source,target\n\"open,가\n".utf8), line: 2, contains: "never closed")
        try assertImportFails("bad.en-ko.csv", Data("source,target\nab\"c,가\n".utf8), line: 2, contains: "quote inside an unquoted field")
    }

    func testConflictInOneFileAbortsTheImport() throws {
        try assertImportFails("bad.en-ko.tsv", Data("source\ttarget\nwafer\t웨이퍼\nchip\t칩\nWafer\t원판\n".utf8), line: 4, contains: "conflict: 'Wafer' is '웨이퍼' on line 2 and '원판' here")
        try assertImportFails("bad.en-ko.tsv", Data("source\ttarget\nwafer\t웨이퍼\nwafer\t웨이퍼\n".utf8), line: 3, contains: "duplicate")
    }

    func testMalformedTBXAbortsTheImport() throws {
        let good = TermFileWriter.write([TermRecord(source: "wafer", target: "웨이퍼")], format: .tbx, sourceLanguage: "en", targetLanguage: "ko")
        let unclosed = good.replacingOccurrences(of: "</termSec>\n        </langSec>\n      </conceptEntry>", with: "</termSec>\n      </conceptEntry>")
        try assertImportFails("bad.en-ko.tbx", Data(unclosed.utf8), line: 25, contains: "malformed XML (a closing tag does not match its opening tag")
        let missingTarget = good.replacingOccurrences(of: "xml:lang=\"ko\"", with: "xml:lang=\"en\"")
        try assertImportFails("bad.en-ko.tbx", Data(missingTarget.utf8), line: 12, contains: "expected one en term and one ko term")
        let badStatus = good.replacingOccurrences(of: "preferredTerm-admn-sts", with: "favouriteTerm")
        try assertImportFails("bad.en-ko.tbx", Data(badStatus.utf8), line: 12, contains: "administrativeStatus 'favouriteTerm'")
        try assertImportFails("bad.en-ko.tbx", Data("<html><body/></html>".utf8), line: nil, contains: "not a TBX file")
    }

    /// An external entity would read a local file into a term; such files are refused
    /// before parsing.
    func testTBXEntitiesAreNeverResolved() throws {
        let secret = try write("secret.txt", "TOP SECRET")
        let xxe = """
        <?xml version="1.0"?>
        <!DOCTYPE tbx [
          <!ENTITY leak SYSTEM "file://\(secret)">
        ]>
        <tbx xml:lang="en"><text><body><conceptEntry id="c1">
        <langSec xml:lang="en"><termSec><term>&leak;</term></termSec></langSec>
        <langSec xml:lang="ko"><termSec><term>비밀</term></termSec></langSec>
        </conceptEntry></body></text></tbx>
        """
        try assertImportFails("xxe.en-ko.tbx", Data(xxe.utf8), line: 3, contains: "entity declarations are not accepted")
    }

    func testReadsTBXVersion2Layout() throws {
        let tbx = """
        <?xml version="1.0" encoding="UTF-8"?>
        <martif type="TBX-Basic" xml:lang="en-US"><text><body>
          <termEntry id="t1"><descrip type="subjectField">H01L</descrip>
            <langSet xml:lang="en-US"><tig><term>substrate</term></tig></langSet>
            <langSet xml:lang="ko-KR"><tig><term>기판</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig></langSet>
          </termEntry>
        </body></text></martif>
        """
        let parsed = try TermFileReader.read(path: try write("old.tbx", tbx))
        XCTAssertEqual([parsed.sourceLanguage, parsed.targetLanguage], ["en-US", "ko-KR"])
        XCTAssertEqual(parsed.records, [TermRecord(source: "substrate", target: "기판", status: .proposed, domain: "H01L")])
    }
}
