import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A whole file mapped read-only into memory (`mmap`, `PROT_READ`, `MAP_PRIVATE`). Opening
/// costs a system call, not a read: pages come in when a tensor is touched. The mapping lives
/// exactly as long as this object; readers hand out pointers into it only inside scoped
/// `withUnsafeBytes` calls.
///
/// `@unchecked Sendable`: the mapping is read-only and never changes after `init`; the pointer
/// and the size are immutable.
final class MappedFile: @unchecked Sendable {
    let path: String
    let size: Int
    private let base: UnsafeRawPointer?

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw WeightFileError.unreadable(file: path, reason: reason)
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw WeightFileError.unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw WeightFileError.unreadable(file: path, reason: "not a regular file")
        }
        size = Int(status.st_size)
        if size == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw WeightFileError.unreadable(file: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// The mapped bytes `range` (which the caller has checked against `size`), valid inside `body` only.
    func withUnsafeBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= size, "range \(range) outside \(path) (\(size) bytes)")
        guard let base else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try withExtendedLifetime(self) {
            try body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
        }
    }

    /// Tells the kernel the pages wholly inside `range` are not needed now: they leave this
    /// process's resident memory and come back from the page cache if touched again. Loading
    /// copies each tensor out and then drops its pages, so peak memory stays near one copy of
    /// the model rather than two.
    func releasePages(_ range: Range<Int>) {
        guard let base, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, Int32(MADV_DONTNEED))
    }

    /// A copy of the bytes in `range` (headers, small entries).
    func bytes(_ range: Range<Int>) -> [UInt8] {
        withUnsafeBytes(range) { [UInt8]($0) }
    }

    /// The little-endian unsigned integer of `width` bytes at `offset` (checked by the caller).
    func littleEndian(at offset: Int, width: Int) -> UInt64 {
        withUnsafeBytes(offset..<(offset + width)) { raw in
            var value: UInt64 = 0
            for i in (0..<width).reversed() { value = value << 8 | UInt64(raw[i]) }
            return value
        }
    }
}
