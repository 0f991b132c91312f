import Foundation
import Glossary

/// import, export, lint.
extension GlossaryCommand {
    static func importFiles(_ store: GlossaryStore, _ arguments: ParsedArguments) throws {
        var paths: [String] = []
        for argument in arguments.positionals {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                throw CLIError.failure("\(argument): no such file or folder")
            }
            paths += isDirectory.boolValue ? try TermFileReader.files(in: argument) : [argument]
        }
        guard !paths.isEmpty else { throw CLIError.failure("glossary import: \(arguments.positionals.joined(separator: ", ")): no .tsv, .csv or .tbx files") }
        if arguments.value("--glossary") != nil && paths.count > 1 {
            throw CLIError.usage("glossary import: --glossary names one glossary; it cannot be used with \(paths.count) files")
        }
        let files = try paths.map {
            try TermFileReader.read(path: $0, sourceLanguage: arguments.value("--source-lang"), targetLanguage: arguments.value("--target-lang"))
        }
        let reports = try store.importFiles(files, glossaryName: arguments.value("--glossary"), user: user(arguments))
        var lines = reports.map { r in
            "\(r.file): \(r.glossary): \(r.added) added, \(r.changed) changed, \(r.retired) retired, \(r.unchanged) unchanged"
                + (r.keptEdits > 0 ? ", \(r.keptEdits) edited in the store since the last import and kept (the file is behind)" : "")
        }
        if reports.count > 1 {
            func sum(_ key: KeyPath<ImportReport, Int>) -> Int { reports.reduce(0) { $0 + $1[keyPath: key] } }
            lines.append("total: \(sum(\.added)) added, \(sum(\.changed)) changed, \(sum(\.retired)) retired, \(sum(\.unchanged)) unchanged")
        }
        output(lines)
    }

    static func export(_ store: GlossaryStore, _ arguments: ParsedArguments) throws {
        let format = TermFileFormat(rawValue: try arguments.choice("--format", from: TermFileFormat.allCases.map(\.rawValue)) ?? "tsv")!
        let filter = EntryFilter(glossary: arguments.value("--glossary"), sourceLanguage: arguments.value("--source-lang"),
                                 targetLanguage: arguments.value("--target-lang"), domain: arguments.value("--domain"), status: try status(arguments))
        try OutputFile.write(try store.export(filter, format: format), to: arguments.value("-o"))
    }

    static func lint(_ store: GlossaryStore) throws {
        let findings = try store.lint()
        output(findings.map(\.description))
        if !findings.isEmpty { throw CLIError.failure("glossary lint: \(findings.count) finding(s)") }
    }
}
