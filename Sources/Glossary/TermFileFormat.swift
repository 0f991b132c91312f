/// The file forms of a term list. TSV is canonical (what `Glossaries/` holds).
public enum TermFileFormat: String, CaseIterable, Sendable {
    case tsv, csv, tbx

    /// By extension (`.tsv`, `.csv`, `.tbx`; `.xml` is read as TBX).
    public init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { self = .tsv }
        else if lower.hasSuffix(".csv") { self = .csv }
        else if lower.hasSuffix(".tbx") || lower.hasSuffix(".xml") { self = .tbx }
        else { return nil }
    }

    /// The columns of the delimited forms, in the order they are written. `source` and
    /// `target` come first; the rest are optional when reading and found by header name.
    public static let columns = ["source", "target", "status", "case_sensitive", "match", "domain", "priority", "note", "authority"]
}

/// What a file's name says: `NAME.SRC-TRG.ext` gives the glossary name and language pair.
public struct TermFileName: Equatable, Sendable {
    public var glossary: String
    public var sourceLanguage: String?
    public var targetLanguage: String?

    public init(glossary: String, sourceLanguage: String?, targetLanguage: String?) {
        self.glossary = glossary
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
    }

    public init(path: String) {
        var base = String(path.split(separator: "/").last ?? "")
        if let dot = base.lastIndex(of: ".") { base = String(base[..<dot]) }
        glossary = base
        guard let dot = base.lastIndex(of: ".") else { return }
        let pair = base[base.index(after: dot)...]
        let parts = pair.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        // Tags may contain hyphens themselves (en-zh-Hans): take the first split where both
        // sides are valid language codes.
        for cut in 1..<max(parts.count, 1) {
            let source = parts[..<cut].joined(separator: "-"), target = parts[cut...].joined(separator: "-")
            if LanguageCode.isValid(source) && LanguageCode.isValid(target) {
                glossary = String(base[..<dot])
                sourceLanguage = source
                targetLanguage = target
                return
            }
        }
    }
}

/// A parsed term file: its records in file order, each with the line it starts on.
public struct TermFile: Equatable, Sendable {
    public var path: String
    public var sourceLanguage: String
    public var targetLanguage: String
    public var records: [TermRecord]
    public var lines: [Int]

    public init(path: String, sourceLanguage: String, targetLanguage: String, records: [TermRecord], lines: [Int]? = nil) {
        self.path = path
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        self.records = records
        self.lines = lines ?? Array(records.indices.map { $0 + 2 })
    }
}
