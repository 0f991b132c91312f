import Foundation
@testable import PatentDocuments
import XCTest

final class TextAndJSONLTests: XCTestCase {
    func testTheExampleFilingAsPlainText() throws {
        let url = SharedPatents.packageRoot.appendingPathComponent("Examples/example-filing.txt")
        let bytes = [UInt8](try Data(contentsOf: url))
        let document = try PatentDocument.read(contentsOf: url)
        XCTAssertEqual(document.format, .plainText)
        XCTAssertEqual(document.units.map(\.kind), [.title, .paragraph, .claim, .claim])
        XCTAssertEqual(document.units[0].text, "Battery housing with a cooling channel")
        XCTAssertTrue(document.units[2].text.hasPrefix("A battery housing comprising:"))
        XCTAssertEqual(document.units[2].path.number, "1")
        XCTAssertEqual(document.units[3].path.description, "/claim[2][@num='2']")
        XCTAssertEqual([UInt8](try document.rendered(translations: [:])), bytes)
        let output = String(decoding: try document.rendered(translations: [0: "냉각 채널이 있는 배터리 하우징", 3: "청구항 1에 있어서, 베이스 플레이트는 알루미늄으로 만들어진 배터리 하우징."]), as: UTF8.self)
        let lines = output.components(separatedBy: "\n")
        XCTAssertEqual(lines[0], "냉각 채널이 있는 배터리 하우징")
        XCTAssertEqual(lines[1], "")
        XCTAssertTrue(lines[4].hasPrefix("1. A battery housing comprising"))
        XCTAssertEqual(lines[5], "2. 청구항 1에 있어서, 베이스 플레이트는 알루미늄으로 만들어진 배터리 하우징.")
    }

    /// A text version of a real filing: title, headings, wrapped paragraphs, claims after
    /// "What is claimed is:" one per numbered line.
    func testARealFilingAsText() throws {
        let xml = try PatentDocument.read(contentsOf: SharedPatents.url("us-application-3.xml"))
        let title = xml.units.first { $0.kind == .title }!.text
        let paragraphs = xml.units.filter { $0.kind == .paragraph }.prefix(5).map { withoutMarkers($0.text) }
        let claimUnits = xml.units.filter { $0.kind == .claim && $0.path.steps.last?.name == "claim-text" && $0.path.run == 1 }
        var text = title + "\n\nBACKGROUND\n\n"
        for p in paragraphs {
            // Hard-wrap at about 70 columns, as text exports do.
            var line = ""
            for word in p.split(separator: " ") {
                if line.count + word.count > 70 { text += line + "\n"; line = "" }
                line += (line.isEmpty ? "" : " ") + word
            }
            text += line + "\n\n"
        }
        text += "What is claimed is:\n"
        for unit in xml.units where unit.kind == .claim && unit.path.steps.last?.name == "claim-text" && unit.path.steps.dropLast().last?.name == "claim" {
            text += withoutMarkers(unit.text) + "\n"
        }
        let bytes = Array(text.utf8)
        let document = try PatentDocument.parse(bytes, source: "filing.txt")
        XCTAssertEqual(document.format, .plainText)
        XCTAssertEqual(document.units.first?.kind, .title)
        XCTAssertEqual(document.units.filter { $0.kind == .heading }.map(\.text), ["BACKGROUND", "What is claimed is:"])
        XCTAssertEqual(document.units.filter { $0.kind == .paragraph }.map(\.text), Array(paragraphs))
        let claims = document.units.filter { $0.kind == .claim }
        XCTAssertEqual(claims.count, xml.units.filter { $0.kind == .claim }.map { $0.path.steps.first { $0.name == "claim" }! }.reduce(into: [UnitPath.Step]()) { if !$0.contains($1) { $0.append($1) } }.count)
        XCTAssertEqual(claims.map(\.path.number), (1...claims.count).map(String.init))
        XCTAssertTrue(claims[1].text.hasPrefix("The method of claim 1"), claims[1].text)
        XCTAssertGreaterThan(claimUnits.count, 0)
        // Claim numbers stay outside the units and survive translation.
        let output = String(decoding: try document.rendered(translations: Dictionary(uniqueKeysWithValues: claims.map { ($0.id, "청구 \($0.id)") })), as: UTF8.self)
        XCTAssertTrue(output.contains("\n1. 청구 \(claims[0].id)\n2. 청구 \(claims[1].id)\n"))
    }

    func testJSONLSegments() throws {
        let xml = try PatentDocument.read(contentsOf: SharedPatents.url("us-application-1.xml"))
        let sample = xml.units.filter { $0.placeholders.isEmpty }.prefix(4)
        var lines = sample.map { "{\"id\": \"\($0.path.elementID ?? "")\", \"text\": \(JSONScanner.quote($0.text)), \"extra\": [1, {\"a\": null}] }" }
        lines.insert("", at: 2)  // a blank line is kept
        lines.append("{\"id\":7,\"text\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\"\",\"translation\":\"old\"}")
        lines.append("{\"text\":\"\"}")
        let input = lines.joined(separator: "\n") + "\n"
        let document = try PatentDocument.parse(Array(input.utf8), source: "segments.jsonl")
        XCTAssertEqual(document.format, .jsonl)
        XCTAssertEqual(document.units.count, 5)
        XCTAssertEqual(document.units.prefix(4).map(\.text), sample.map(\.text))
        XCTAssertEqual(document.units[0].path.elementID, sample.first!.path.elementID)
        XCTAssertEqual(document.units[4].text, "café 😀 \"q\"")
        XCTAssertEqual(document.units[4].path.elementID, "7")
        XCTAssertEqual(document.units[2].path.steps[0].index, 4)  // line number

        let output = String(decoding: try document.rendered(translations: [0: "번역 \"하나\"\n", 4: "카페"]), as: UTF8.self)
        let outLines = output.components(separatedBy: "\n")
        XCTAssertEqual(outLines.count, lines.count + 1)
        XCTAssertEqual(outLines[0], String(lines[0].dropLast(2)) + ",\"translation\":\"번역 \\\"하나\\\"\\n\" }")
        XCTAssertEqual(outLines[1], lines[1])
        XCTAssertEqual(outLines[2], "")
        XCTAssertEqual(outLines[5], "{\"id\":7,\"text\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\"\",\"translation\":\"카페\"}")
        XCTAssertEqual(outLines[6], "{\"text\":\"\"}")
        // The output is JSONL again, and Foundation reads every line.
        for line in outLines where !line.isEmpty {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), line)
        }
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(outLines[0].utf8)) as? [String: Any])?["translation"] as? String, "번역 \"하나\"\n")
    }

    func testBadJSONLLinesAreRefusedWithTheirPlace() {
        let cases: [(String, Int, String)] = [
            ("{\"text\": \"a\"}\n{\"text\": \"b\",}\n", 2, "expected a member name"),
            ("{\"text\": \"a\"}\n\n[1, 2]\n", 3, "not a JSON object"),
            ("{\"id\": 1}\n", 1, "needs a string member \"text\""),
            ("{\"text\": 5}\n", 1, "needs a string member \"text\""),
            ("{\"text\": \"a\\x\"}\n", 1, "invalid escape"),
            ("{\"text\": \"a\"} trailing\n", 1, "text after the JSON object"),
            ("{\"text\": \"\\ud800\"}\n", 1, "unpaired surrogate"),
            ("{\"text\": \"a\", \"text\": \"b\"}\n", 1, "appears twice"),
        ]
        for (input, line, message) in cases {
            XCTAssertThrowsError(try PatentDocument.parse(Array(input.utf8), source: "s.jsonl", format: .jsonl), input) { error in
                guard case .jsonl(let at, let what)? = error as? PatentDocumentError else { return XCTFail("\(error)") }
                XCTAssertEqual(at.line, line, input)
                XCTAssertTrue(what.contains(message), "\(input): \(what)")
                XCTAssertTrue("\(error)".hasPrefix("s.jsonl:\(line):"), "\(error)")
            }
        }
    }
}
