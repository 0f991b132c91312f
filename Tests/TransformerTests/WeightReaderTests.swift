import Foundation
import XCTest
import Tensor
@testable import Transformer

/// The npz and safetensors readers on files written by their reference writers (numpy,
/// the fixture script's safetensors) and on files this test writes or damages.
final class WeightReaderTests: XCTestCase {
    /// Written by numpy 2.4.6's `np.savez` (which writes zip64 local headers with 0xFFFFFFFF
    /// sizes, `force_zip64`); regenerate with:
    /// .venv/bin/python -c "import numpy as np, io, base64; b=io.BytesIO(); np.savez(b,
    ///   w=np.arange(6,dtype='<f4').reshape(2,3)/4, h=np.array([1.5,-2,65504,6e-8],dtype='<f2'),
    ///   **{'special:model.yml': np.frombuffer(b'dim-emb: 4\n\0',dtype=np.int8)}, s=np.float32(7));
    ///   print(base64.b64encode(b.getvalue()).decode())"
    static let numpySavez = """
        UEsDBC0AAAAAAAAAIQAKnACk//////////8FABQAdy5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzog\
        JzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAzKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAg\
        ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAgD4AAAA/AABAPwAAgD8AAKA/UEsDBC0AAAAAAAAAIQBxXwJF\
        //////////8FABQAaC5ucHkBABAAiAAAAAAAAACIAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmMicsICdmb3J0cmFuX29y\
        ZGVyJzogRmFsc2UsICdzaGFwZSc6ICg0LCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg\
        ICAgICAgICAgICAgICAKAD4AwP97AQBQSwMELQAAAAAAAAAhAE1QIQ7//////////xUAFABzcGVjaWFsOm1vZGVsLnltbC5ucHkB\
        ABAAjAAAAAAAAACMAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJ3xpMScsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFw\
        ZSc6ICgxMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKZGlt\
        LWVtYjogNAoAUEsDBC0AAAAAAAAAIQAqW9gI//////////8FABQAcy5ucHkBABAAhAAAAAAAAACEAAAAAAAAAJNOVU1QWQEAdgB7\
        J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgpLCB9ICAgICAgICAgICAgICAgICAgICAg\
        ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAADgQFBLAQItAy0AAAAAAAAAIQAKnACkmAAAAJgAAAAF\
        AAAAAAAAAAAAAACAAQAAAAB3Lm5weVBLAQItAy0AAAAAAAAAIQBxXwJFiAAAAIgAAAAFAAAAAAAAAAAAAACAAc8AAABoLm5weVBL\
        AQItAy0AAAAAAAAAIQBNUCEOjAAAAIwAAAAVAAAAAAAAAAAAAACAAY4BAABzcGVjaWFsOm1vZGVsLnltbC5ucHlQSwECLQMtAAAA\
        AAAAACEAKlvYCIQAAACEAAAABQAAAAAAAAAAAAAAgAFhAgAAcy5ucHlQSwUGAAAAAAQABADcAAAAHAMAAAAA
        """

    private func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> [UInt8] {
        let o = Array(old.utf8), n = Array(new.utf8)
        precondition(o.count == n.count)
        var out = bytes
        let start = (0...(bytes.count - o.count)).first { Array(bytes[$0..<($0 + o.count)]) == o }!
        out.replaceSubrange(start..<(start + o.count), with: n)
        return out
    }

    private func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = try temporaryFolder().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func testReadsWhatNumpySavezWrites() throws {
        let url = try write([UInt8](try XCTUnwrap(Data(base64Encoded: Self.numpySavez))), "numpy.npz")
        let weights = try MappedWeights.openNPZ(url)
        XCTAssertEqual(weights.names, ["h", "s", "special:model.yml", "w"])
        XCTAssertEqual(weights.info("w")?.shape, [2, 3])
        XCTAssertEqual(weights.info("w")?.dtype, .float32)
        XCTAssertEqual(try weights.tensor("w"), Tensor(shape: [2, 3], storage: [0, 0.25, 0.5, 0.75, 1, 1.25]))
        // float16 with a subnormal (2^-24) and the largest finite half.
        XCTAssertEqual(try weights.tensor("h").storage, [1.5, -2, 65504, 0x1p-24])
        XCTAssertEqual(try weights.tensor("s"), Tensor(shape: [], storage: [7]))
        XCTAssertEqual(weights.info("special:model.yml")?.dtype, .int8)
        XCTAssertEqual(try weights.withUnsafeRawBytes("special:model.yml") { Array($0) }, Array("dim-emb: 4\n\0".utf8))
        XCTAssertEqual(try weights.withUnsafeFloats("w") { Array($0) }, [0, 0.25, 0.5, 0.75, 1, 1.25])
        // The CRC-32s numpy wrote match the data.
        XCTAssertNoThrow(try weights.verifyChecksums())
        assertError(try weights.tensor("special:model.yml"), mentions: ["special:model.yml", "I8", url.path])
        assertError(try weights.tensor("nope"), mentions: ["'nope'", url.path])
    }

    func testZip64DirectoryAndChecksums() throws {
        let members = [(name: "a", npy: NPY.floats([1, 2, 3, 4, 5, 6], shape: [3, 2])),
                       (name: "b_bias", npy: NPY.floats([9], shape: [1, 1]))]
        for zip64 in [false, true] {
            let url = try write(TestZip.npz(members, zip64: zip64), "z\(zip64).npz")
            let weights = try MappedWeights.openNPZ(url)
            XCTAssertEqual(weights.names, ["a", "b_bias"], "zip64 \(zip64)")
            XCTAssertEqual(try weights.tensor("a"), Tensor(shape: [3, 2], storage: [1, 2, 3, 4, 5, 6]))
            XCTAssertNoThrow(try weights.verifyChecksums())
            // One flipped data byte: opening still works (no data is read), the checksum catches it.
            var bytes = [UInt8](try Data(contentsOf: url))
            let data = try XCTUnwrap(weights.entries["a"]).range.lowerBound
            bytes[data] ^= 0x40
            let damaged = try write(bytes, "damaged\(zip64).npz")
            assertError(try MappedWeights.openNPZ(damaged).verifyChecksums(), mentions: [damaged.path, "'a'", "CRC-32"])
        }
    }

    func testMisalignedNPZDataIsCopiedAlignedDataIsMapped() throws {
        // A 1-byte name puts the first member's data at an odd zip offset.
        let url = try write(TestZip.npz([(name: "x", npy: NPY.floats([1, 2, 3], shape: [3]))]), "odd.npz")
        let weights = try MappedWeights.openNPZ(url)
        let info = try XCTUnwrap(weights.info("x"))
        XCTAssertNotEqual(weights.entries["x"]!.range.lowerBound % 4, 0, "the test needs a misaligned member")
        XCTAssertFalse(info.isDirectlyMapped)
        let raw = try weights.withUnsafeRawBytes("x") { UInt(bitPattern: $0.baseAddress) }
        try weights.withUnsafeFloats("x") { floats in
            XCTAssertEqual(Array(floats), [1, 2, 3])
            XCTAssertNotEqual(UInt(bitPattern: floats.baseAddress), raw, "a misaligned member must be handed out as an aligned copy")
            XCTAssertEqual(UInt(bitPattern: floats.baseAddress) % 4, 0)
        }
    }

    func testSafetensorsWithinTheMappingWithoutCopy() throws {
        let url = Fixtures.huggingFace("joint-tied-postnorm-relu").appendingPathComponent("model.safetensors")
        let weights = try MappedWeights.openSafetensors(url)
        XCTAssertEqual(weights.metadata, ["format": "pt"])
        let info = try XCTUnwrap(weights.info("model.shared.weight"))
        XCTAssertEqual(info.shape, [1000, 24])
        XCTAssertTrue(info.isDirectlyMapped)
        // The pointer handed out lies inside the file mapping: no copy was made.
        let raw = try weights.withUnsafeRawBytes("model.shared.weight") { UInt(bitPattern: $0.baseAddress) }
        let floats = try weights.withUnsafeFloats("model.shared.weight") { UInt(bitPattern: $0.baseAddress) }
        XCTAssertEqual(raw, floats)
        // The same values through `tensor` (a copy).
        let tensor = try weights.tensor("model.shared.weight")
        try weights.withUnsafeFloats("model.shared.weight") { XCTAssertEqual(Array($0), tensor.storage) }
        // The appended <pad> row (the last) is zero, as the fixture README says.
        XCTAssertEqual(Array(tensor.storage.suffix(24)), [Float](repeating: 0, count: 24))
    }

    func testSafetensorsHalfPrecisionAndShards() throws {
        let folder = try temporaryFolder()
        let half: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00]   // 1, -2, 65504, 2^-24, +inf
        let bf16: [UInt16] = [0x3F80, 0xC040, 0x4049]                    // 1, -3, 3.140625
        let first = TestSafetensors.file([
            .init(name: "h", dtype: "F16", shape: [5], data: half.withUnsafeBytes { Array($0) }),
            .init(name: "b", dtype: "BF16", shape: [3], data: bf16.withUnsafeBytes { Array($0) }),
        ])
        let second = TestSafetensors.file([
            .init(name: "f", dtype: "F32", shape: [2], data: [Float(0.5), 4].withUnsafeBytes { Array($0) }),
        ], metadata: nil)
        try Data(first).write(to: folder.appendingPathComponent("model-00001-of-00002.safetensors"))
        try Data(second).write(to: folder.appendingPathComponent("model-00002-of-00002.safetensors"))
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        try Data("""
            {"metadata": {"total_size": 24}, "weight_map": {"h": "model-00001-of-00002.safetensors",
             "b": "model-00001-of-00002.safetensors", "f": "model-00002-of-00002.safetensors"}}
            """.utf8).write(to: index)
        let weights = try MappedWeights.open(index)
        XCTAssertEqual(weights.format, .shardedSafetensors)
        XCTAssertEqual(weights.names, ["b", "f", "h"])
        XCTAssertEqual(try weights.tensor("h").storage, [1, -2, 65504, 0x1p-24, .infinity])
        XCTAssertEqual(try weights.tensor("b").storage, [1, -3, 3.140625])
        XCTAssertEqual(try weights.withUnsafeFloats("h") { Array($0) }, [1, -2, 65504, 0x1p-24, .infinity])
        XCTAssertEqual(try weights.tensor("f").storage, [0.5, 4])
        XCTAssertTrue(weights.info("f")!.file.hasSuffix("model-00002-of-00002.safetensors"))

        // The index names a tensor its shard lacks.
        try Data("""
            {"weight_map": {"h": "model-00001-of-00002.safetensors", "f": "model-00001-of-00002.safetensors"}}
            """.utf8).write(to: index)
        assertError(try MappedWeights.open(index), mentions: ["'f'", "model-00001-of-00002.safetensors"])
        // The index names a shard that does not exist.
        try Data("""
            {"weight_map": {"h": "model-00003-of-00003.safetensors"}}
            """.utf8).write(to: index)
        assertError(try MappedWeights.open(index), mentions: ["model-00003-of-00003.safetensors", "'h'"])
    }

    func testTruncatedNPZNamesTheTensorItBreaksOffIn() throws {
        let original = Fixtures.marian("joint-tied-postnorm-relu").appendingPathComponent("model.npz")
        let names = Set(try MappedWeights.openNPZ(original).names)
        let size = try fileSize(original)
        for fraction in [0.1, 0.5, 0.97] {
            let url = try temporaryFolder().appendingPathComponent("model.npz")
            try FileManager.default.copyItem(at: original, to: url)
            try truncate(url, to: Int(Double(size) * fraction))
            XCTAssertThrowsError(try MappedWeights.openNPZ(url)) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix(url.path + ": tensor '"), message)
                XCTAssertTrue(message.contains("truncated"), message)
                let tensor = message.split(separator: "'")[1]
                XCTAssertTrue(names.contains(String(tensor)), "\(tensor) is not a tensor of the file: \(message)")
            }
        }
        // Cut inside the directory (the end record gone): names the last complete member.
        let url = try temporaryFolder().appendingPathComponent("model.npz")
        try FileManager.default.copyItem(at: original, to: url)
        try truncate(url, to: size - 30)
        assertError(try MappedWeights.openNPZ(url), mentions: [url.path, "tensor '", "directory"])
    }

    func testCorruptNPZHeadersNameTheTensor() throws {
        let good = NPY.floats([Float](repeating: 1, count: 6), shape: [2, 3])
        func open(_ npy: [UInt8], name: String = "enc_W") throws -> MappedWeights {
            try MappedWeights.openNPZ(try write(TestZip.npz([(name: "ok", npy: NPY.floats([1], shape: [1])), (name: name, npy: npy)]), "c.npz"))
        }
        XCTAssertNoThrow(try open(good))
        // A header shape that disagrees with the data it heads.
        let wrongShape = NPY.member(descr: "<f4", shape: [2, 4], data: Array(good.suffix(24)))
        assertError(try open(wrongShape), mentions: ["'enc_W'", "[2, 4]", "32 bytes", "24"])
        // Bad magic, an unknown version, a big-endian dtype, Fortran order, a damaged dict.
        var magic = good; magic[1] = UInt8(ascii: "X")
        assertError(try open(magic), mentions: ["'enc_W'", "magic"])
        var version = good; version[6] = 9
        assertError(try open(version), mentions: ["'enc_W'", "version 9"])
        assertError(try open(NPY.member(descr: ">f4", shape: [2, 3], data: Array(good.suffix(24)))), mentions: ["'enc_W'", ">f4"])
        assertError(try open(replacing("False", with: "True ", in: good)), mentions: ["'enc_W'", "Fortran"])
        var dict = good
        let brace = dict.firstIndex(of: UInt8(ascii: "{"))!
        dict[brace] = UInt8(ascii: "[")
        assertError(try open(dict), mentions: ["'enc_W'", "dict"])
        // A header longer than its member.
        assertError(try open(Array(good.prefix(40))), mentions: ["'enc_W'", "runs past"])
        // Not an .npy member, a deflated member, duplicate names.
        let other = try write(TestZip.archive([(name: "readme.txt", data: Array("hi".utf8))]), "o.npz")
        assertError(try MappedWeights.openNPZ(other), mentions: [other.path, "readme.txt", ".npy"])
        let deflated = try write(TestZip.archive([(name: "x.npy", data: good)], method: 8), "d.npz")
        assertError(try MappedWeights.openNPZ(deflated), mentions: [deflated.path, "'x.npy'", "deflate"])
        let twice = try write(TestZip.npz([(name: "x", npy: good), (name: "x", npy: good)]), "t.npz")
        assertError(try MappedWeights.openNPZ(twice), mentions: [twice.path, "'x'", "more than once"])
        // Empty, garbage, and missing files.
        let empty = try write([], "e.npz")
        assertError(try MappedWeights.openNPZ(empty), mentions: [empty.path, "empty"])
        let garbage = try write(Array("just some text, not a zip archive at all".utf8), "g.npz")
        assertError(try MappedWeights.openNPZ(garbage), mentions: [garbage.path, "not a zip"])
        assertError(try MappedWeights.openNPZ(URL(fileURLWithPath: "/nonexistent/m.npz")), mentions: ["/nonexistent/m.npz", "cannot read"])
    }

    func testTruncatedAndCorruptSafetensorsNameTheTensor() throws {
        let original = Fixtures.huggingFace("separate-tied-postnorm-gelu").appendingPathComponent("model.safetensors")
        let items = try TestSafetensors.items(of: original)
        XCTAssertEqual(TestSafetensors.file(items), [UInt8](try Data(contentsOf: original)), "the test writer reproduces the fixture byte for byte")

        // Truncated in the data: the first tensor whose bytes pass the end is named.
        let url = try temporaryFolder().appendingPathComponent("model.safetensors")
        try FileManager.default.copyItem(at: original, to: url)
        let size = try fileSize(original)
        try truncate(url, to: size - 5000)
        XCTAssertThrowsError(try MappedWeights.openSafetensors(url)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(url.path + ": tensor '"), message)
            XCTAssertTrue(message.contains("truncated"), message)
            let tensor = String(message.split(separator: "'")[1])
            XCTAssertTrue(items.contains { $0.name == tensor }, message)
        }
        // Truncated inside the header.
        try truncate(url, to: 100)
        assertError(try MappedWeights.openSafetensors(url), mentions: [url.path, "header", "runs past the end"])

        // A header shape that contradicts its data_offsets.
        let wrong = try write(TestSafetensors.file(items, headerShapes: ["model.decoder.layers.1.fc1.weight": [65, 24]]), "w.safetensors")
        assertError(try MappedWeights.openSafetensors(wrong), mentions: [wrong.path, "'model.decoder.layers.1.fc1.weight'", "[65, 24]"])
        // Unknown dtype, bad JSON, absurd header length.
        var odd = items
        odd[0].dtype = "Q7"
        let dtype = try write(TestSafetensors.file(odd), "q.safetensors")
        assertError(try MappedWeights.openSafetensors(dtype), mentions: [dtype.path, "'\(items[0].name)'", "Q7"])
        var bytes = TestSafetensors.file(items)
        let headerEnd = 8 + Int(bytes[0]) + Int(bytes[1]) << 8
        bytes[bytes[..<headerEnd].lastIndex(of: UInt8(ascii: "}"))!] = UInt8(ascii: " ")
        let json = try write(bytes, "j.safetensors")
        assertError(try MappedWeights.openSafetensors(json), mentions: [json.path, "JSON"])
        var length = ByteWriter(); length.u64(1 << 40); length.append(Array("{}".utf8))
        let long = try write(length.bytes, "l.safetensors")
        assertError(try MappedWeights.openSafetensors(long), mentions: [long.path, "runs past the end"])
    }

    /// Opening maps; it does not read. Two 256 MiB tensors in sparse files open with no growth of
    /// the resident set; reading one tensor in full does grow it (so the measurement can fail).
    func testOpeningDoesNotReadTheData() throws {
        guard let before = residentBytes() else { throw XCTSkip("no /proc/self/statm") }
        let folder = try temporaryFolder()
        let rows = 16_384, columns = 4_096   // 256 MiB of fp32
        let dataBytes = rows * columns * 4

        // safetensors: header, then a hole.
        let safetensors = folder.appendingPathComponent("big.safetensors")
        var header = "{\"big\":{\"dtype\":\"F32\",\"shape\":[\(rows),\(columns)],\"data_offsets\":[0,\(dataBytes)]}}"
        while (8 + header.utf8.count) % 8 != 0 { header += " " }
        var w = ByteWriter(); w.u64(UInt64(header.utf8.count)); w.append(Array(header.utf8))
        try Data(w.bytes).write(to: safetensors)
        try truncate(safetensors, to: w.bytes.count + dataBytes)

        // npz: one stored member whose data is a hole, then the directory.
        let npz = folder.appendingPathComponent("big.npz")
        let npyHeader = NPY.member(descr: "<f4", shape: [rows, columns], data: [])
        let name = Array("big.npy".utf8)
        var local = ByteWriter()
        local.u32(0x0403_4B50); local.u16(20); local.u16(0); local.u16(0); local.u16(0); local.u16(0x21); local.u32(0)
        local.u32(UInt64(npyHeader.count + dataBytes)); local.u32(UInt64(npyHeader.count + dataBytes))
        local.u16(name.count); local.u16(0); local.append(name); local.append(npyHeader)
        let directoryOffset = local.bytes.count + dataBytes
        var tail = ByteWriter()
        tail.u32(0x0201_4B50); tail.u16(20); tail.u16(20); tail.u16(0); tail.u16(0); tail.u16(0); tail.u16(0x21); tail.u32(0)
        tail.u32(UInt64(npyHeader.count + dataBytes)); tail.u32(UInt64(npyHeader.count + dataBytes))
        tail.u16(name.count); tail.u16(0); tail.u16(0); tail.u16(0); tail.u16(0); tail.u32(0); tail.u32(0); tail.append(name)
        let directorySize = tail.bytes.count
        tail.u32(0x0605_4B50); tail.u16(0); tail.u16(0); tail.u16(1); tail.u16(1)
        tail.u32(UInt64(directorySize)); tail.u32(UInt64(directoryOffset)); tail.u16(0)
        try Data(local.bytes).write(to: npz)
        let handle = try FileHandle(forWritingTo: npz)
        try handle.seek(toOffset: UInt64(directoryOffset))
        try handle.write(contentsOf: tail.bytes)
        try handle.close()

        let start = Date()
        let a = try MappedWeights.openSafetensors(safetensors)
        let b = try MappedWeights.openNPZ(npz)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(a.info("big")?.shape, [rows, columns])
        XCTAssertEqual(b.info("big")?.shape, [rows, columns])
        let afterOpen = try XCTUnwrap(residentBytes())
        XCTAssertLessThan(afterOpen - before, 32 << 20, "opening 512 MiB of weights grew the resident set by \(afterOpen - before) bytes")
        XCTAssertLessThan(elapsed, 1.0, "opening took \(elapsed) s")

        let sum = try a.withUnsafeFloats("big") { $0.reduce(0, +) }
        XCTAssertEqual(sum, 0)
        let afterRead = try XCTUnwrap(residentBytes())
        XCTAssertGreaterThan(afterRead - afterOpen, 128 << 20, "reading 256 MiB should show in the resident set")
    }
}
