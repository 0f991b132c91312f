import Foundation
import Glossary

/// init, add, edit, remove, list, search, history, stats.
extension GlossaryCommand {
    static func initialize(_ store: GlossaryStore, _ arguments: ParsedArguments) throws {
        var lines = ["\(store.path): glossary store, schema version \(GlossaryStore.schemaVersion)"]
        if arguments.value("--glossary") != nil {
            let g = try glossary(store, arguments, fallback: "manual")
            let priority = try arguments.integer("--priority", in: -1_000_000...1_000_000)
            var domain: String?? = nil
            if let text = arguments.value("--domain") { domain = .some(text.isEmpty ? nil : text) }
            try store.configureGlossary(g.id, domain: domain, priority: priority)
            let now = try store.glossaries(named: g.name, sourceLanguage: g.sourceLanguage, targetLanguage: g.targetLanguage)[0]
            lines.append("glossary \(now.name).\(now.sourceLanguage)-\(now.targetLanguage): scope \(now.domain ?? "all"), priority \(now.priority)")
        }
        output(lines)
    }

    static func add(_ store: GlossaryStore, _ arguments: ParsedArguments) throws {
        let source = arguments.positionals[0], target = arguments.positionals[1]
        guard !source.isEmpty, !target.isEmpty else { throw CLIError.usage("glossary add: SOURCE and TARGET must not be empty") }
        let g = try glossary(store, arguments, fallback: "manual")
        let record = TermRecord(
            source: source, target: target, status: try status(arguments) ?? .proposed, caseSensitive: arguments.has("--case-sensitive"),
            matchMode: try matchMode(arguments) ?? .inflected, domain: arguments.value("--domain").flatMap { $0.isEmpty ? nil : $0 },
            priority: try arguments.integer("--priority", in: -1_000_000...1_000_000), note: arguments.value("--note") ?? "",
            authority: arguments.value("--authority") ?? "")
        let entry = try store.add(record, to: g, user: user(arguments))
        output(["added entry \(entry.id) (version \(entry.version)) to \(g.name).\(g.sourceLanguage)-\(g.targetLanguage): '\(source)' → '\(target)' [\(record.status.rawValue)]"])
    }

    static func edit(_ store: GlossaryStore, _ arguments: ParsedArguments) throws {
        let id = try entryID(arguments.positionals[0])
        var changes = EntryChanges(
            source: arguments.value("--source"), target: arguments.value("--target"), status: try status(arguments),
            matchMode: try matchMode(arguments), note: arguments.value("--note"), authority: arguments.value("--authority"))
        if let text = arguments.value("--case-sensitive") {
            guard let value = ["yes": true, "no": false, "true": true, "false": false][text.lowercased()] else {
                throw CLIError.usage("glossary edit: --case-sensitive: expected yes or no, got '\(text)'")
            }
            changes.caseSensitive = value
        }
        if let domain = arguments.value("--domain") { changes.domain = .some(domain.isEmpty ? nil : domain) }
        if let priority = arguments.value("--priority") {
            changes.priority = .some(priority.isEmpty ? nil : try arguments.integer("--priority", in: -1_000_000...1_000_000))
        }
        if changes.source == "" || changes.target == "" { throw CLIError.usage("glossary edit: --source and --target must not be empty") }
        guard !changes.isEmpty else { throw CLIError.usage("glossary edit: nothing to change (give --target, --status, … )") }
        let expected = try arguments.integer("--expect-version", in: 1...Int.max)
        let entry = try store.edit(id, changes, expectedVersion: expected, user: user(arguments))
        output(["entry \(entry.id) is now version \(entry.version): '\(entry.record.source)' → '\(entry.record.target)' [\(entry.record.status.rawValue)]"])
    }

    static func remove(_ store: GlossaryStore, _ arguments: ParsedArguments) throws {
        let id = try entryID(arguments.positionals[0])
        let old = try store.remove(id, expectedVersion: try arguments.integer("--expect-version", in: 1...Int.max), user: user(arguments))
        output(["removed entry \(old.id) ('\(old.record.source)' → '\(old.record.target)'); its history stays"])
    }

    static func list(_ store: GlossaryStore, _ arguments: ParsedArguments) throws {
        let filter = EntryFilter(glossary: arguments.value("--glossary"), sourceLanguage: arguments.value("--source-lang"),
                                 targetLanguage: arguments.value("--target-lang"), domain: arguments.value("--domain"), status: try status(arguments))
        output([rowHeader] + (try store.entries(matching: filter)).map(row))
    }

    static func search(_ store: GlossaryStore, _ arguments: ParsedArguments) throws {
        let limit = try arguments.integer("--limit", in: 1...1_000_000) ?? 100
        output([rowHeader] + (try store.search(arguments.positionals[0], limit: limit)).map(row))
    }

    static func history(_ store: GlossaryStore, _ arguments: ParsedArguments) throws {
        let id = try arguments.positionals.first.map(entryID)
        if let id, try store.history(entryID: id).isEmpty { throw CLIError.failure("glossary history: entry \(id): no history (no such entry)") }
        output(["at\tuser\taction\tentry\tglossary\told\tnew"] + (try store.history(entryID: id)).map {
            [$0.at, $0.user, $0.action, String($0.entryID), $0.glossary, $0.oldValues ?? "", $0.newValues ?? ""].joined(separator: "\t")
        })
    }

    static func stats(_ store: GlossaryStore) throws {
        let rows = try store.stats()
        output(["glossary\tscope\tstatus\tentries"] + rows.map {
            ["\($0.glossary).\($0.sourceLanguage)-\($0.targetLanguage)", $0.domain ?? "all", $0.status.rawValue, String($0.count)].joined(separator: "\t")
        } + ["total\t\t\t\(rows.reduce(0) { $0 + $1.count })"])
    }
}
