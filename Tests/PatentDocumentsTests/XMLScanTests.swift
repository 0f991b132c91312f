import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import PatentDocuments
import XCTest

/// Counts elements with libxml2 (Foundation's XMLParser): an independent referee for
/// well-formedness and structure.
final class ReferenceParser: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var error: Error?

    static func parse(_ bytes: [UInt8]) -> ReferenceParser {
        let delegate = ReferenceParser()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        if !parser.parse() { delegate.error = parser.parserError ?? NSError(domain: "XMLParser", code: -1) }
        return delegate
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append(elementName)
    }
}

final class XMLScanTests: XCTestCase {
    func offsetLocation(_ bytes: [UInt8], of needle: String, file: String = "t.xml") -> SourceLocation {
        let n = Array(needle.utf8)
        let offset = (0...(bytes.count - n.count)).first { Array(bytes[$0..<($0 + n.count)]) == n }!
        let before = bytes[..<offset]
        let line = before.filter { $0 == 0x0A }.count + 1
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1
        return SourceLocation(file: file, line: line, column: column)
    }

    func replacing(_ bytes: [UInt8], _ old: String, with new: String, once: Bool = true) -> [UInt8] {
        let s = String(decoding: bytes, as: UTF8.self)
        guard let r = s.range(of: old) else { XCTFail("\(old) not found"); return bytes }
        return Array(s.replacingCharacters(in: r, with: new).utf8)
    }

    func scanError(_ bytes: [UInt8], file: String = "t.xml") -> PatentDocumentError? {
        do {
            _ = try PatentDocument.parse(bytes, source: file)
            return nil
        } catch let error as PatentDocumentError {
            return error
        } catch {
            XCTFail("unexpected error type: \(error)")
            return nil
        }
    }

    // MARK: lossless

    func testTokensCoverEachRealFileByteForByte() throws {
        for name in SharedPatents.names {
            let bytes = try SharedPatents.bytes(name)
            let scan = try XMLScan(bytes: bytes, source: name)
            var rebuilt: [UInt8] = []
            var cursor = 0
            for token in scan.tokens {
                XCTAssertEqual(token.start, cursor, "\(name): gap or overlap before a \(token.kind) token")
                rebuilt += bytes[token.range]
                cursor = token.end
            }
            XCTAssertEqual(rebuilt, bytes, name)
            // The element structure agrees with libxml2's.
            let reference = ReferenceParser.parse(bytes)
            XCTAssertNil(reference.error, "\(name): \(String(describing: reference.error))")
            XCTAssertEqual(scan.elements.indices.map(scan.name(ofElement:)), reference.elements, name)
        }
    }

    func testDoctypeCommentsAndAttributeOrderAreKeptExactly() throws {
        let bytes = try SharedPatents.bytes("ep-b1-st36.xml")
        let scan = try XMLScan(bytes: bytes, source: "ep")
        let doctype = try XCTUnwrap(scan.tokens.first { $0.kind == .doctype })
        XCTAssertEqual(scan.string(doctype.range),
                       "<!DOCTYPE ep-patent-document PUBLIC \"-//EPO//EP PATENT DOCUMENT 1.0//EN\" \"ep-patent-document-v1-0.dtd\">")
        XCTAssertTrue(scan.entities.hasExternalSubset)
        let rootAttributes = scan.attributes(ofElement: scan.root).map(scan.name(of:))
        XCTAssertEqual(rootAttributes, ["id", "file", "lang", "country", "doc-number", "kind", "date-publ", "status", "dtd-version"])
        let comments = scan.tokens.filter { $0.kind == .comment }.count
        XCTAssertEqual(comments, String(decoding: bytes, as: UTF8.self).components(separatedBy: "<!--").count - 1)
        // The CNIPA file starts with a UTF-8 byte order mark and an xml-stylesheet PI.
        let cn = try XMLScan(bytes: SharedPatents.bytes("cn-old-1.xml"), source: "cn")
        XCTAssertEqual(cn.tokens.first?.kind, .byteOrderMark)
        XCTAssertEqual(cn.tokens.first { $0.kind == .processingInstruction }.map(cn.name(of:)), "xml-stylesheet")
    }

    // MARK: well-formedness errors, with their place

    func testMalformedDocumentsAreRefusedWithTheirLocation() throws {
        let real = try SharedPatents.bytes("us-application-1.xml")
        let cases: [(String, String, String)] = [
            ("</abstract>", "</abstrakt>", "does not match <abstract>"),
            ("<p id=\"p-0002\"", "<p id=p-0002", "is not quoted"),
            ("<p id=\"p-0002\" num=\"0001\">", "<p id=\"p-0002\"num=\"0001\">", "expected whitespace"),
            ("<p id=\"p-0002\" num=\"0001\">", "<p id=\"p-0002\" id=\"x\">", "appears twice"),
            ("<p id=\"p-0002\" num=\"0001\">", "<p id=\"p-0002\" num=\"<\">", "'<' in the value"),
            ("<heading id=\"h-0001\"", "<heading id=\"h-0001\" & ", "unexpected '&'"),
            ("TECHNICAL FIELD", "TECHNICAL & FIELD", "literal '&' must be written &amp;"),
            ("TECHNICAL FIELD", "TECHNICAL &nbsp; FIELD", "undeclared entity &nbsp;"),
            ("TECHNICAL FIELD", "TECHNICAL &#1; FIELD", "not an XML character"),
            ("TECHNICAL FIELD", "TECHNICAL <1 FIELD", "not followed by an element name"),
            ("TECHNICAL FIELD", "TECHNICAL ]]> FIELD", "']]>' is not allowed"),
            ("TECHNICAL FIELD", "TECHNICAL <!-- a -- b --> FIELD", "'--' inside a comment"),
        ]
        for (old, new, message) in cases {
            let broken = replacing(real, old, with: new)
            let error = scanError(broken)
            guard case .malformed(let at, let what)? = error else {
                XCTFail("\(new): expected a malformed-XML error, got \(String(describing: error))")
                continue
            }
            XCTAssertTrue(what.contains(message), "\(new): \(what)")
            XCTAssertEqual(at.line, offsetLocation(broken, of: new).line, "\(new): \(error!)")
            XCTAssertTrue("\(error!)".hasPrefix("t.xml:\(at.line):\(at.column): malformed XML: "), "\(error!)")
        }
        // Structure errors at the document level.
        let truncated = Array(real[..<(real.count / 2)])
        guard case .malformed(_, let what)? = scanError(truncated) else { return XCTFail("truncated document accepted") }
        XCTAssertTrue(what.contains("unexpected end of file"), what)
        guard case .malformed(_, let second)? = scanError(real + Array("<second/>".utf8)) else { return XCTFail("two roots accepted") }
        XCTAssertTrue(second.contains("a second root element <second>"), second)
        guard case .malformed(_, let after)? = scanError(real + Array("trailing text".utf8)) else { return XCTFail("text after root accepted") }
        XCTAssertTrue(after.contains("text after the root element"), after)
        guard case .malformed(let at, let declaration)? = scanError(Array("\n".utf8) + real) else { return XCTFail("late XML declaration accepted") }
        XCTAssertTrue(declaration.contains("XML declaration must come first"), declaration)
        XCTAssertEqual([at.line, at.column], [2, 1])
    }

    func testUnknownRootElementIsNamed() throws {
        let real = try SharedPatents.bytes("us-application-3.xml")
        let renamed = Array(String(decoding: real, as: UTF8.self).replacingOccurrences(of: "us-patent-application", with: "office-memo").utf8)
        guard case .unknownRoot(let at, let name)? = scanError(renamed) else { return XCTFail("unknown root accepted") }
        XCTAssertEqual(name, "office-memo")
        XCTAssertEqual(at.line, 2)
        XCTAssertTrue("\(scanError(renamed)!)".contains("unknown root element <office-memo>"))
    }

    // MARK: encodings and binary input

    func testEncodingDeclarationsAgainstTheBytes() throws {
        let cn = try SharedPatents.bytes("cn-old-1.xml")
        XCTAssertEqual(Array(cn.prefix(3)), [0xEF, 0xBB, 0xBF], "the CNIPA file is expected to carry a UTF-8 BOM")
        XCTAssertNoThrow(try PatentDocument.parse(cn, source: "cn"))

        // A declaration that the non-ASCII bytes do not match.
        let noBOM = Array(cn.dropFirst(3))
        let gb = replacing(noBOM, "encoding=\"UTF-8\"", with: "encoding=\"GB2312\"")
        guard case .encoding(let at, let what)? = scanError(gb) else { return XCTFail("wrong encoding declaration accepted") }
        XCTAssertTrue(what.contains("declared encoding \"GB2312\" is not read"), what)
        XCTAssertEqual(at, offsetLocation(gb, of: "发明专利"))
        // A BOM that contradicts the declaration.
        guard case .encoding(_, let bomWhat)? = scanError(replacing(cn, "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\"")) else {
            return XCTFail("BOM and ISO-8859-1 declaration accepted")
        }
        XCTAssertTrue(bomWhat.contains("byte order mark"), bomWhat)
        // ASCII-only documents mean the same in any ASCII-based encoding.
        let us = try SharedPatents.bytes("us-application-1.xml")
        XCTAssertTrue(us.allSatisfy { $0 < 0x80 })
        XCTAssertNoThrow(try PatentDocument.parse(replacing(us, "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\""), source: "us"))
        guard case .encoding(_, let ascii)? = scanError(replacing(noBOM, "encoding=\"UTF-8\"", with: "encoding=\"US-ASCII\"")) else {
            return XCTFail("non-ASCII bytes under a US-ASCII declaration accepted")
        }
        XCTAssertTrue(ascii.contains("declared encoding US-ASCII"), ascii)
        // Latin-1 bytes in a document that declares UTF-8.
        let latin1 = replacing(us, "TECHNICAL FIELD", with: "TECHNICAL FIELD\u{E9}").map { $0 }  // é as UTF-8 first
        var latinBytes = latin1
        let e9 = latinBytes.firstIndex(of: 0xC3)!
        latinBytes.replaceSubrange(e9...(e9 + 1), with: [0xE9])
        guard case .encoding(let latinAt, let latinWhat)? = scanError(latinBytes) else { return XCTFail("invalid UTF-8 accepted") }
        XCTAssertTrue(latinWhat.contains("invalid UTF-8 byte 0xE9"), latinWhat)
        XCTAssertEqual(latinAt.line, offsetLocation(latin1, of: "TECHNICAL FIELD").line)
    }

    func testUTF16IsRefusedClearly() throws {
        let text = String(decoding: try SharedPatents.bytes("jp-gazette-1.xml"), as: UTF8.self)
        for encoding in [String.Encoding.utf16BigEndian, .utf16LittleEndian] {
            let body = [UInt8](text.data(using: encoding)!)
            let bom: [UInt8] = encoding == .utf16BigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
            guard case .encoding(_, let what)? = scanError(bom + body) else { return XCTFail("UTF-16 accepted") }
            XCTAssertTrue(what.contains("UTF-16"), what)
            guard case .encoding(_, let noMark)? = scanError(body) else { return XCTFail("UTF-16 without BOM accepted") }
            XCTAssertTrue(noMark.contains("UTF-16 without a byte order mark"), noMark)
        }
    }

    func testBinaryAndEmptyInputs() throws {
        // A real binary file of this repository: a safetensors fixture (8-byte header size).
        let models = SharedPatents.packageRoot.appendingPathComponent("Tests/Fixtures/models")
        let binary = try XCTUnwrap(FileManager.default.enumerator(atPath: models.path)?.compactMap { $0 as? String }
            .first { $0.hasSuffix(".safetensors") })
        let bytes = [UInt8](try Data(contentsOf: models.appendingPathComponent(binary)))
        for format in PatentDocument.InputFormat.allCases {
            do {
                _ = try PatentDocument.parse(bytes, source: "model.safetensors", format: format)
                XCTFail("\(format): binary input accepted")
            } catch let error as PatentDocumentError {
                guard case .binary(let at, let what) = error else { return XCTFail("\(format): \(error)") }
                XCTAssertEqual(at.file, "model.safetensors")
                XCTAssertTrue(what.contains("NUL byte") || what.contains("control byte"), what)
            }
        }
        for empty in [[UInt8](), Array(" \n\t\n".utf8), [0xEF, 0xBB, 0xBF]] {
            for format in PatentDocument.InputFormat.allCases {
                XCTAssertThrowsError(try PatentDocument.parse(empty, source: "empty.xml", format: format)) { error in
                    XCTAssertEqual(error as? PatentDocumentError, .empty(file: "empty.xml"))
                }
            }
        }
        XCTAssertThrowsError(try PatentDocument.read(contentsOf: URL(fileURLWithPath: "/nonexistent/filing.xml"))) { error in
            guard case .unreadable(let file, _)? = error as? PatentDocumentError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "/nonexistent/filing.xml")
        }
    }

    func testNestingDepthIsBounded() throws {
        let us = String(decoding: try SharedPatents.bytes("us-application-1.xml"), as: UTF8.self)
        func nested(_ depth: Int) -> [UInt8] {
            Array(us.replacingOccurrences(of: "TECHNICAL FIELD", with: String(repeating: "<b>", count: depth) + "deep" + String(repeating: "</b>", count: depth)).utf8)
        }
        // The heading sits at depth 4 (root, description, summary-of-invention, heading).
        let deepest = XMLScan.maximumDepth - 4
        let document = try PatentDocument.parse(nested(deepest), source: "deep.xml")
        let unit = try XCTUnwrap(document.units.first { withoutMarkers($0.text) == "deep" })
        XCTAssertEqual(unit.placeholders.count, deepest)
        // Dropped markers: the nest comes back whole after the text.
        XCTAssertEqual(unit.restore("깊다"), "깊다" + String(repeating: "<b>", count: deepest) + String(repeating: "</b>", count: deepest))
        XCTAssertEqual(unit.restore(unit.text.replacingOccurrences(of: "deep", with: "깊다")),
                       String(repeating: "<b>", count: deepest) + "깊다" + String(repeating: "</b>", count: deepest))
        guard case .malformed(_, let what)? = { () -> PatentDocumentError? in
            do { _ = try PatentDocument.parse(nested(deepest + 1), source: "deeper.xml"); return nil } catch { return error as? PatentDocumentError }
        }() else { return XCTFail("nesting beyond the bound accepted") }
        XCTAssertTrue(what.contains("nested deeper than \(XMLScan.maximumDepth) levels"), what)
    }
}
