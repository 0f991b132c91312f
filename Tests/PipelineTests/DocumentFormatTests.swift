import Foundation
import XCTest
@testable import Pipeline

final class DocumentFormatTests: XCTestCase {
    func testExtensionDecidesFirst() {
        XCTAssertEqual(DocumentFormat.detect(path: "a/FILING.XML", head: Array("plain".utf8)), .xml)
        XCTAssertEqual(DocumentFormat.detect(path: "segments.jsonl", head: []), .jsonl)
        XCTAssertEqual(DocumentFormat.detect(path: "notes.txt", head: Array("<b>".utf8)), .text)
    }

    func testContentDecidesWithoutExtension() {
        XCTAssertEqual(DocumentFormat.detect(path: nil, head: [0xEF, 0xBB, 0xBF] + Array("\n <?xml".utf8)), .xml)
        XCTAssertEqual(DocumentFormat.detect(path: "stdin", head: Array(#"{"text":"x"}"#.utf8)), .jsonl)
        XCTAssertEqual(DocumentFormat.detect(path: nil, head: Array("1. A device".utf8)), .text)
        XCTAssertEqual(DocumentFormat.detect(path: nil, head: []), .text)
    }

    func testRealPatentFilesAreXML() throws {
        let patents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/patents").standardized
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: patents.path), !names.isEmpty else {
            throw XCTSkip("../shared/patents is missing at \(patents.path)")
        }
        for name in names where name.hasSuffix(".xml") {
            let head = Array(try Data(contentsOf: patents.appendingPathComponent(name)).prefix(64))
            XCTAssertEqual(DocumentFormat.detect(path: nil, head: head), .xml, name)
        }
    }
}
