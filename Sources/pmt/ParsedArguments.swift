/// A command line checked against a `CommandSpec`.
struct ParsedArguments: Sendable {
    var values: [String: [String]] = [:]
    var switches: Set<String> = []
    var positionals: [String] = []

    func value(_ name: String) -> String? { values[name]?.last }
    func has(_ name: String) -> Bool { switches.contains(name) || values[name] != nil }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw CLIError.usage("\(name): expected an integer in \(range.lowerBound)…\(range.upperBound), got '\(text)'")
        }
        return number
    }

    func number(_ name: String) throws -> Double? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number.isFinite else {
            throw CLIError.usage("\(name): expected a number, got '\(text)'")
        }
        return number
    }

    func choice(_ name: String, from allowed: [String]) throws -> String? {
        guard let text = value(name) else { return nil }
        guard allowed.contains(text) else {
            throw CLIError.usage("\(name): '\(text)' is not one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// Parses `arguments` (the words after the command path). `--flag=value` and
    /// `--flag value` are both accepted; `--` ends the flags.
    init(_ arguments: [String], spec: CommandSpec) throws {
        var index = 0
        var flagsEnded = false
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if flagsEnded || !word.hasPrefix("-") || word == "-" {
                positionals.append(word)
                continue
            }
            if word == "--" { flagsEnded = true; continue }
            var name = word
            var inlineValue: String?
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                inlineValue = String(word[word.index(after: equals)...])
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                let nearest = Suggestion.nearest(to: name, among: spec.options.map(\.name))
                throw CLIError.usage("\(spec.name): unknown option '\(name)'" + (nearest.map { "; did you mean '\($0)'?" } ?? ""))
            }
            if option.value == nil {
                if inlineValue != nil { throw CLIError.usage("\(spec.name): \(name) takes no value") }
                switches.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count {
                value = arguments[index]
                index += 1
            } else {
                throw CLIError.usage("\(spec.name): \(name) needs a value (\(option.value!))")
            }
            if values[name] != nil && !option.repeatable {
                throw CLIError.usage("\(spec.name): \(name) given more than once")
            }
            values[name, default: []].append(value)
        }
        if !switches.contains("--help") && !spec.positionals.contains(positionals.count) {
            let range = spec.positionals
            let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" :
                range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw CLIError.usage("\(spec.name): expected \(expected) argument(s), got \(positionals.count)" +
                (positionals.isEmpty ? "" : " ('\(positionals.joined(separator: "' '"))')"))
        }
    }
}
