import XCTest
@testable import SentencePiece

/// Wire-format cases from the protobuf encoding documentation.
final class ProtobufReaderTests: XCTestCase {
    func testDocumentedEncodings() throws {
        // Field 1 = 150 ("08 96 01"), field 2 = "testing" ("12 07 74 65 73 74 69 6e 67"),
        // field 5 fixed32 = 1.0f (0x3f800000).
        let bytes: [UInt8] = [0x08, 0x96, 0x01, 0x12, 0x07] + Array("testing".utf8) + [0x2d, 0x00, 0x00, 0x80, 0x3f]
        var reader = ProtobufReader(bytes[...])
        let first = try XCTUnwrap(reader.next())
        XCTAssertEqual(first.number, 1)
        XCTAssertEqual(first.scalar, 150)
        let second = try XCTUnwrap(reader.next())
        XCTAssertEqual(second.wireType, .lengthDelimited)
        XCTAssertEqual(String(decoding: second.bytes, as: UTF8.self), "testing")
        let third = try XCTUnwrap(reader.next())
        XCTAssertEqual(Float(bitPattern: UInt32(third.scalar)), 1.0)
        XCTAssertNil(try reader.next())
    }

    func testMalformedInputIsAnErrorWithItsOffset() {
        var truncated = ProtobufReader([0x12, 0x07, 0x74][...])
        XCTAssertThrowsError(try truncated.next()) { XCTAssertEqual($0 as? ProtobufError, .truncated(offset: 2)) }
        var endless = ProtobufReader([UInt8](repeating: 0xff, count: 12)[...])
        XCTAssertThrowsError(try endless.readVarint())
        var badType = ProtobufReader([0x0f][...])
        XCTAssertThrowsError(try badType.next()) { XCTAssertEqual($0 as? ProtobufError, .unsupportedWireType(7, offset: 0)) }
    }
}
