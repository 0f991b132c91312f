import Foundation
import Glossary

/// `pmt glossary …`: each command opens the store, runs as one transaction, and maps
/// glossary errors to exit 1 with `pmt: error: <where>: <what>`.
enum GlossaryCommand {
    static func run(_ verb: String, _ arguments: ParsedArguments) throws {
        guard let db = arguments.value("--db"), !db.isEmpty else { throw CLIError.usage("glossary \(verb): --db DB is required") }
        if verb != "init" && !FileManager.default.fileExists(atPath: db) {
            throw CLIError.failure("glossary \(verb): \(db): no glossary store there (create one with 'pmt glossary init --db \(db)')")
        }
        do {
            let store = try GlossaryStore(path: db, create: verb == "init")
            try store.transaction {
                switch verb {
                case "init": try initialize(store, arguments)
                case "add": try add(store, arguments)
                case "edit": try edit(store, arguments)
                case "remove": try remove(store, arguments)
                case "list": try list(store, arguments)
                case "search": try search(store, arguments)
                case "import": try importFiles(store, arguments)
                case "export": try export(store, arguments)
                case "lint": try lint(store)
                case "history": try history(store, arguments)
                case "stats": try stats(store)
                default: throw CLIError.failure("glossary \(verb): no handler")
                }
            }
        } catch let error as CLIError {
            throw error
        } catch let error as GlossaryError {
            switch error {
            case .file, .fileLevel: throw CLIError.failure("\(error)")  // the file and line are the "where"
            default: throw CLIError.failure("glossary \(verb): \(error)")
            }
        } catch {
            throw CLIError.failure("glossary \(verb): \(error)")
        }
    }

    static func user(_ arguments: ParsedArguments) -> String {
        if let name = arguments.value("--user"), !name.isEmpty { return name }
        return ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
    }

    static func entryID(_ text: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw CLIError.usage("glossary: '\(text)' is not an entry id (a positive integer)") }
        return id
    }

    static func status(_ arguments: ParsedArguments) throws -> TermStatus? {
        try arguments.choice("--status", from: TermStatus.allCases.map(\.rawValue)).map { TermStatus(rawValue: $0)! }
    }

    static func matchMode(_ arguments: ParsedArguments) throws -> MatchMode? {
        try arguments.choice("--match", from: MatchMode.allCases.map(\.rawValue)).map { MatchMode(rawValue: $0)! }
    }

    static func output(_ lines: [String]) {
        FileHandle.standardOutput.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// The glossary `--glossary NAME` (default `fallback`) names: an existing one (its pair
    /// taken from the options, or the only pair it has), else a new one for the options' pair.
    static func glossary(_ store: GlossaryStore, _ arguments: ParsedArguments, fallback: String) throws -> GlossaryInfo {
        let name = arguments.value("--glossary") ?? fallback
        let source = arguments.value("--source-lang"), target = arguments.value("--target-lang")
        let found = try store.glossaries(named: name, sourceLanguage: source, targetLanguage: target)
        if found.count == 1 { return found[0] }
        if found.count > 1 {
            throw CLIError.usage("glossary '\(name)' exists for several language pairs (\(found.map { "\($0.sourceLanguage)-\($0.targetLanguage)" }.joined(separator: ", "))); give --source-lang and --target-lang")
        }
        guard let source, let target else {
            throw CLIError.usage("glossary '\(name)' does not exist yet; give --source-lang and --target-lang to create it")
        }
        return try store.ensureGlossary(name: name, sourceLanguage: source, targetLanguage: target)
    }

    static func row(_ e: GlossaryEntry) -> String {
        [String(e.id), String(e.version), "\(e.glossary.name).\(e.glossary.sourceLanguage)-\(e.glossary.targetLanguage)", e.record.status.rawValue,
         e.record.source, e.record.target, e.effectiveDomain ?? "", String(e.effectivePriority)].joined(separator: "\t")
    }

    static let rowHeader = "id\tversion\tglossary\tstatus\tsource\ttarget\tdomain\tpriority"
}
