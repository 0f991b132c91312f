import Foundation

/// `.npz` (Marian, `numpy.savez`): a zip archive of stored `.npy` members. Opening reads the
/// zip central directory (zip64 too: numpy writes `force_zip64` local headers), each member's
/// local header and `.npy` header, and checks every offset and size against the file; it reads
/// no tensor data.
extension MappedWeights {
    public static func openNPZ(_ url: URL) throws -> MappedWeights {
        let file = try MappedFile(path: url.path)
        let entries = try NPZReader(file: file).read()
        return MappedWeights(format: .npz, location: file.path, files: [file], entries: entries)
    }

    /// The raw `.npy` bytes of every member, in archive order (tests rebuild archives from these).
    static func npzMembers(_ url: URL) throws -> [(name: String, npy: [UInt8])] {
        let file = try MappedFile(path: url.path)
        let reader = NPZReader(file: file)
        return try reader.centralDirectory().map { member in
            (member.name, file.bytes(member.dataRange))
        }
    }
}

struct NPZReader {
    let file: MappedFile
    var path: String { file.path }

    struct Member {
        let name: String
        let dataRange: Range<Int>
        let crc32: UInt32
    }

    private static let localSignature: UInt64 = 0x0403_4B50
    private static let centralSignature: UInt64 = 0x0201_4B50
    private static let endSignature: UInt64 = 0x0605_4B50
    private static let zip64EndSignature: UInt64 = 0x0606_4B50
    private static let zip64LocatorSignature: UInt64 = 0x0706_4B50

    private func u16(_ offset: Int) -> Int { Int(file.littleEndian(at: offset, width: 2)) }
    private func u32(_ offset: Int) -> UInt64 { file.littleEndian(at: offset, width: 4) }
    private func u64(_ offset: Int) -> UInt64 { file.littleEndian(at: offset, width: 8) }

    func read() throws -> [String: MappedWeights.Entry] {
        var entries: [String: MappedWeights.Entry] = [:]
        for member in try centralDirectory() {
            guard member.name.hasSuffix(".npy") else {
                throw WeightFileError.corruptTensor(file: path, tensor: member.name, problem: "the archive member is not a .npy array")
            }
            let name = String(member.name.dropLast(4))
            let array = try NPYHeader.parse(file: file, member: member.dataRange, tensor: name)
            guard entries[name] == nil else { throw WeightFileError.duplicateTensor(file: path, tensor: name) }
            entries[name] = MappedWeights.Entry(file: 0, range: array.dataRange, dtype: array.dtype, shape: array.shape,
                                                zipMember: .init(range: member.dataRange, crc32: member.crc32))
        }
        return entries
    }

    /// Every member of the archive, validated against the file: central directory, zip64
    /// extras, local headers and data ranges.
    func centralDirectory() throws -> [Member] {
        guard file.size > 0 else { throw WeightFileError.corrupt(file: path, problem: "the file is empty") }
        guard let end = findEndOfCentralDirectory() else { throw diagnoseMissingDirectory() }

        guard u16(end + 4) == 0, u16(end + 6) == 0 else {
            throw WeightFileError.corrupt(file: path, problem: "multi-disk zip archives are not supported")
        }
        var count = UInt64(u16(end + 10))
        var directorySize = u32(end + 12)
        var directoryOffset = u32(end + 16)
        var directoryLimit = end
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // zip64: a locator right before the end record points at the zip64 end record.
            let locator = end - 20
            guard locator >= 56, u32(locator) == Self.zip64LocatorSignature else {
                throw WeightFileError.corrupt(file: path, problem: "the end-of-directory record asks for zip64 but there is no zip64 locator before it")
            }
            let record64 = u64(locator + 8)
            guard record64 <= UInt64(locator - 56), u32(Int(record64)) == Self.zip64EndSignature else {
                throw WeightFileError.corrupt(file: path, problem: "the zip64 end-of-directory record at byte \(record64) is missing or damaged")
            }
            let record = Int(record64)
            count = u64(record + 32)
            directorySize = u64(record + 40)
            directoryOffset = u64(record + 48)
            directoryLimit = record
        }
        guard directoryOffset <= UInt64(directoryLimit), directorySize <= UInt64(directoryLimit) - directoryOffset else {
            throw WeightFileError.corrupt(file: path, problem: "the zip central directory (\(directorySize) bytes at byte \(directoryOffset)) lies outside the file (\(file.size) bytes): truncated or damaged")
        }
        // Each directory entry needs 46 bytes at least; a count beyond that is corrupt.
        guard count <= directorySize / 46 else {
            throw WeightFileError.corrupt(file: path, problem: "the zip directory claims \(count) members in \(directorySize) bytes")
        }

        var members: [Member] = []
        members.reserveCapacity(Int(count))
        var p = Int(directoryOffset)
        let directoryEnd = Int(directoryOffset + directorySize)
        for index in 0..<Int(count) {
            guard p + 46 <= directoryEnd, u32(p) == Self.centralSignature else {
                throw WeightFileError.corrupt(file: path, problem: "zip directory entry \(index) at byte \(p) is damaged")
            }
            let flags = u16(p + 8)
            let method = u16(p + 10)
            let crc = UInt32(u32(p + 16))
            var compressed = u32(p + 20)
            var uncompressed = u32(p + 24)
            let nameLength = u16(p + 28)
            let extraLength = u16(p + 30)
            let commentLength = u16(p + 32)
            var localOffset = u32(p + 42)
            let next = p + 46 + nameLength + extraLength + commentLength
            guard next <= directoryEnd else {
                throw WeightFileError.corrupt(file: path, problem: "zip directory entry \(index) runs past the directory")
            }
            let nameBytes = file.bytes((p + 46)..<(p + 46 + nameLength))
            guard let name = utf8String(nameBytes) else {
                throw WeightFileError.corrupt(file: path, problem: "zip directory entry \(index) has a name that is not UTF-8")
            }
            // zip64 extended information (header id 1): the 8-byte values of the fields that are 0xFFFFFFFF, in order.
            var extra = p + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(extra)
                let size = u16(extra + 2)
                guard extra + 4 + size <= extraEnd else {
                    throw WeightFileError.corruptTensor(file: path, tensor: name, problem: "zip extra field runs past its entry")
                }
                if id == 1 {
                    var q = extra + 4
                    func take() throws -> UInt64 {
                        guard q + 8 <= extra + 4 + size else {
                            throw WeightFileError.corruptTensor(file: path, tensor: name, problem: "zip64 extra field is too short")
                        }
                        defer { q += 8 }
                        return u64(q)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try take() }
                    if compressed == 0xFFFF_FFFF { compressed = try take() }
                    if localOffset == 0xFFFF_FFFF { localOffset = try take() }
                }
                extra += 4 + size
            }
            if flags & 1 != 0 {
                throw WeightFileError.unsupportedFeature(file: path, tensor: name, problem: "the zip member is encrypted")
            }
            if method != 0 {
                let what = method == 8 ? "deflate-compressed (numpy.savez_compressed)" : "compressed with zip method \(method)"
                throw WeightFileError.unsupportedFeature(file: path, tensor: name, problem: "the zip member is \(what); only stored members (numpy.savez, Marian) can be memory-mapped; re-save the archive uncompressed")
            }
            guard compressed == uncompressed else {
                throw WeightFileError.corruptTensor(file: path, tensor: name, problem: "stored member has compressed size \(compressed) but uncompressed size \(uncompressed)")
            }
            // The local header: its name and extra lengths place the data.
            guard file.size >= 30, localOffset <= UInt64(file.size - 30), u32(Int(localOffset)) == Self.localSignature else {
                throw WeightFileError.corruptTensor(file: path, tensor: name, problem: "no local zip header at byte \(localOffset)")
            }
            let local = Int(localOffset)
            let localName = u16(local + 26)
            let localExtra = u16(local + 28)
            let dataStart = local + 30 + localName + localExtra
            guard dataStart <= file.size else {
                throw WeightFileError.truncated(file: path, tensor: name, problem: "its local zip header runs past the end of the file")
            }
            guard file.bytes((local + 30)..<(local + 30 + localName)) == nameBytes else {
                throw WeightFileError.corruptTensor(file: path, tensor: name, problem: "the local zip header names a different member")
            }
            guard compressed <= UInt64(file.size - dataStart) else {
                throw WeightFileError.truncated(file: path, tensor: name, problem: "its \(compressed) bytes at byte \(dataStart) run past the end of the file (\(file.size) bytes)")
            }
            members.append(Member(name: name, dataRange: dataStart..<(dataStart + Int(compressed)), crc32: crc))
            p = next
        }
        // Members must not overlap one another or the directory.
        let sorted = members.sorted { $0.dataRange.lowerBound < $1.dataRange.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.dataRange.upperBound > b.dataRange.lowerBound {
            throw WeightFileError.corruptTensor(file: path, tensor: b.name, problem: "its data overlaps member '\(a.name)'")
        }
        if let last = sorted.last, last.dataRange.upperBound > Int(directoryOffset) {
            throw WeightFileError.corruptTensor(file: path, tensor: last.name, problem: "its data overlaps the zip central directory")
        }
        return members
    }

    /// The end-of-central-directory record: the last signature within 22 + 65535 bytes of the end.
    private func findEndOfCentralDirectory() -> Int? {
        guard file.size >= 22 else { return nil }
        let lowest = max(0, file.size - 22 - 0xFFFF)
        return file.withUnsafeBytes(lowest..<file.size) { raw -> Int? in
            var i = raw.count - 22
            while i >= 0 {
                if raw[i] == 0x50, raw[i + 1] == 0x4B, raw[i + 2] == 0x05, raw[i + 3] == 0x06 {
                    let comment = Int(raw[i + 20]) | Int(raw[i + 21]) << 8
                    if i + 22 + comment <= raw.count { return lowest + i }
                }
                i -= 1
            }
            return nil
        }
    }

    /// No directory at the end: walk the local headers from the start to say which member the
    /// file breaks off in (a truncated download or copy), or that it is no zip at all.
    private func diagnoseMissingDirectory() -> WeightFileError {
        guard file.size >= 4, u32(0) == Self.localSignature else {
            return .corrupt(file: path, problem: "not a zip/npz archive (no zip header at the start and no end-of-directory record)")
        }
        var p = 0
        var last: String?
        while p + 4 <= file.size, u32(p) == Self.localSignature {
            guard p + 30 <= file.size else { break }
            let nameLength = u16(p + 26)
            let extraLength = u16(p + 28)
            let nameEnd = min(file.size, p + 30 + nameLength)
            let name = String(decoding: file.bytes((p + 30)..<nameEnd), as: UTF8.self)
            let tensor = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            guard p + 30 + nameLength + extraLength <= file.size else {
                return .truncated(file: path, tensor: tensor, problem: "the file (\(file.size) bytes) ends inside its zip header")
            }
            var size = u32(p + 18)
            if size == 0xFFFF_FFFF {
                var extra = p + 30 + nameLength
                let extraEnd = extra + extraLength
                while extra + 4 <= extraEnd {
                    let id = u16(extra), length = u16(extra + 2)
                    if id == 1, length >= 16, extra + 20 <= extraEnd { size = u64(extra + 12) }
                    extra += 4 + length
                }
            }
            if u16(p + 6) & 8 != 0 && size == 0 {
                return .corrupt(file: path, problem: "no zip end-of-directory record (truncated?); the members use data descriptors, so the break cannot be located")
            }
            let dataStart = p + 30 + nameLength + extraLength
            guard size <= UInt64(file.size - dataStart) else {
                return .truncated(file: path, tensor: tensor, problem: "its data needs \(size) bytes from byte \(dataStart) but the file ends at byte \(file.size)")
            }
            last = tensor
            p = dataStart + Int(size)
        }
        return .truncated(file: path, tensor: last ?? "(none)", problem: "the zip directory after this last complete member is missing or cut off (file size \(file.size) bytes)")
    }
}

/// The `.npy` header: magic, version 1/2/3, and the Python-literal dict with `descr`,
/// `fortran_order` and `shape`.
struct NPYHeader {
    let dtype: WeightDType
    let shape: [Int]
    let dataRange: Range<Int>

    static func parse(file: MappedFile, member: Range<Int>, tensor: String) throws -> NPYHeader {
        let path = file.path
        func corrupt(_ problem: String) -> WeightFileError { .corruptTensor(file: path, tensor: tensor, problem: problem) }
        guard member.count >= 10 else { throw corrupt("the .npy member is \(member.count) bytes, shorter than an .npy header") }
        let prefix = file.bytes(member.lowerBound..<(member.lowerBound + min(12, member.count)))
        guard prefix.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else { throw corrupt("no .npy magic (\\x93NUMPY)") }
        let major = prefix[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            headerStart = 10
        case 2, 3:
            guard prefix.count >= 12 else { throw corrupt("the .npy member ends inside its header") }
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            headerStart = 12
        default:
            throw corrupt(".npy format version \(major).\(prefix[7]) is not 1, 2 or 3")
        }
        guard headerLength <= member.count - headerStart else {
            throw corrupt(".npy header of \(headerLength) bytes runs past the member (\(member.count) bytes)")
        }
        let headerBytes = file.bytes((member.lowerBound + headerStart)..<(member.lowerBound + headerStart + headerLength))
        let text = major == 3 ? utf8String(headerBytes) : String(headerBytes.map { Character(Unicode.Scalar($0)) })
        guard let text else { throw corrupt(".npy header is not UTF-8") }
        let dict: [String: PythonLiteral]
        do { dict = try PythonLiteral.parseDict(text) } catch let problem as PythonLiteral.ParseError {
            throw corrupt(".npy header \(text.trimmingCharacters(in: .whitespacesAndNewlines)) is not a Python dict literal: \(problem.message)")
        }
        guard case .string(let descr)? = dict["descr"] else { throw corrupt(".npy header has no 'descr' string") }
        guard case .bool(let fortran)? = dict["fortran_order"] else { throw corrupt(".npy header has no 'fortran_order' boolean") }
        guard case .tuple(let items)? = dict["shape"] else { throw corrupt(".npy header has no 'shape' tuple") }
        var shape: [Int] = []
        for item in items {
            guard case .int(let dimension) = item, dimension >= 0 else { throw corrupt(".npy shape \(items) is not a tuple of non-negative integers") }
            shape.append(dimension)
        }
        let dtype: WeightDType
        switch descr {
        case "<f4": dtype = .float32
        case "<f2": dtype = .float16
        case "<f8": dtype = .float64
        case "|u1", "<u1", "u1": dtype = .uint8
        case "|i1", "<i1", "i1": dtype = .int8
        case "|b1": dtype = .bool
        case "<i2": dtype = .int16
        case "<i4": dtype = .int32
        case "<i8": dtype = .int64
        default:
            throw WeightFileError.unsupportedDType(file: path, tensor: tensor, dtype: "'\(descr)'",
                                                   problem: "the readers support little-endian <f4, <f2 (and byte arrays |u1, |i1)")
        }
        if fortran && shape.filter({ $0 > 1 }).count > 1 {
            throw WeightFileError.unsupportedFeature(file: path, tensor: tensor, problem: ".npy array is in Fortran (column-major) order")
        }
        let dataStart = member.lowerBound + headerStart + headerLength
        guard let bytes = SizeMath.byteCount(shape, width: dtype.byteWidth) else {
            throw corrupt(".npy shape \(WeightFileError.format(shape)) overflows")
        }
        guard bytes == member.upperBound - dataStart else {
            throw corrupt(".npy header says shape \(WeightFileError.format(shape)) of \(descr) (\(bytes) bytes of data) but the member holds \(member.upperBound - dataStart) bytes")
        }
        return NPYHeader(dtype: dtype, shape: shape, dataRange: dataStart..<member.upperBound)
    }
}

/// The Python literals an `.npy` header dict uses: strings, booleans, integers, tuples.
enum PythonLiteral: Equatable, CustomStringConvertible {
    case string(String)
    case bool(Bool)
    case int(Int)
    case tuple([PythonLiteral])
    case none

    struct ParseError: Error { let message: String }

    var description: String {
        switch self {
        case .string(let s): return "'\(s)'"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .tuple(let items): return "(" + items.map(\.description).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .none: return "None"
        }
    }

    static func parseDict(_ text: String) throws -> [String: PythonLiteral] {
        var scanner = Scanner(Array(text.unicodeScalars))
        scanner.skipSpace()
        try scanner.expect("{")
        var dict: [String: PythonLiteral] = [:]
        while true {
            scanner.skipSpace()
            if scanner.consume("}") { break }
            guard case .string(let key) = try scanner.value() else { throw ParseError(message: "a key is not a string") }
            scanner.skipSpace()
            try scanner.expect(":")
            let value = try scanner.value()
            guard dict[key] == nil else { throw ParseError(message: "key '\(key)' appears twice") }
            dict[key] = value
            scanner.skipSpace()
            if scanner.consume(",") { continue }
            try scanner.expect("}")
            break
        }
        scanner.skipSpace()
        guard scanner.atEnd else { throw ParseError(message: "text after the closing brace") }
        return dict
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var i = 0
        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }
        var atEnd: Bool { i >= scalars.count }

        mutating func skipSpace() {
            while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
        }

        mutating func consume(_ c: Unicode.Scalar) -> Bool {
            if i < scalars.count, scalars[i] == c { i += 1; return true }
            return false
        }

        mutating func expect(_ c: Unicode.Scalar) throws {
            guard consume(c) else { throw ParseError(message: "expected '\(c)' at character \(i)") }
        }

        mutating func value() throws -> PythonLiteral {
            skipSpace()
            guard i < scalars.count else { throw ParseError(message: "unexpected end") }
            let c = scalars[i]
            if c == "'" || c == "\"" {
                i += 1
                var s = String.UnicodeScalarView()
                while i < scalars.count, scalars[i] != c {
                    if scalars[i] == "\\", i + 1 < scalars.count { i += 1 }
                    s.append(scalars[i]); i += 1
                }
                try expect(c)
                return .string(String(s))
            }
            if c == "(" {
                i += 1
                var items: [PythonLiteral] = []
                while true {
                    skipSpace()
                    if consume(")") { break }
                    items.append(try value())
                    skipSpace()
                    if consume(",") { continue }
                    try expect(")")
                    break
                }
                return .tuple(items)
            }
            var word = ""
            while i < scalars.count, scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i]) || scalars[i] == "-" || scalars[i] == "_" {
                word.unicodeScalars.append(scalars[i]); i += 1
            }
            // numpy writes `(3L,)`-style longs in old Python 2 files.
            if word.hasSuffix("L"), let n = Int(word.dropLast()) { return .int(n) }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default:
                if let n = Int(word) { return .int(n) }
                throw ParseError(message: "unexpected '\(word.isEmpty ? String(c) : word)' at character \(i)")
            }
        }
    }
}

/// The bytes as a String if they are valid UTF-8.
func utf8String(_ bytes: [UInt8]) -> String? {
    String(bytes: bytes, encoding: .utf8)
}
