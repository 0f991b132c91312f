import Foundation
import Tensor

/// The one `WeightSource` implementation: tensors at validated byte ranges of mapped files.
/// Built by `MappedWeights.open(_:)` (by file name), `openNPZ`, `openSafetensors` and
/// `openSafetensorsIndex`.
public final class MappedWeights: WeightSource {
    public enum Format: String, Sendable {
        case npz
        case safetensors
        case shardedSafetensors = "sharded safetensors"
    }

    struct Entry: Sendable {
        let file: Int
        /// Byte range of the data in the file (after any npy header).
        let range: Range<Int>
        let dtype: WeightDType
        let shape: [Int]
        /// The CRC-32 the zip directory records for the whole member (npz only).
        let zipMember: ZipMember?
    }

    struct ZipMember: Sendable {
        let range: Range<Int>
        let crc32: UInt32
    }

    public let format: Format
    public let location: String
    public let names: [String]
    /// `__metadata__` of a safetensors file (merged over shards); empty for npz.
    public let metadata: [String: String]
    let files: [MappedFile]
    let entries: [String: Entry]

    init(format: Format, location: String, files: [MappedFile], entries: [String: Entry], metadata: [String: String] = [:]) {
        self.format = format
        self.location = location
        self.files = files
        self.entries = entries
        self.names = entries.keys.sorted()
        self.metadata = metadata
    }

    /// Opens `.npz`, `.safetensors` or `*.safetensors.index.json` by its name.
    public static func open(_ url: URL) throws -> MappedWeights {
        let path = url.path
        if path.hasSuffix(".npz") { return try openNPZ(url) }
        if path.hasSuffix(".safetensors") { return try openSafetensors(url) }
        if path.hasSuffix(".index.json") { return try openSafetensorsIndex(url) }
        throw WeightFileError.corrupt(file: path, problem: "not a weight file this reader knows (.npz, .safetensors, .safetensors.index.json)")
    }

    public func info(_ name: String) -> TensorInfo? {
        guard let entry = entries[name] else { return nil }
        return TensorInfo(name: name, dtype: entry.dtype, shape: entry.shape, file: files[entry.file].path,
                          isDirectlyMapped: entry.dtype == .float32 && entry.range.lowerBound % MemoryLayout<Float>.alignment == 0)
    }

    private func entry(_ name: String) throws -> Entry {
        guard let entry = entries[name] else { throw WeightFileError.noSuchTensor(file: location, tensor: name) }
        return entry
    }

    public func withUnsafeRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let entry = try entry(name)
        return try files[entry.file].withUnsafeBytes(entry.range, body)
    }

    public func releasePages(_ name: String) {
        guard let entry = entries[name] else { return }
        files[entry.file].releasePages(entry.range)
    }

    public func tensor(_ name: String) throws -> Tensor {
        let entry = try entry(name)
        let count = entry.shape.reduce(1, *)
        let storage = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try files[entry.file].withUnsafeBytes(entry.range) { raw in
                try Self.convert(raw, entry: entry, name: name, file: files[entry.file].path, into: buffer)
            }
            initialized = count
        }
        return Tensor(shape: entry.shape, storage: storage)
    }

    public func withUnsafeFloats<R>(_ name: String, _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        let entry = try entry(name)
        let file = files[entry.file]
        return try file.withUnsafeBytes(entry.range) { raw in
            if entry.dtype == .float32, UInt(bitPattern: raw.baseAddress) % UInt(MemoryLayout<Float>.alignment) == 0 {
                // The mapping itself: no copy.
                return try raw.withMemoryRebound(to: Float.self, body)
            }
            let count = entry.shape.reduce(1, *)
            let copy = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                try Self.convert(raw, entry: entry, name: name, file: file.path, into: buffer)
                initialized = count
            }
            return try copy.withUnsafeBufferPointer(body)
        }
    }

    private static func convert(_ raw: UnsafeRawBufferPointer, entry: Entry, name: String, file: String,
                                into buffer: UnsafeMutableBufferPointer<Float>) throws {
        let count = buffer.count
        switch entry.dtype {
        case .float32:
            precondition(raw.count == count * 4)
            if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
        case .float16:
            for i in 0..<count { buffer[i] = floatFromHalf(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .bfloat16:
            for i in 0..<count { buffer[i] = floatFromBFloat16(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        default:
            throw WeightFileError.unsupportedDType(file: file, tensor: name, dtype: entry.dtype.rawValue,
                                                   problem: "expected a float tensor (F32, F16 or BF16)")
        }
    }

    /// Reads every npz member and compares it with the CRC-32 its zip directory records (the
    /// one check opening skips, because it reads all the data). Safetensors carry no checksum.
    public func verifyChecksums() throws {
        for name in names {
            guard let entry = entries[name], let member = entry.zipMember else { continue }
            let crc = files[entry.file].withUnsafeBytes(member.range) { CRC32.checksum($0) }
            if crc != member.crc32 {
                throw WeightFileError.corruptTensor(file: files[entry.file].path, tensor: name,
                                                    problem: "CRC-32 \(hex(crc)) does not match the zip directory's \(hex(member.crc32))")
            }
        }
    }

    private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16, uppercase: false) }
}

/// Checked arithmetic for sizes read from untrusted headers.
enum SizeMath {
    /// The product of `shape` times `width`, or nil on overflow or a negative dimension.
    static func byteCount(_ shape: [Int], width: Int) -> Int? {
        var total = width
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            total = product
        }
        return total
    }
}

/// CRC-32 (IEEE, reflected, as zip uses).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
