/// The `pmt glossary …` commands (issue #6) and their flags.
extension CommandCatalog {
    static let userOption = OptionSpec("--user", "NAME", "who makes the change, for the history (default: $USER)")
    static let glossaryOption = OptionSpec("--glossary", "NAME", "the glossary (term list) inside the store")
    static let expectVersionOption = OptionSpec("--expect-version", "N", "refuse if the entry changed since you read version N")

    static func glossary(_ verb: String, _ summary: String, usage: String, options: [OptionSpec] = [], positionals: ClosedRange<Int> = 0...0, details: String = "") -> CommandSpec {
        CommandSpec(["glossary", verb], summary: summary, usage: "glossary \(verb) --db DB \(usage)",
                    options: [dbOption] + options, positionals: positionals, details: details)
    }

    static let entryFields: [OptionSpec] = [
        OptionSpec("--domain", "CODE", "domain code or IPC class the entry applies to (default: its glossary's)"),
        OptionSpec("--status", "S", "proposed, approved, deprecated or forbidden"),
        OptionSpec("--match", "M", "inflected (default: English plural/-ing/-ed of the last word too) or exact"),
        OptionSpec("--priority", "N", "higher wins where terms overlap (default: its glossary's)"),
        OptionSpec("--note", "TEXT", "maintainer's note"),
        OptionSpec("--authority", "TEXT", "where the rendering comes from"),
    ]

    static let glossaryCommands: [CommandSpec] = [
        glossary("init", "Create a glossary store (or bring an old one up to date).", usage: "[--glossary NAME --source-lang L --target-lang L]",
                 options: [glossaryOption] + langOptions + [
                    OptionSpec("--domain", "CODE", "the glossary's scope: a domain code or IPC class"),
                    OptionSpec("--priority", "N", "the glossary's priority where terms overlap"),
                 ],
                 details: "With --glossary, also creates (or re-scopes) that glossary for the language pair."),
        glossary("add", "Add an entry.", usage: "SOURCE TARGET [options]",
                 options: [glossaryOption] + langOptions + entryFields + [
                    OptionSpec("--case-sensitive", nil, "match the source term's case exactly"), userOption,
                 ], positionals: 2...2,
                 details: "The glossary defaults to 'manual'; a new glossary needs --source-lang and --target-lang. Status defaults to proposed. `{N}` in SOURCE stands for a number and is copied into TARGET's `{N}`."),
        glossary("edit", "Change an entry.", usage: "ID [--expect-version N] [options]",
                 options: [OptionSpec("--source", "TEXT", "new source term"), OptionSpec("--target", "TEXT", "new target term")] + entryFields + [
                    OptionSpec("--case-sensitive", "yes|no", "match the source term's case exactly"), expectVersionOption, userOption,
                 ], positionals: 1...1,
                 details: "Give --expect-version with the version you read ('glossary list' shows it): if someone changed the entry since, the edit is refused and nothing changes. An empty --domain or --priority goes back to the glossary's."),
        glossary("remove", "Delete an entry (its history stays).", usage: "ID [--expect-version N]",
                 options: [expectVersionOption, userOption], positionals: 1...1,
                 details: "To retire a term but keep it visible, use 'glossary edit ID --status deprecated' instead."),
        glossary("list", "List entries (tab-separated, with their versions).", usage: "[options]",
                 options: [glossaryOption] + langOptions + [
                    OptionSpec("--domain", "CODE", "only entries of this scope"), OptionSpec("--status", "S", "only entries with this status"),
                 ]),
        glossary("search", "Full-text search over source terms, target terms and notes.", usage: "QUERY",
                 options: [OptionSpec("--limit", "N", "at most N results (default 100)")], positionals: 1...1,
                 details: "Each word of QUERY matches the start of a word, in either language (포함 finds 포함하는)."),
        glossary("import", "Import TSV, CSV or TBX files, or sync a folder of them.", usage: "FILE|DIR… [options]",
                 options: [glossaryOption] + langOptions + [userOption], positionals: 1...Int.max,
                 details: "The language pair comes from the file name (NAME.en-ko.tsv), a TBX file, or the options; the glossary name from the file name. A file is the master copy of the entries it brought: changed lines update them, removed lines retire them (status deprecated). Everything is one transaction: a bad line (file:line: what) or a conflict leaves the store unchanged."),
        glossary("export", "Export entries as TSV, CSV or TBX.", usage: "[--format tsv|csv|tbx] [-o FILE] [options]",
                 options: [OptionSpec("--format", "F", "tsv (default), csv or tbx"), OptionSpec("-o", "FILE", "write here (atomically) instead of stdout"),
                           glossaryOption] + langOptions + [
                    OptionSpec("--domain", "CODE", "only entries of this scope"), OptionSpec("--status", "S", "only entries with this status"),
                 ],
                 details: "The selection must hold one language pair."),
        glossary("lint", "Find duplicates, conflicts, overlapping, empty or padded terms, bad language codes and forbidden targets in use.", usage: "",
                 details: "Prints one finding per line (kind, entry ids, message) and exits 1 when there is any."),
        glossary("history", "Show the change history: who, when, what, old and new values.", usage: "[ID]", positionals: 0...1),
        glossary("stats", "Count entries by glossary, scope and status.", usage: ""),
    ]
}
