import Foundation
import XCTest

/// `pmt translate` on filings: the real patent XML of ../shared, through the fixture model.
final class DocumentCommandTests: XCTestCase {
    let model = PmtProcess.packageRoot.appendingPathComponent("Models/random-tiny-en-ko").path

    func patent(_ name: String) throws -> String {
        let url = PmtProcess.packageRoot.appendingPathComponent("../shared/patents/\(name)").standardized
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("missing \(url.path)") }
        return url.path
    }

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-documents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testFilingsIntoAFolderWithAMemory() throws {
        let out = try folder()
        let memory = out.appendingPathComponent("tm.db").path
        let args = ["translate", try patent("us-application-3.xml"), try patent("cn-old-1.xml"), "--model", model,
                    "--beam-size", "1", "--memory", memory, "-o", out.path, "--no-progress"]
        let run = try PmtProcess.run(args)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix("tm.db") }.sorted()
        XCTAssertEqual(names, ["cn-old-1.ko.xml", "us-application-3.ko.xml"])
        let xml = try String(contentsOf: out.appendingPathComponent("us-application-3.ko.xml"), encoding: .utf8)
        XCTAssertTrue(xml.hasPrefix("<?xml"))
        XCTAssertTrue(xml.contains(#"<us-patent-application lang="KO""#))
        // A second run answers every segment from the memory.
        let report = try PmtProcess.run(["translate", try patent("us-application-3.xml"), "--model", model, "--beam-size", "1",
                                         "--memory", memory, "--output-format", "jsonl", "--no-progress"])
        XCTAssertEqual(report.status, 0, report.stderr)
        let segments = report.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertGreaterThan(segments.count, 100)
        XCTAssertTrue(segments.allSatisfy { $0["from_memory"] as? Bool == true })
        XCTAssertTrue(segments.allSatisfy { $0["path"] is String && $0["source"] is String && $0["target"] is String && $0["spans_kept"] is [String] })
    }

    func testBadDocumentsAreErrorsAndLeaveNothing() throws {
        let out = try folder()
        let cases: [(String, Data)] = [
            ("malformed.xml", Data("<us-patent-application><abstract><p>text</abstract></us-patent-application>".utf8)),
            ("unknown.xml", Data("<?xml version=\"1.0\"?><recipe><p>x</p></recipe>".utf8)),
            ("binary.xml", Data([0x3C, 0x00, 0x01, 0xFF, 0xFE, 0x00])),
            ("empty.xml", Data()),
            ("entity.xml", Data("<?xml version=\"1.0\"?><!DOCTYPE us-patent-application [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><us-patent-application><abstract><p>&x;</p></abstract></us-patent-application>".utf8)),
        ]
        for (name, bytes) in cases {
            let input = out.appendingPathComponent(name)
            try bytes.write(to: input)
            let target = out.appendingPathComponent("out-" + name)
            let run = try PmtProcess.run(["translate", input.path, "--model", model, "-o", target.path, "--no-progress"])
            XCTAssertEqual(run.status, 1, "\(name): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(name), "\(name): the error names the file: \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), name)
        }
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: out.path).allSatisfy { !$0.contains("partial") })

        let several = try PmtProcess.run(["translate", try patent("us-application-3.xml"), try patent("cn-old-1.xml"), "--model", model])
        XCTAssertEqual(several.status, 2, several.stderr)
        XCTAssertTrue(several.stderr.contains("-o DIR"), several.stderr)
    }
}
