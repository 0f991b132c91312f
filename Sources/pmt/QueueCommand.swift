import Foundation
import JobQueue

/// `pmt queue enqueue|status|list|retry|dead`: add filings and look after the queue.
enum QueueCommand {
    static func run(_ verb: String, _ arguments: ParsedArguments) throws {
        let where_ = "queue \(verb)"
        let url: QueueURL
        do {
            url = try arguments.value("--queue").map { try QueueURL($0) } ?? .default
        } catch {
            throw CLIError.usage("\(where_): --queue: \(error)")
        }
        // Looking at a queue that is not there should not leave an empty one behind.
        if verb != "enqueue", case .sqlite(let path) = url, !FileManager.default.fileExists(atPath: path) {
            throw CLIError.failure("\(where_): \(url): no queue file there (pmt queue enqueue or pmt worker creates it)")
        }
        let format = try arguments.choice("--format", from: ["text", "jsonl"]) ?? "text"
        let limit = try arguments.integer("--limit", in: 1...10_000_000) ?? 1000
        switch verb {
        case "enqueue": try enqueue(arguments, url, where_)
        case "status":
            let counts = try open(url, where_) { try $0.counts() }
            if format == "jsonl" {
                var object = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, counts[$0, default: 0]) })
                object["total"] = counts.values.reduce(0, +)
                print(JobListing.json(object))
            } else {
                for state in JobState.allCases { print("\(state.rawValue)\t\(counts[state, default: 0])") }
                print("total\t\(counts.values.reduce(0, +))")
            }
        case "list", "dead":
            var state: JobState? = .dead
            if verb == "list" {
                state = try arguments.choice("--state", from: JobState.allCases.map(\.rawValue)).flatMap(JobState.init(rawValue:))
            }
            let jobs = try open(url, where_) { try $0.list(state: state, limit: limit) }
            if format == "jsonl" {
                for job in jobs { print(JobListing.jsonLine(job)) }
            } else {
                print(JobListing.table(jobs, errors: verb == "dead"), terminator: "")
            }
        case "retry":
            var ids: [Int64] = []
            for text in arguments.positionals {
                guard let id = Int64(text), id > 0 else { throw CLIError.usage("\(where_): '\(text)' is not a job id") }
                ids.append(id)
            }
            let (changed, records) = try open(url, where_) { queue in
                (try queue.retry(ids: ids), try ids.map { try queue.job(id: $0) })
            }
            var refused: [String] = []
            for (id, record) in zip(ids, records) {
                if changed.contains(id) {
                    print("job \(id): queued again")
                } else if let record {
                    refused.append("job \(id) is \(record.state.rawValue), not dead or failed-retrying")
                } else {
                    refused.append("no job \(id)")
                }
            }
            if !refused.isEmpty { throw CLIError.failure("\(where_): \(refused.joined(separator: "; "))") }
        default:
            throw CLIError.failure("\(where_): no handler")
        }
    }

    /// Opens the queue and runs `body`; queue failures become `pmt: error: queue VERB: …`.
    static func open<T>(_ url: QueueURL, _ where_: String, _ body: (any JobQueue) throws -> T) throws -> T {
        do {
            return try body(try url.open())
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError.failure("\(where_): \(error)")
        }
    }

    private static func enqueue(_ arguments: ParsedArguments, _ url: QueueURL, _ where_: String) throws {
        let priority = try arguments.integer("--priority", in: -1_000_000...1_000_000) ?? 0
        // The glossary is named by an absolute path: workers run elsewhere (another folder, or
        // another machine that mounts the store at the same path).
        let glossary = arguments.value("--glossary").map { URL(fileURLWithPath: $0).standardized.path }
        if let glossary, !FileManager.default.fileExists(atPath: glossary) {
            throw CLIError.failure("\(where_): --glossary \(glossary): no glossary store there")
        }
        let options = JobOptions(model: arguments.value("--model").map(WorkerCommand.modelName),
                                 glossary: glossary, domain: arguments.value("--domain"))
        // Every path is checked and read before anything is enqueued: a typo enqueues nothing.
        var requests: [EnqueueRequest] = []
        for path in arguments.positionals {
            for filing in try Filings.collect(path, where_) {
                guard let content = FileManager.default.contents(atPath: filing.path) else {
                    throw CLIError.failure("\(where_): \(filing.path): cannot read the file")
                }
                requests.append(EnqueueRequest(name: filing.name, content: content, options: options, priority: priority,
                                               sourcePath: URL(fileURLWithPath: filing.path).standardized.path))
            }
        }
        try open(url, where_) { queue in
            for request in requests {
                let outcome = try queue.enqueue(request)
                print(outcome.created ? "job \(outcome.id): queued: \(request.sourcePath ?? request.name)"
                                      : "job \(outcome.id): already in the queue (\(outcome.state.rawValue)): \(request.sourcePath ?? request.name)")
            }
        }
    }
}

/// The files a path names: the file itself, or every non-hidden file under a folder, named
/// by their path inside it (so `a/x.txt` and `b/x.txt` keep apart).
enum Filings {
    static func collect(_ path: String, _ where_: String) throws -> [(path: String, name: String)] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CLIError.failure("\(where_): \(path): no such file or folder")
        }
        guard isFolder.boolValue else { return [(path, URL(fileURLWithPath: path).lastPathComponent)] }
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw CLIError.failure("\(where_): \(path): cannot read the folder")
        }
        var found: [(path: String, name: String)] = []
        while let relative = walker.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let full = URL(fileURLWithPath: path).appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append((full, relative))
            }
        }
        guard !found.isEmpty else { throw CLIError.failure("\(where_): \(path): the folder holds no files") }
        return found.sorted { $0.name < $1.name }
    }
}
