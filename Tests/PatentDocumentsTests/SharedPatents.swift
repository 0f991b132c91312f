import Foundation
import XCTest

/// The real filings in `../shared/patents` (relative to the package root).
enum SharedPatents {
    static let names = ["us-application-1.xml", "us-application-3.xml", "ep-b1-st36.xml", "jp-gazette-1.xml", "cn-old-1.xml"]

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var folder: URL { packageRoot.appendingPathComponent("../shared/patents").standardized }

    static func url(_ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("patent fixture missing: \(url.path) (the shared patent corpus is not on this machine)")
        }
        return url
    }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(name))) }
}
