import Foundation
import JobQueue
import PatentDocuments
import Pipeline
import Translator

/// The worker's handler. XML and JSONL filings go through the document pipeline and come
/// back as `<name>.ko.xml` / `.ko.jsonl`; plain text is translated line by line into
/// `<name>.ko.txt`, one output line per input line. Empty, binary, malformed and
/// non-UTF-8 files are the document's fault (the job fails with the reader's message).
/// A job's glossary (and domain) applies to its documents: terms forced by the search,
/// scoped by the document's IPC classes.
struct FilingJobHandler: JobHandler {
    let translator: Translator
    let options: TranslationOptions
    let engine: TranslatorEngine
    /// A translation memory file, opened per job (SQLite connections are not shared).
    let memoryPath: String?

    init(translator: Translator, options: TranslationOptions, modelFingerprint: String, memoryPath: String?) {
        self.translator = translator
        self.options = options
        self.memoryPath = memoryPath
        engine = TranslatorEngine(translator: translator, options: options, modelFingerprint: modelFingerprint)
    }

    struct Rejected: Error, CustomStringConvertible {
        let description: String
    }

    func process(_ job: ClaimedJob) throws -> [OutputDocument] {
        let bytes = job.content
        guard !bytes.isEmpty else { throw Rejected(description: "\(job.name): the file is empty") }
        let format = DocumentFormat.detect(path: job.name, head: [UInt8](bytes.prefix(512)))
        if format != .text {
            let document = try PatentDocument.parse([UInt8](bytes), source: job.name, format: format == .xml ? .xml : .jsonl)
            let memory = try memoryPath.map { try TranslationMemory(path: $0) }
            let glossary = job.options.glossary.map { DocumentGlossary(path: $0, domain: job.options.domain) }
            let result = try DocumentTranslator(engine: engine, memory: memory, glossary: glossary).translate(document)
            return [OutputDocument(name: Self.outputName(job.name, extension: format.rawValue), contents: result.output)]
        }
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

    /// `claims.txt` → `claims.ko.txt`; `sub/claims` → `sub/claims.ko.txt`; with
    /// `extension: "xml"`, `filing.xml` → `filing.ko.xml` (the worker makes any name safe for
    /// the output folder).
    static func outputName(_ name: String, extension ext: String = "txt") -> String {
        let last = name.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? name
        var stem = name
        if let dot = last.lastIndex(of: "."), dot != last.startIndex {
            stem = String(name.dropLast(last.distance(from: dot, to: last.endIndex)))
        }
        return stem + ".ko." + ext
    }

    private static func firstInvalidUTF8(_ bytes: Data) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var consumed = 0
        while case .scalarValue(let scalar) = decoder.decode(&iterator) { consumed += UTF8.width(scalar) }
        return consumed
    }
}
