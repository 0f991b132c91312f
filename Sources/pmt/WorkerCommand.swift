import Dispatch
import Foundation
import JobQueue
import Pipeline
import Synchronization
import Translator

/// `pmt worker`: loads the model once, then takes jobs from the queue until SIGTERM or
/// SIGINT. The first signal lets the jobs in hand finish; a second gives them back.
enum WorkerCommand {
    /// Jobs name their model by the folder's last component, which stays the same on
    /// machines that mount the folder at different paths.
    static func modelName(_ directory: String) -> String {
        URL(fileURLWithPath: directory).standardized.lastPathComponent
    }

    static func run(_ arguments: ParsedArguments) throws {
        let signals = SignalStop()
        guard let model = arguments.value("--model") else { throw CLIError.usage("worker: --model DIR is required") }
        guard let out = arguments.value("--out") else { throw CLIError.usage("worker: --out DIR is required") }
        let queueURL: QueueURL
        do {
            queueURL = try arguments.value("--queue").map { try QueueURL($0) } ?? .default
        } catch {
            throw CLIError.usage("worker: --queue: \(error)")
        }
        let concurrency = try arguments.integer("--concurrency", in: 1...256) ?? 1
        let maxAttempts = try arguments.integer("--max-attempts", in: 1...1000) ?? 5
        let lease = try arguments.number("--lease-seconds") ?? 60
        guard lease >= 1 else { throw CLIError.usage("worker: --lease-seconds: at least 1, got \(lease)") }
        let retryDelay = try arguments.number("--retry-delay") ?? 10
        guard retryDelay >= 0 && retryDelay <= 86_400 else { throw CLIError.usage("worker: --retry-delay: 0 to 86400 seconds, got \(retryDelay)") }
        let threads = try arguments.integer("--threads", in: 1...256) ?? (concurrency > 1 ? 1 : 2)

        let outFolder = URL(fileURLWithPath: out)
        try checkWritableFolder(outFolder, flag: "--out")
        var inbox: InboxConfiguration?
        if let inboxPath = arguments.value("--inbox") {
            let folder = URL(fileURLWithPath: inboxPath)
            try checkWritableFolder(folder, flag: "--inbox")
            inbox = InboxConfiguration(folder: folder, archive: arguments.value("--archive").map { URL(fileURLWithPath: $0) },
                                       options: JobOptions(model: modelName(model)))
        } else if arguments.has("--archive") {
            throw CLIError.usage("worker: --archive needs --inbox")
        }

        // Fail fast on a queue that cannot be opened (the error names it, never its password).
        do {
            _ = try queueURL.open()
        } catch {
            throw CLIError.failure("worker: \(error)")
        }
        let translator: Translator
        do {
            translator = try Translator(modelDirectory: URL(fileURLWithPath: model))
        } catch {
            throw CLIError.failure("worker: --model \(model): \(error)")
        }
        var options = translator.defaultOptions
        options.threads = threads

        let configuration = WorkerConfiguration(
            queue: queueURL, outputFolder: outFolder, concurrency: concurrency, leaseSeconds: lease,
            retry: RetryPolicy(maxAttempts: maxAttempts, baseDelaySeconds: retryDelay, maxDelaySeconds: max(retryDelay, 3600)),
            model: modelName(model), inbox: inbox)
        let fingerprint: String
        do {
            fingerprint = try ModelFingerprint.of(URL(fileURLWithPath: model))
        } catch {
            throw CLIError.failure("worker: --model \(model): \(error)")
        }
        let handler = FilingJobHandler(translator: translator, options: options, modelFingerprint: fingerprint,
                                       memoryPath: arguments.value("--memory"))
        let worker = Worker(configuration: configuration, handler: handler)
        signals.attach(worker)
        withExtendedLifetime(signals) { _ = worker.run() }
    }

    /// The output (or inbox) folder must exist and take files: found now, not per job.
    static func checkWritableFolder(_ folder: URL, flag: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            throw CLIError.failure("worker: \(flag) \(folder.path): the folder does not exist")
        }
        guard isFolder.boolValue else { throw CLIError.failure("worker: \(flag) \(folder.path): not a folder") }
        do {
            let probe = ".pmt-worker-probe-\(ProcessInfo.processInfo.processIdentifier)"
            try AtomicFile.write(Data(), folder: folder, name: probe)
            try FileManager.default.removeItem(at: folder.appendingPathComponent(probe))
        } catch {
            throw CLIError.failure("worker: \(flag) \(folder.path): cannot write there: \(error)")
        }
    }
}

/// SIGTERM and SIGINT through dispatch sources (not async-signal handlers, so the stop
/// logic may lock and log): the first stops taking jobs, the second releases them and exits.
/// Installed before the model loads, so a signal during start-up is a clean stop too.
final class SignalStop {
    private let sources: [any DispatchSourceSignal]

    private final class State: Sendable {
        let value = Mutex<(signals: Int, worker: Worker?)>((0, nil))
    }
    private let state = State()

    init() {
        let queue = DispatchQueue(label: "pmt.worker.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: queue))
        }
        self.sources = sources
        let state = self.state
        for source in sources {
            source.setEventHandler {
                let (count, worker) = state.value.withLock { value -> (Int, Worker?) in
                    value.signals += 1
                    return (value.signals, value.worker)
                }
                if count == 1 {
                    worker?.stop()
                } else {
                    worker?.releaseHeldJobs()
                    // The job threads are still translating: exit's clean-up (library
                    // destructors, OpenBLAS's buffers among them) would free memory under
                    // them and crash the process, so leave without it.
                    fflush(nil)
                    _exit(0)
                }
            }
            source.resume()
        }
    }

    /// From now on signals go to `worker`; one that came during start-up stops it at once.
    func attach(_ worker: Worker) {
        let signals = state.value.withLock { value -> Int in
            value.worker = worker
            return value.signals
        }
        if signals > 0 { worker.stop() }
    }
}
