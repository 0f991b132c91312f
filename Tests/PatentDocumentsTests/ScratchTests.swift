import Foundation
@testable import PatentDocuments
import XCTest

final class ScratchTests: XCTestCase {
    func testDump() throws {
        for name in SharedPatents.names {
            let doc = try PatentDocument.read(contentsOf: SharedPatents.url(name))
            print("== \(name) \(doc.format) lang=\(doc.languageCode ?? "-") ipc=\(doc.ipcClasses) units=\(doc.units.count)")
            var kinds: [UnitKind: Int] = [:]
            for u in doc.units { kinds[u.kind, default: 0] += 1 }
            print(kinds)
            for u in doc.units.prefix(6) + doc.units.filter({ $0.kind == .claim }).prefix(4) + doc.units.filter({ $0.kind == .tableCell }).prefix(2) {
                print("  [\(u.id)] \(u.kind) \(u.language ?? "-") \(u.path) :: \(u.text.prefix(160).debugDescription) ph=\(u.placeholders.count)")
            }
        }
    }
}
