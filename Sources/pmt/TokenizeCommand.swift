import Foundation
import SentencePiece

/// `pmt tokenize`: stdin lines → pieces or ids (or back to text with --decode), one output
/// line per input line, an empty line for an empty line.
enum TokenizeCommand {
    static func run(_ arguments: ParsedArguments) throws {
        guard let path = arguments.value("--spm") else { throw CLIError.usage("tokenize: --spm FILE is required") }
        let processor: SentencePieceProcessor
        do {
            processor = try SentencePieceProcessor(path: path)
        } catch {
            throw CLIError.failure("tokenize: \(error)")
        }
        let ids = arguments.has("--ids")
        let decode = arguments.has("--decode")
        var output = OutputBuffer()
        var lineNumber = 0
        try LineReader.forEachLine(of: FileHandle.standardInput) { line in
            lineNumber += 1
            if decode {
                let words = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
                if ids {
                    var values: [Int] = []
                    values.reserveCapacity(words.count)
                    for word in words {
                        guard let value = Int(String(decoding: word, as: UTF8.self)) else {
                            throw CLIError.failure("tokenize: stdin line \(lineNumber): '\(String(decoding: word, as: UTF8.self))' is not an id")
                        }
                        values.append(value)
                    }
                    do {
                        output.append(try processor.decode(ids: values))
                    } catch {
                        throw CLIError.failure("tokenize: stdin line \(lineNumber): \(error)")
                    }
                } else {
                    output.append(processor.decode(pieces: words.map { String(decoding: $0, as: UTF8.self) }))
                }
            } else if ids {
                for (k, id) in processor.encodeIDs(Array(line)).enumerated() {
                    if k > 0 { output.append(byte: UInt8(ascii: " ")) }
                    output.append(decimal: id)
                }
            } else {
                for (k, token) in processor.encode(Array(line)).enumerated() {
                    if k > 0 { output.append(byte: UInt8(ascii: " ")) }
                    output.append(bytes: token.piece)
                }
            }
            output.append(byte: UInt8(ascii: "\n"))
        }
        output.flush()
    }
}
