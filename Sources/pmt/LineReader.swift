import Foundation

/// Reads a file handle in large chunks and hands out lines as byte slices (no trailing
/// "\n"; a final line without one still counts). Bytes are passed on as they are: invalid
/// UTF-8 is the tokenizer's business, not the reader's.
enum LineReader {
    static func forEachLine(of handle: FileHandle, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        var pending: [UInt8] = []
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try body(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { try body(pending[...]) }
    }
}

/// Buffered stdout for results; written in large blocks. A value type, so appends in hot
/// loops need no dynamic exclusivity checks.
struct OutputBuffer {
    private var bytes: [UInt8] = []
    /// Collects only (for output assembled on worker threads); `flush` is never automatic.
    private let unbuffered: Bool

    init(unbuffered: Bool = false) {
        self.unbuffered = unbuffered
        if !unbuffered { bytes.reserveCapacity(1 << 20) }
    }

    var contents: [UInt8] { bytes }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8); flushIfLarge() }
    mutating func append(bytes more: [UInt8]) { bytes.append(contentsOf: more); flushIfLarge() }
    mutating func append(byte: UInt8) { bytes.append(byte) }

    /// A non-negative integer in decimal, without a String in between.
    mutating func append(decimal value: Int) {
        precondition(value >= 0)
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for k in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[k]) }
        }
        flushIfLarge()
    }

    private mutating func flushIfLarge() { if !unbuffered && bytes.count >= 1 << 20 { flush() } }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
