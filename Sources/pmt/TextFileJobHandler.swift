import Foundation
import JobQueue
import Translator

/// The worker's handler until the document pipeline (issue #5) replaces it: a plain-text
/// filing translated line by line into `<name without extension>.ko.txt`, one output
/// line per input line. Empty, binary and non-UTF-8 files are the document's fault.
/// The job's glossary and domain are carried but not applied yet (issue #5/#6).
struct TextFileJobHandler: JobHandler {
    let translator: Translator
    let options: TranslationOptions

    struct Rejected: Error, CustomStringConvertible {
        let description: String
    }

    func process(_ job: ClaimedJob) throws -> [OutputDocument] {
        let bytes = job.content
        guard !bytes.isEmpty else { throw Rejected(description: "\(job.name): the file is empty") }
        if let nul = bytes.firstIndex(of: 0) {
            throw Rejected(description: "\(job.name): a binary file, not text (NUL byte at offset \(nul - bytes.startIndex))")
        }
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw Rejected(description: "\(job.name): not valid UTF-8 (at byte \(Self.firstInvalidUTF8(bytes)))")
        }
        if text.hasSuffix("\n") { text.removeLast() }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let results = try translator.translate(lines, options: options)
        let output = results.map { ($0.best?.text ?? "") + "\n" }.joined()
        return [OutputDocument(name: Self.outputName(job.name), contents: Data(output.utf8))]
    }

    /// `claims.txt` → `claims.ko.txt`; `sub/claims` → `sub/claims.ko.txt` (the worker makes
    /// any name safe for the output folder).
    static func outputName(_ name: String) -> String {
        let last = name.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? name
        var stem = name
        if let dot = last.lastIndex(of: "."), dot != last.startIndex {
            stem = String(name.dropLast(last.distance(from: dot, to: last.endIndex)))
        }
        return stem + ".ko.txt"
    }

    private static func firstInvalidUTF8(_ bytes: Data) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var consumed = 0
        while case .scalarValue(let scalar) = decoder.decode(&iterator) { consumed += UTF8.width(scalar) }
        return consumed
    }
}
