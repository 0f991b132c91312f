/// What one file's import did to its glossary.
public struct ImportReport: Equatable, Sendable {
    public var file: String
    public var glossary: String
    public var added = 0
    public var changed = 0
    /// Entries that came from this file and are no longer in it: set to `deprecated`, never
    /// deleted, so their history and any document that used them stay explainable.
    public var retired = 0
    public var unchanged = 0
    /// Entries edited in the store since the last import whose line the file has not
    /// changed: the store's edit is kept (and the file is behind it).
    public var keptEdits = 0
}

extension GlossaryStore {
    /// Syncs files into the store, all in one transaction: either every file is applied or,
    /// on the first problem (`file:line: what`), nothing is.
    ///
    /// A file is the master copy of the entries that came from it (their `origin` is its
    /// name): an entry it holds is added or updated, an entry it no longer holds is retired.
    /// Importing the same files again changes nothing. Refused as conflicts: a source term
    /// twice in one file and scope, a term that an entry added by hand already has with
    /// another target, and an entry edited in the store since the file was last imported
    /// (the edit would be lost).
    public func importFiles(_ files: [TermFile], glossaryName: String? = nil, user: String) throws -> [ImportReport] {
        var owners: [String: String] = [:]
        for file in files {
            try Self.checkInternalConflicts(file)
            // Two files feeding one glossary would each retire the other's entries.
            let key = "\(glossaryName ?? TermFileName(path: file.path).glossary).\(LanguageCode.canonical(file.sourceLanguage))-\(LanguageCode.canonical(file.targetLanguage))"
            if let other = owners[key] {
                throw GlossaryError.fileLevel(path: file.path, message: "holds glossary \(key), like \(other); keep one file per glossary and language pair")
            }
            owners[key] = file.path
        }
        return try transaction {
            try files.map { try importFile($0, glossaryName: glossaryName, user: user) }
        }
    }

    static func checkInternalConflicts(_ file: TermFile) throws {
        var seen: [String: Int] = [:]
        for (k, record) in file.records.enumerated() {
            let key = (record.caseSensitive ? record.source : TermText.fold(record.source)) + "\u{1}" + record.scopeKey
            if let first = seen[key] {
                let earlier = file.records[first]
                let scope = record.domain.map { " in \($0)" } ?? ""
                if TermText.fold(earlier.target) == TermText.fold(record.target) {
                    throw GlossaryError.file(path: file.path, line: file.lines[k], message: "duplicate: '\(record.source)'\(scope) is already on line \(file.lines[first])")
                }
                throw GlossaryError.file(path: file.path, line: file.lines[k],
                                         message: "conflict: '\(record.source)'\(scope) is '\(earlier.target)' on line \(file.lines[first]) and '\(record.target)' here")
            }
            seen[key] = k
        }
    }

    private func importFile(_ file: TermFile, glossaryName: String?, user: String) throws -> ImportReport {
        let name = glossaryName ?? TermFileName(path: file.path).glossary
        let origin = String(file.path.split(separator: "/").last ?? "")
        let glossary = try ensureGlossary(name: name, sourceLanguage: file.sourceLanguage, targetLanguage: file.targetLanguage)
        var report = ImportReport(file: file.path, glossary: "\(glossary.name).\(glossary.sourceLanguage)-\(glossary.targetLanguage)")
        var existing: [String: (entry: GlossaryEntry, synced: Int?, syncedValues: String?)] = [:]
        for row in try database.query("SELECT \(Self.entryColumns), e.synced_version, e.synced_values FROM \(Self.entryFrom) WHERE e.glossary_id = ?", [.integer(glossary.id)]) {
            let entry = try Self.entry(row)
            existing[entry.record.source + "\u{1}" + (entry.record.domain ?? "")] = (entry, Self.integer(row[20]).map { Int($0) }, Self.text(row[21]))
        }
        var inFile = Set<String>()
        for (k, record) in file.records.enumerated() {
            let key = record.source + "\u{1}" + (record.domain ?? "")
            inFile.insert(key)
            func conflict(_ message: String) -> GlossaryError { .file(path: file.path, line: file.lines[k], message: message) }
            guard let (old, synced, syncedValues) = existing[key] else {
                try add(record, to: glossary, user: user, origin: origin)
                report.added += 1
                continue
            }
            if old.record == record {
                if old.origin != origin || synced != old.version || syncedValues != Self.json(record) {
                    try database.query("UPDATE entries SET origin = ?, synced_version = version, synced_values = ? WHERE id = ?",
                                       [.text(origin), .text(Self.json(record)), .integer(old.id)])
                }
                report.unchanged += 1
                continue
            }
            if old.origin == nil && TermText.fold(old.record.target) != TermText.fold(record.target) {
                throw conflict("conflict: '\(record.source)' is '\(old.record.target)' in entry \(old.id), added by hand by \(old.updatedBy); change or remove one of them")
            }
            let editedInStore = old.origin != nil && synced != old.version
            if editedInStore && old.origin == origin && syncedValues == Self.json(record) {
                // The file still says what it said at the last import: the edit stands.
                report.keptEdits += 1
                continue
            }
            if editedInStore {
                throw conflict("conflict: entry \(old.id) ('\(record.source)') was edited in the store since the last import (now version \(old.version), by \(old.updatedBy) at \(old.updatedAt)); bring the edit into the file or undo it, then import again")
            }
            _ = try write(record, over: old, action: "import-change", user: user, origin: origin, synced: true)
            report.changed += 1
        }
        for (key, value) in existing.sorted(by: { $0.value.entry.id < $1.value.entry.id })
        where !inFile.contains(key) && value.entry.origin == origin && value.entry.record.status != .deprecated {
            var record = value.entry.record
            record.status = .deprecated
            _ = try write(record, over: value.entry, action: "import-retire", user: user, origin: origin, synced: true)
            report.retired += 1
        }
        return report
    }

    /// The selected entries as a term file. They must share one language pair (a file has
    /// one); entries come in store order, each with its own scope and priority.
    public func export(_ filter: EntryFilter = EntryFilter(), format: TermFileFormat) throws -> String {
        let entries = try entries(matching: filter)
        var pairs: [String] = []
        for e in entries where !pairs.contains("\(e.glossary.sourceLanguage)-\(e.glossary.targetLanguage)") {
            pairs.append("\(e.glossary.sourceLanguage)-\(e.glossary.targetLanguage)")
        }
        guard pairs.count <= 1 else {
            throw GlossaryError.store("the selection holds several language pairs (\(pairs.joined(separator: ", "))); choose one with --source-lang/--target-lang or --glossary")
        }
        let source = entries.first?.glossary.sourceLanguage ?? filter.sourceLanguage ?? "und"
        let target = entries.first?.glossary.targetLanguage ?? filter.targetLanguage ?? "und"
        return TermFileWriter.write(entries.map(\.record), format: format, sourceLanguage: source, targetLanguage: target)
    }
}
