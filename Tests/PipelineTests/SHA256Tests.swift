import Foundation
import XCTest
@testable import Pipeline

final class SHA256Tests: XCTestCase {
    /// FIPS 180-4 example vectors (one block, two blocks, empty).
    func testStandardVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// The system's sha256sum over real FLORES text, and every split of the input into updates.
    func testAgreesWithSha256sumOnRealText() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/corpora/flores200-devtest/kor.devtest").standardized
        guard let data = FileManager.default.contents(atPath: file.path) else { throw XCTSkip("missing \(file.path)") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") else { throw XCTSkip("no /usr/bin/sha256sum") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = String(output.prefix(64))
        XCTAssertEqual(SHA256.hex(data), expected)

        for chunk in [1, 63, 64, 65, 1000] {
            var hasher = SHA256()
            var offset = 0
            while offset < data.count {
                hasher.update(data[offset..<min(offset + chunk, data.count)])
                offset += chunk
            }
            XCTAssertEqual(Hex.encode(hasher.finish()), expected, "chunks of \(chunk)")
        }
    }

    func testHexRoundTrip() {
        let bytes = Data([0, 1, 0x7f, 0x80, 0xfe, 0xff])
        XCTAssertEqual(Hex.encode(bytes), "00017f80feff")
        XCTAssertEqual(Hex.decode("00017F80feff"), bytes)
        XCTAssertNil(Hex.decode("0g"))
        XCTAssertNil(Hex.decode("abc"))
    }
}
