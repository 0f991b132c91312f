import Foundation
import XCTest
@testable import Transformer

/// Fixture paths, temporary folders, and small writers for the weight formats (so corrupt and
/// edited files are made in the test, without Python).
enum Fixtures {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/models").standardized

    static let variants = ["joint-tied-postnorm-relu", "joint-tied-prenorm-relu-multitarget",
                           "separate-tied-postnorm-gelu", "separate-untied-prenorm-swish"]
    static let withHuggingFace = ["joint-tied-postnorm-relu", "separate-tied-postnorm-gelu"]

    static func marian(_ variant: String) -> URL { models.appendingPathComponent(variant).appendingPathComponent("marian") }
    static func huggingFace(_ variant: String) -> URL { models.appendingPathComponent(variant).appendingPathComponent("hf") }

    static func variantFacts(_ variant: String) throws -> [String: Any] {
        let data = try Data(contentsOf: models.appendingPathComponent(variant).appendingPathComponent("variant.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

extension XCTestCase {
    /// A fresh folder removed after the test.
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pmt-transformer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A copy of a fixture folder to damage.
    func copyOf(_ folder: URL) throws -> URL {
        let copy = try temporaryFolder().appendingPathComponent(folder.lastPathComponent)
        try FileManager.default.copyItem(at: folder, to: copy)
        return copy
    }

    /// Asserts that `body` throws and that the message contains every string of `parts`.
    func assertError<T>(_ body: @autoclosure () throws -> T, mentions parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            let message = "\(error)"
            for part in parts {
                XCTAssertTrue(message.contains(part), "'\(message)' does not mention '\(part)'", file: file, line: line)
            }
        }
    }
}

func truncate(_ url: URL, to size: Int) throws {
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: UInt64(size))
    try handle.close()
}

func fileSize(_ url: URL) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? -1
}

/// Little-endian byte writing.
struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u16(_ v: Int) { for i in 0..<2 { bytes.append(UInt8((v >> (8 * i)) & 0xFF)) } }
    mutating func u32(_ v: UInt64) { for i in 0..<4 { bytes.append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) } }
    mutating func append(_ b: [UInt8]) { bytes += b }
}

/// `.npy` v1 members as numpy writes them (header padded so the data starts at a multiple of 64).
enum NPY {
    static func member(descr: String, shape: [Int], data: [UInt8]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var w = ByteWriter()
        w.append([0x93] + Array("NUMPY".utf8) + [1, 0])
        w.u16(header.utf8.count)
        w.append(Array(header.utf8))
        w.append(data)
        return w.bytes
    }

    static func floats(_ values: [Float], shape: [Int]) -> [UInt8] {
        member(descr: "<f4", shape: shape, data: values.withUnsafeBytes { Array($0) })
    }

    /// Marian's `special:model.yml`: the text as int8 with a trailing NUL.
    static func modelYAML(_ text: String) -> [UInt8] {
        let data = Array(text.utf8) + [0]
        return member(descr: "|i1", shape: [data.count], data: data)
    }
}

/// A zip of stored members: plain, or zip64 throughout (local and central extras, zip64 end
/// records), as numpy's `force_zip64` and large archives write them.
enum TestZip {
    static func archive(_ members: [(name: String, data: [UInt8])], zip64: Bool = false, method: Int = 0) -> [UInt8] {
        var w = ByteWriter()
        var central = ByteWriter()
        for member in members {
            let name = Array(member.name.utf8)
            let crc = UInt64(member.data.withUnsafeBytes { CRC32.checksum($0) })
            let offset = UInt64(w.bytes.count)
            let size = UInt64(member.data.count)
            // local header
            w.u32(0x0403_4B50); w.u16(zip64 ? 45 : 20); w.u16(0); w.u16(method); w.u16(0); w.u16(0x21)
            w.u32(crc)
            w.u32(zip64 ? 0xFFFF_FFFF : size); w.u32(zip64 ? 0xFFFF_FFFF : size)
            w.u16(name.count); w.u16(zip64 ? 20 : 0)
            w.append(name)
            if zip64 { w.u16(1); w.u16(16); w.u64(size); w.u64(size) }
            w.append(member.data)
            // central entry
            central.u32(0x0201_4B50); central.u16(45); central.u16(zip64 ? 45 : 20); central.u16(0); central.u16(method)
            central.u16(0); central.u16(0x21); central.u32(crc)
            central.u32(zip64 ? 0xFFFF_FFFF : size); central.u32(zip64 ? 0xFFFF_FFFF : size)
            central.u16(name.count); central.u16(zip64 ? 28 : 0); central.u16(0); central.u16(0); central.u16(0); central.u32(0)
            central.u32(zip64 ? 0xFFFF_FFFF : offset)
            central.append(name)
            if zip64 { central.u16(1); central.u16(24); central.u64(size); central.u64(size); central.u64(offset) }
        }
        let directoryOffset = UInt64(w.bytes.count)
        let directorySize = UInt64(central.bytes.count)
        w.append(central.bytes)
        if zip64 {
            let record = UInt64(w.bytes.count)
            w.u32(0x0606_4B50); w.u64(44); w.u16(45); w.u16(45); w.u32(0); w.u32(0)
            w.u64(UInt64(members.count)); w.u64(UInt64(members.count)); w.u64(directorySize); w.u64(directoryOffset)
            w.u32(0x0706_4B50); w.u32(0); w.u64(record); w.u32(1)
        }
        w.u32(0x0605_4B50); w.u16(0); w.u16(0)
        w.u16(zip64 ? 0xFFFF : members.count); w.u16(zip64 ? 0xFFFF : members.count)
        w.u32(zip64 ? 0xFFFF_FFFF : directorySize); w.u32(zip64 ? 0xFFFF_FFFF : directoryOffset)
        w.u16(0)
        return w.bytes
    }

    /// The npz of `members` (tensor names without `.npy`).
    static func npz(_ members: [(name: String, npy: [UInt8])], zip64: Bool = false) -> [UInt8] {
        archive(members.map { ($0.name + ".npy", $0.npy) }, zip64: zip64)
    }
}

/// Rebuilding a fixture npz with edits.
func rewriteNPZ(_ url: URL, _ edit: (inout [(name: String, npy: [UInt8])]) throws -> Void) throws {
    var members = try MappedWeights.npzMembers(url).map { (name: String($0.name.dropLast(4)), npy: $0.npy) }
    try edit(&members)
    try Data(TestZip.npz(members)).write(to: url)
}

/// The Marian config text of an npz.
func modelYAMLText(_ url: URL) throws -> String {
    let weights = try MappedWeights.openNPZ(url)
    let bytes = try weights.withUnsafeRawBytes("special:model.yml") { Array($0) }
    return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
}

func replaceModelYAML(in url: URL, _ edit: (String) -> String) throws {
    let text = try modelYAMLText(url)
    let edited = edit(text)
    precondition(edited != text, "the edit changed nothing")
    try rewriteNPZ(url) { members in
        let i = members.firstIndex { $0.name == "special:model.yml" }!
        members[i].npy = NPY.modelYAML(edited)
    }
}

/// A safetensors file of `tensors` in order (offsets contiguous), with an optional metadata dict.
enum TestSafetensors {
    struct Item {
        var name: String
        var dtype: String
        var shape: [Int]
        var data: [UInt8]
    }

    static func file(_ items: [Item], metadata: [String: String]? = ["format": "pt"], headerShapes: [String: [Int]] = [:]) -> [UInt8] {
        var header: [String] = []
        if let metadata {
            header.append("\"__metadata__\":{" + metadata.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",") + "}")
        }
        var offset = 0
        for item in items {
            let shape = headerShapes[item.name] ?? item.shape
            header.append("\"\(item.name)\":{\"dtype\":\"\(item.dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + item.data.count)]}")
            offset += item.data.count
        }
        var text = "{" + header.joined(separator: ",") + "}"
        while (8 + text.utf8.count) % 8 != 0 { text += " " }
        var w = ByteWriter()
        w.u64(UInt64(text.utf8.count))
        w.append(Array(text.utf8))
        for item in items { w.append(item.data) }
        return w.bytes
    }

    /// The tensors of a safetensors file, in data order.
    static func items(of url: URL) throws -> [Item] {
        let weights = try MappedWeights.openSafetensors(url)
        return try weights.names.map { name -> (Int, Item) in
            let entry = weights.entries[name]!
            let data = try weights.withUnsafeRawBytes(name) { Array($0) }
            return (entry.range.lowerBound, Item(name: name, dtype: entry.dtype.rawValue, shape: entry.shape, data: data))
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// FNV-1a 64 over each token's UTF-8 bytes followed by a NUL (the goldens' hash).
func fnv1a(_ tokens: [String]) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for token in tokens {
        for byte in Array(token.utf8) + [0] {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
    }
    return hash
}

/// The pieces of a SentencePiece `.model` with their types, read straight from the protobuf
/// (ModelProto field 1 = SentencePiece {1: piece, 3: type}); enough for structural checks.
enum SentencePiecePieces {
    enum Kind: Int { case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6 }

    static func read(_ url: URL) throws -> [(piece: String, kind: Kind)] {
        let bytes = [UInt8](try Data(contentsOf: url))
        var pieces: [(String, Kind)] = []
        var i = 0
        func varint(_ bytes: [UInt8], _ i: inout Int) -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = bytes[i]; i += 1
                value |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return value }
                shift += 7
            }
        }
        while i < bytes.count {
            let key = varint(bytes, &i)
            let field = key >> 3, wire = key & 7
            switch wire {
            case 0: _ = varint(bytes, &i)
            case 1: i += 8
            case 5: i += 4
            case 2:
                let length = Int(varint(bytes, &i))
                let body = Array(bytes[i..<(i + length)])
                i += length
                guard field == 1 else { continue }
                var j = 0
                var piece = ""
                var kind = Kind.normal
                while j < body.count {
                    let k = varint(body, &j)
                    switch k & 7 {
                    case 0:
                        let v = varint(body, &j)
                        if k >> 3 == 3 { kind = Kind(rawValue: Int(v)) ?? .normal }
                    case 1: j += 8
                    case 5: j += 4
                    case 2:
                        let n = Int(varint(body, &j))
                        if k >> 3 == 1 { piece = String(decoding: body[j..<(j + n)], as: UTF8.self) }
                        j += n
                    default: throw NSError(domain: "spm", code: 1)
                    }
                }
                pieces.append((piece, kind))
            default:
                throw NSError(domain: "spm", code: 2, userInfo: [NSLocalizedDescriptionKey: "wire type \(wire)"])
            }
        }
        return pieces
    }
}

/// Resident set size of this process in bytes (Linux `/proc/self/statm`), or nil elsewhere.
func residentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
