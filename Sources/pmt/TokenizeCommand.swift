import Dispatch
import Foundation
import SentencePiece

/// `pmt tokenize`: stdin lines → pieces or ids (or back to text with --decode), one output
/// line per input line, an empty line for an empty line. Lines are encoded in blocks
/// shared out over the threads and written back in input order.
enum TokenizeCommand {
    static let blockLines = 8192

    static func run(_ arguments: ParsedArguments) throws {
        guard let path = arguments.value("--spm") else { throw CLIError.usage("tokenize: --spm FILE is required") }
        let threads = try arguments.integer("--threads", in: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount
        let processor: SentencePieceProcessor
        do {
            processor = try SentencePieceProcessor(path: path)
        } catch {
            throw CLIError.failure("tokenize: \(error)")
        }
        let mode = Mode(ids: arguments.has("--ids"), decode: arguments.has("--decode"))
        var output = OutputBuffer()
        var block: [ArraySlice<UInt8>] = []
        var firstLine = 1
        func flush() throws {
            for chunk in try encode(block, firstLine: firstLine, mode: mode, processor: processor, threads: threads) {
                output.append(bytes: chunk)
            }
            firstLine += block.count
            block.removeAll(keepingCapacity: true)
        }
        try LineReader.forEachLine(of: FileHandle.standardInput) { line in
            block.append(line)
            if block.count == blockLines { try flush() }
        }
        try flush()
        output.flush()
    }

    struct Mode: Sendable {
        let ids: Bool
        let decode: Bool
    }

    /// The output of `lines`, cut into one part per thread, in order.
    static func encode(_ lines: [ArraySlice<UInt8>], firstLine: Int, mode: Mode, processor: SentencePieceProcessor, threads: Int) throws -> [[UInt8]] {
        guard !lines.isEmpty else { return [] }
        let parts = min(threads, max(1, lines.count / 64))
        let size = (lines.count + parts - 1) / parts
        var results = [Result<[UInt8], CLIError>](repeating: .success([]), count: parts)
        results.withUnsafeMutableBufferPointer { results in
            nonisolated(unsafe) let results = results
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * size)..<min(lines.count, (part + 1) * size)
                results[part] = Result { try encode(lines[range], firstLine: firstLine + range.lowerBound, mode: mode, processor: processor) }
                    .mapError { $0 as? CLIError ?? .failure("tokenize: \($0)") }
            }
        }
        return try results.map { try $0.get() }
    }

    static func encode(_ lines: ArraySlice<ArraySlice<UInt8>>, firstLine: Int, mode: Mode, processor: SentencePieceProcessor) throws -> [UInt8] {
        var out = OutputBuffer(unbuffered: true)
        for (offset, line) in lines.enumerated() {
            let lineNumber = firstLine + offset
            if mode.decode {
                let words = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
                if mode.ids {
                    var values: [Int] = []
                    values.reserveCapacity(words.count)
                    for word in words {
                        guard let value = Int(String(decoding: word, as: UTF8.self)) else {
                            throw CLIError.failure("tokenize: stdin line \(lineNumber): '\(String(decoding: word, as: UTF8.self))' is not an id")
                        }
                        values.append(value)
                    }
                    do {
                        out.append(try processor.decode(ids: values))
                    } catch {
                        throw CLIError.failure("tokenize: stdin line \(lineNumber): \(error)")
                    }
                } else {
                    out.append(processor.decode(pieces: words.map { String(decoding: $0, as: UTF8.self) }))
                }
            } else if mode.ids {
                for (k, id) in processor.encodeIDs(Array(line)).enumerated() {
                    if k > 0 { out.append(byte: UInt8(ascii: " ")) }
                    out.append(decimal: id)
                }
            } else {
                for (k, token) in processor.encode(Array(line)).enumerated() {
                    if k > 0 { out.append(byte: UInt8(ascii: " ")) }
                    out.append(bytes: token.piece)
                }
            }
            out.append(byte: UInt8(ascii: "\n"))
        }
        return out.contents
    }
}
