import Foundation

/// Entry point: finds the command, parses its flags, runs it, maps errors to exit codes
/// (0 success, 2 usage, 1 anything else) and `pmt: error: <where>: <what>` on stderr.
func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

func resolve(_ arguments: [String]) throws -> (CommandSpec, [String])? {
    guard let first = arguments.first else {
        throw CLIError.usage("no command given; run 'pmt --help' for the list")
    }
    switch first {
    case "--help", "-h", "help":
        print(CommandCatalog.helpText, terminator: "")
        return nil
    case "--version":
        print("pmt \(CommandCatalog.version)")
        return nil
    default:
        break
    }
    if let command = CommandCatalog.topLevel.first(where: { $0.name == first }) {
        return (command, Array(arguments.dropFirst()))
    }
    if let group = CommandCatalog.groups.first(where: { $0.name == first }) {
        let verbs = group.commands.map { $0.path[1] }
        guard arguments.count > 1, !arguments[1].hasPrefix("-") else {
            if arguments.dropFirst().first.map({ ["--help", "-h"].contains($0) }) == true {
                print("usage: pmt \(first) \(verbs.joined(separator: "|")) [options]\n\n\(group.summary)\n")
                for command in group.commands { print("  \(command.path[1]): \(command.summary)") }
                return nil
            }
            throw CLIError.usage("\(first): expected a sub-command: \(verbs.joined(separator: ", "))")
        }
        guard let command = group.commands.first(where: { $0.path[1] == arguments[1] }) else {
            let nearest = Suggestion.nearest(to: arguments[1], among: verbs)
            throw CLIError.usage("\(first): unknown sub-command '\(arguments[1])'" + (nearest.map { "; did you mean '\($0)'?" } ?? ""))
        }
        return (command, Array(arguments.dropFirst(2)))
    }
    let names = CommandCatalog.topLevel.map(\.name) + CommandCatalog.groups.map(\.name) + ["--help", "--version"]
    let nearest = Suggestion.nearest(to: first, among: names)
    throw CLIError.usage("unknown command '\(first)'" + (nearest.map { "; did you mean '\($0)'?" } ?? ""))
}

func run(_ arguments: [String]) -> Int32 {
    do {
        guard let (command, rest) = try resolve(arguments) else { return 0 }
        let parsed = try ParsedArguments(rest, spec: command)
        if parsed.has("--help") {
            print(command.helpText, terminator: "")
            return 0
        }
        try CommandRunner.run(command, parsed)
        return 0
    } catch let error as CLIError {
        standardError("pmt: error: \(error)")
        if case .usage = error { standardError("(run 'pmt --help' or 'pmt COMMAND --help' for usage)") }
        return error.exitCode
    } catch {
        standardError("pmt: error: \(error)")
        return 1
    }
}

exit(run(Array(CommandLine.arguments.dropFirst())))
