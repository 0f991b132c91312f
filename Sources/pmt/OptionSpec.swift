/// One flag a command accepts, as its `--help` shows it.
struct OptionSpec: Sendable {
    let name: String            // "--beam-size"
    let value: String?          // "N" for flags that take a value, nil for switches
    let help: String
    var repeatable = false

    init(_ name: String, _ value: String? = nil, _ help: String, repeatable: Bool = false) {
        self.name = name
        self.value = value
        self.help = help
        self.repeatable = repeatable
    }
}

/// A command or sub-command: its flags, its positional arguments and its help text.
struct CommandSpec: Sendable {
    let path: [String]          // ["glossary", "add"]
    let summary: String
    let usage: String           // after "pmt "
    let options: [OptionSpec]
    let positionals: ClosedRange<Int>
    let details: String
    /// The issue that brings the command to life; nil once it works.
    let pendingIssue: String?

    init(
        _ path: [String], summary: String, usage: String, options: [OptionSpec] = [],
        positionals: ClosedRange<Int> = 0...0, details: String = "", pendingIssue: String? = nil
    ) {
        self.path = path
        self.summary = summary
        self.usage = usage
        self.options = options + [OptionSpec("--help", nil, "show this help and exit")]
        self.positionals = positionals
        self.details = details
        self.pendingIssue = pendingIssue
    }

    var name: String { path.joined(separator: " ") }

    var helpText: String {
        var text = "usage: pmt \(usage)\n\n\(summary)\n"
        if !details.isEmpty { text += "\n\(details)\n" }
        let rows = options.map { option in (option.value.map { "\(option.name) \($0)" } ?? option.name, option.help) }
        let width = rows.map(\.0.count).max() ?? 0
        text += "\noptions:\n"
        for (flag, help) in rows {
            text += "  " + flag + String(repeating: " ", count: width - flag.count + 2) + help + "\n"
        }
        if let pendingIssue {
            text += "\nstatus: not implemented yet (\(pendingIssue)); the command exits 1 without doing anything.\n"
        }
        return text
    }
}
