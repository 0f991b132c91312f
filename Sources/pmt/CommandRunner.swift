/// Runs a parsed command. Commands whose issue is not done say so and exit 1: they never
/// pretend to have done work.
enum CommandRunner {
    static func run(_ command: CommandSpec, _ arguments: ParsedArguments) throws {
        switch command.path {
        case ["tokenize"]: return try TokenizeCommand.run(arguments)
        case ["translate"]: return try TranslateCommand.run(arguments)
        case ["model", "info"]: return try ModelCommand.info(arguments)
        case ["model", "verify"]: return try ModelCommand.verify(arguments)
        case ["queue", "enqueue"], ["queue", "status"], ["queue", "list"], ["queue", "retry"], ["queue", "dead"]:
            return try QueueCommand.run(command.path[1], arguments)
        case ["worker"]: return try WorkerCommand.run(arguments)
        case ["bench"]: return try BenchCommand.run(arguments)
        case let path where path.first == "glossary": return try GlossaryCommand.run(path[1], arguments)
        default: break
        }
        if let issue = command.pendingIssue {
            throw CLIError.notImplemented(command: command.name, issue: issue)
        }
        throw CLIError.failure("\(command.name): no handler")
    }
}
