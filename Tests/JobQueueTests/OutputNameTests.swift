import Foundation
import XCTest
@testable import JobQueue

/// Names come from senders; none may leave the output folder or hide in it.
final class OutputNameTests: XCTestCase {
    func testHostileNamesBecomeOneFileInsideTheFolder() throws {
        let hostile = ["../../etc/passwd", "/etc/passwd", "..", ".", "", "   ", "a/../../b.ko.txt", "..\\..\\win.ini",
                       "line\nbreak.txt", "nul\u{0}byte", "tab\there", "esc\u{1b}[31mred", "rtl\u{202e}txt.exe", ".hidden",
                       "ok-name.ko.txt", "청구항.ko.txt", String(repeating: "긴", count: 300) + ".ko.txt"]
        let folder = try QueueTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var seen: [String: String] = [:]
        for name in hostile {
            let safe = OutputName.safe(name)
            XCTAssertFalse(safe.isEmpty, name)
            XCTAssertFalse(safe.contains("/") || safe.contains("\\"), "\(name) → \(safe)")
            XCTAssertFalse(safe.hasPrefix("."), "\(name) → \(safe)")
            XCTAssertFalse(safe.unicodeScalars.contains { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) || (0x202a...0x202e).contains($0.value) }, "\(name) → \(safe)")
            XCTAssertLessThanOrEqual(safe.utf8.count, OutputName.maxBytes, name)
            let url = try AtomicFile.write(Data(name.utf8), folder: folder, name: safe)
            XCTAssertEqual(url.deletingLastPathComponent().standardized.path, folder.standardized.path, "\(name) → \(url.path)")
            seen[safe] = name
        }
        XCTAssertEqual(OutputName.safe("ok-name.ko.txt"), "ok-name.ko.txt")
        XCTAssertEqual(OutputName.safe("청구항.ko.txt"), "청구항.ko.txt")
        XCTAssertEqual(OutputName.safe("../../etc/passwd"), "_.._.._etc_passwd")
        XCTAssertEqual(OutputName.safe(".."), "_..")
        XCTAssertEqual(OutputName.safe(""), "unnamed")
        XCTAssertTrue(OutputName.safe(String(repeating: "긴", count: 300) + ".ko.txt").hasSuffix("~.ko.txt"))
        // Every file landed in the folder itself: nothing was written anywhere else.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertEqual(Set(files), Set(seen.keys))
        XCTAssertFalse(files.contains { $0.hasSuffix(".partial") })
    }

    func testAtomicWriteReplacesWholeFilesAndReportsMissingFolders() throws {
        let folder = try QueueTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.write(Data("first\n".utf8), folder: folder, name: "a.ko.txt")
        try AtomicFile.write(Data("second\n".utf8), folder: folder, name: "a.ko.txt")
        XCTAssertEqual(FileManager.default.contents(atPath: folder.appendingPathComponent("a.ko.txt").path), Data("second\n".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["a.ko.txt"])

        let missing = folder.appendingPathComponent("no-such-folder")
        XCTAssertThrowsError(try AtomicFile.write(Data(), folder: missing, name: "x")) { error in
            XCTAssertTrue("\(error)".contains(missing.path) && "\(error)".contains("does not exist"), "\(error)")
        }
    }
}
