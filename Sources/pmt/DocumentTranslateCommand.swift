import Foundation
import JobQueue
import PatentDocuments
import Pipeline
import Translator

/// `pmt translate FILE…` on filings (XML, JSONL, or any file with `--format`): each document
/// read and checked whole, translated through the pipeline, and written atomically: to
/// stdout or `-o FILE` for one document, into the folder `-o DIR` as `NAME.ko.EXT` for
/// several. A bad document is an error naming it; the others are still translated, and
/// nothing half-written is ever left.
enum DocumentTranslateCommand {
    /// Whether the call is about documents: an XML or JSONL file (by `--format` or detected).
    static func wants(_ arguments: ParsedArguments, format: String) -> Bool {
        let files = arguments.positionals.filter { $0 != "-" }
        guard !files.isEmpty else { return false }
        if format == "xml" || format == "jsonl" { return true }
        if format == "text" { return false }
        return files.contains { file in
            let head = FileHandle(forReadingAtPath: file).map { handle -> [UInt8] in
                defer { try? handle.close() }
                return [UInt8](handle.readData(ofLength: 512))
            } ?? []
            return DocumentFormat.detect(path: file, head: head) != .text
        }
    }

    static func run(_ arguments: ParsedArguments, format: String, translator: Translator, options: TranslationOptions) throws {
        let files = arguments.positionals
        guard !files.contains("-") else { throw CLIError.usage("translate: documents are read from files, not stdin") }
        let output = arguments.value("-o")
        var isFolder: ObjCBool = false
        let outputIsFolder = output.map { FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && isFolder.boolValue } ?? false
        if files.count > 1 && !outputIsFolder {
            throw CLIError.usage("translate: several documents need -o DIR, an existing folder (each is written as NAME.ko.EXT)")
        }
        let memory: TranslationMemory?
        do {
            memory = try arguments.value("--memory").map { try TranslationMemory(path: $0) }
        } catch {
            throw CLIError.failure("translate: \(error)")
        }
        let fingerprint = try ModelFingerprint.of(URL(fileURLWithPath: arguments.value("--model")!))
        let engine = TranslatorEngine(translator: translator, options: options, modelFingerprint: fingerprint)
        let glossary = arguments.has("--no-glossary") ? nil
            : arguments.value("--glossary").map { DocumentGlossary(path: $0, domain: arguments.value("--domain")) }
        let pipeline = DocumentTranslator(engine: engine, memory: memory, glossary: glossary)
        let target = arguments.value("--target-lang") ?? "ko"
        let inputFormat: PatentDocument.InputFormat = ["xml": .xml, "jsonl": .jsonl, "text": .text][format] ?? .auto

        var failures = 0
        for file in files {
            do {
                let started = Date()
                let document = try PatentDocument.read(contentsOf: URL(fileURLWithPath: file), format: inputFormat)
                let read = Date().timeIntervalSince(started)
                let bar = ProgressBar(label: (file as NSString).lastPathComponent, arguments: arguments)
                let result = try pipeline.translate(document, targetLanguage: target) { bar.update(done: $0, total: $1) }
                for report in result.segments {
                    for warning in report.warnings { standardError("pmt: warning: \(file): \(report.path): \(warning)") }
                }
                let data = arguments.value("--output-format") == "jsonl" ? Data(SegmentJSONL.lines(result.segments).utf8) : result.output
                if outputIsFolder, let folder = output {
                    let name = outputName(file, target: target, jsonl: arguments.value("--output-format") == "jsonl")
                    try AtomicFile.write(data, folder: URL(fileURLWithPath: folder), name: name)
                } else if let output {
                    let url = URL(fileURLWithPath: output)
                    try AtomicFile.write(data, folder: url.deletingLastPathComponent(), name: url.lastPathComponent)
                } else {
                    FileHandle.standardOutput.write(data)
                }
                if arguments.has("--timings") {
                    let total = Date().timeIntervalSince(started)
                    let outside = total - result.engineSeconds
                    standardError(String(format: "pmt: timings: %@: read %.3f s, pipeline %.3f s (engine %.3f s), total %.3f s; outside the engine %.3f s = %.2f%% of the total; %d segments",
                                         file, read, result.totalSeconds, result.engineSeconds, total, outside, 100 * outside / max(total, 1e-9), result.segments.count))
                }
            } catch let error as OutputError {
                failures += 1
                standardError("pmt: error: \(error)")
            } catch {
                failures += 1
                standardError("pmt: error: \(error)")
            }
        }
        if failures > 0 {
            throw CLIError.failure("translate: \(failures) of \(files.count) document\(files.count == 1 ? "" : "s") not translated")
        }
    }

    /// `filing.xml` → `filing.ko.xml`; with jsonl reports, `filing.ko.jsonl`.
    static func outputName(_ file: String, target: String, jsonl: Bool) -> String {
        let name = (file as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        let ext = jsonl ? "jsonl" : (name as NSString).pathExtension
        return ext.isEmpty ? "\(stem).\(target)" : "\(stem).\(target).\(ext)"
    }
}

/// `--output-format jsonl` for documents: one object per segment.
enum SegmentJSONL {
    static func lines(_ segments: [SegmentReport]) -> String {
        segments.map { s in
            let object: [String: Any] = [
                "unit": s.unit, "path": s.path, "language": s.language ?? NSNull(), "source": s.source, "target": s.target, "score": Double(s.score),
                "spans_kept": s.spansKept, "spans_restored": s.spansRestored, "from_memory": s.fromMemory,
                "terms": s.terms.map { ["source": $0.source, "target": $0.target, "applied": $0.applied] as [String: Any] },
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self) + "\n"
        }.joined()
    }
}
