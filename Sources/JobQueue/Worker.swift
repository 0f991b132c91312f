import Foundation
import Pipeline
import Synchronization

/// What became of one claim.
public enum JobOutcome: Equatable, Sendable {
    case idle
    case succeeded(Int64)
    case retrying(Int64)
    case dead(Int64)
    /// Given back without counting the attempt (the machine's fault, or shutdown).
    case released(Int64)
    /// The lease expired and another worker took the job; this worker's result was dropped.
    case leaseLost(Int64)
}

public struct WorkerSummary: Equatable, Sendable {
    public var succeeded = 0
    public var retrying = 0
    public var dead = 0
    public var released = 0
    public var leaseLost = 0
    public var seconds = 0.0

    public var jobsPerMinute: Double { seconds > 0 ? Double(succeeded) * 60 / seconds : 0 }
}

/// Takes jobs from the queue and runs them through the handler, `concurrency` at a time,
/// each slot on its own thread with its own queue connection; a heartbeat thread renews
/// the leases of the jobs in hand, and an inbox thread enqueues arriving files.
///
/// `stop()` (SIGTERM/SIGINT) lets the jobs in hand finish and takes no more;
/// `releaseHeldJobs()` (a second signal) gives them back at once for others to take.
public final class Worker: Sendable {
    public let configuration: WorkerConfiguration
    private let handler: any JobHandler
    private let log: WorkerLog
    private let clock: QueueClock
    private let state = Mutex(State())

    private struct State {
        var stopping = false
        var slotsDone = false
        var held: [String: ClaimedJob] = [:]     // by lease token
        var summary = WorkerSummary()
    }

    public init(configuration: WorkerConfiguration, handler: any JobHandler, log: WorkerLog = WorkerLog(), clock: @escaping QueueClock = { Date() }) {
        self.configuration = configuration
        self.handler = handler
        self.log = log
        self.clock = clock
    }

    public var isStopping: Bool { state.withLock { $0.stopping } }
    public var summary: WorkerSummary { state.withLock { $0.summary } }

    public func stop() {
        let first = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        if first { log.info("worker.stopping", ["held": .int(state.withLock { $0.held.count })]) }
    }

    /// Blocks until `stop()` and the jobs in hand are done; returns what was done.
    @discardableResult
    public func run() -> WorkerSummary {
        let started = clock()
        log.info("worker.started", ["worker": .string(configuration.name), "queue": .string(configuration.queue.description),
                                    "out": .string(configuration.outputFolder.path), "concurrency": .int(configuration.concurrency),
                                    "lease_seconds": .double(configuration.leaseSeconds), "max_attempts": .int(configuration.retry.maxAttempts)])
        let slots = DispatchGroup()
        for slot in 0..<configuration.concurrency {
            slots.enter()
            Thread { [self] in
                slotLoop(slot)
                slots.leave()
            }.start()
        }
        let helpers = DispatchGroup()
        helpers.enter()
        Thread { [self] in
            heartbeatLoop(started: started)
            helpers.leave()
        }.start()
        if let inbox = configuration.inbox {
            helpers.enter()
            Thread { [self] in
                InboxWatcher(configuration: inbox, queue: configuration.queue, log: log).run(until: { self.isStopping })
                helpers.leave()
            }.start()
        }
        slots.wait()
        state.withLock { $0.slotsDone = true }
        helpers.wait()
        let summary = state.withLock { state in
            state.summary.seconds = clock().timeIntervalSince(started)
            return state.summary
        }
        log.info("worker.stopped", ["succeeded": .int(summary.succeeded), "retrying": .int(summary.retrying), "dead": .int(summary.dead),
                                    "released": .int(summary.released), "lease_lost": .int(summary.leaseLost),
                                    "seconds": .double(summary.seconds), "jobs_per_minute": .double(summary.jobsPerMinute)])
        return summary
    }

    // MARK: - slots

    private func slotLoop(_ slot: Int) {
        var queue: (any JobQueue)?
        var failures = 0
        while !isStopping {
            do {
                if queue == nil { queue = try configuration.queue.open(clock: clock) }
                let outcome = try processNext(using: queue!)
                failures = 0
                if outcome == .idle { try queue!.waitForWork(timeout: configuration.idleWaitSeconds) }
            } catch {
                // The queue is unreachable, locked or read-only: the job in hand (if any) stays
                // leased and returns to the queue when its lease expires; nothing is lost.
                failures += 1
                let wait = min(30, 0.5 * pow(2, Double(min(failures, 6))))
                log.error("queue.error", ["slot": .int(slot), "error": .string("\(error)"), "retry_in_seconds": .double(wait)])
                queue = nil
                pause(wait)
            }
        }
    }

    /// Sleeps up to `seconds`, waking early when the worker stops.
    private func pause(_ seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end && !isStopping { Thread.sleep(forTimeInterval: min(0.05, end.timeIntervalSinceNow)) }
    }

    /// Claims one job and carries it to its next state. Queue errors are thrown (the job
    /// stays leased and comes back after the lease); handler and output errors are not.
    public func processNext(using queue: any JobQueue) throws -> JobOutcome {
        guard let job = try queue.claim(worker: configuration.name, leaseSeconds: configuration.leaseSeconds,
                                        maxAttempts: configuration.retry.maxAttempts, model: configuration.model) else { return .idle }
        state.withLock { $0.held[job.leaseToken] = job }
        defer { _ = state.withLock { $0.held.removeValue(forKey: job.leaseToken) } }
        let started = Date()
        log.info("job.started", ["job": .int(Int(job.id)), "name": .string(job.name), "attempt": .int(job.attempts)])

        let documents: [OutputDocument]
        do {
            documents = try handler.process(job)
        } catch let fault as EnvironmentFault {
            return try giveBack(job, queue, because: "\(fault)")
        } catch {
            return try failed(job, queue, error: "\(error)")
        }

        var written: [[String: Any]] = []
        var names = Set<String>()
        do {
            for document in documents {
                let name = OutputName.safe(document.name)
                guard names.insert(name).inserted else { return try failed(job, queue, error: "two outputs are both named '\(name)'") }
                let url = try AtomicFile.write(document.contents, folder: configuration.outputFolder, name: name)
                written.append(["name": name, "path": url.path, "bytes": document.contents.count,
                                "lines": document.contents.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) },
                                "sha256": SHA256.hex(document.contents)])
            }
        } catch {
            return try giveBack(job, queue, because: "output: \(error)")
        }
        let summary = (try? JSONSerialization.data(withJSONObject: written, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        guard try recordCompletion(job, outputs: summary, queue) else {
            record(\.leaseLost)
            log.warning("job.lease-lost", ["job": .int(Int(job.id)), "name": .string(job.name),
                                           "note": "the lease expired and another worker took the job; it writes the same outputs"])
            return .leaseLost(job.id)
        }
        record(\.succeeded)
        log.info("job.succeeded", ["job": .int(Int(job.id)), "name": .string(job.name), "attempt": .int(job.attempts),
                                   "outputs": .string(written.compactMap { $0["name"] as? String }.joined(separator: ",")),
                                   "seconds": .double(Date().timeIntervalSince(started))])
        return .succeeded(job.id)
    }

    /// The outputs are written: keep trying to record that while the lease lasts (a queue
    /// restart or a lock should not make the job run again), on a new connection if need be.
    private func recordCompletion(_ job: ClaimedJob, outputs: String, _ queue: any JobQueue) throws -> Bool {
        do {
            return try queue.complete(job, outputs: outputs)
        } catch {
            let deadline = Date().addingTimeInterval(configuration.leaseSeconds)
            var last = error
            log.error("queue.error", ["during": "complete", "job": .int(Int(job.id)), "error": .string("\(error)")])
            while Date() < deadline {
                Thread.sleep(forTimeInterval: min(1, configuration.leaseSeconds / 10))
                do {
                    return try configuration.queue.open(clock: clock).complete(job, outputs: outputs)
                } catch {
                    last = error
                }
            }
            throw last
        }
    }

    private func failed(_ job: ClaimedJob, _ queue: any JobQueue, error: String) throws -> JobOutcome {
        let retryAt = configuration.retry.retryAt(afterAttempt: job.attempts, now: clock())
        guard try queue.fail(job, error: error, retryAt: retryAt) else { return lost(job) }
        if let retryAt {
            record(\.retrying)
            log.warning("job.failed", ["job": .int(Int(job.id)), "name": .string(job.name), "attempt": .int(job.attempts),
                                       "error": .string(error), "retry_in_seconds": .double(retryAt.timeIntervalSince(clock()))])
            return .retrying(job.id)
        }
        record(\.dead)
        log.error("job.dead", ["job": .int(Int(job.id)), "name": .string(job.name), "attempts": .int(job.attempts), "error": .string(error)])
        return .dead(job.id)
    }

    private func giveBack(_ job: ClaimedJob, _ queue: any JobQueue, because problem: String) throws -> JobOutcome {
        let retryAt = clock().addingTimeInterval(configuration.retry.delay(afterAttempt: max(1, job.attempts)))
        guard try queue.release(job, retryAt: retryAt, error: problem) else { return lost(job) }
        record(\.released)
        log.error("job.released", ["job": .int(Int(job.id)), "name": .string(job.name), "error": .string(problem),
                                   "retry_in_seconds": .double(retryAt.timeIntervalSince(clock())),
                                   "note": "not the document's fault: the attempt is not counted"])
        return .released(job.id)
    }

    private func lost(_ job: ClaimedJob) -> JobOutcome {
        record(\.leaseLost)
        log.warning("job.lease-lost", ["job": .int(Int(job.id)), "name": .string(job.name)])
        return .leaseLost(job.id)
    }

    private func record(_ counter: WritableKeyPath<WorkerSummary, Int>) {
        state.withLock { $0.summary[keyPath: counter] += 1 }
    }

    // MARK: - leases

    private func heartbeatLoop(started: Date) {
        var queue: (any JobQueue)?
        var lastBeat = Date.distantPast
        var lastReport = Date()
        while !state.withLock({ $0.slotsDone }) {
            Thread.sleep(forTimeInterval: 0.05)
            if Date().timeIntervalSince(lastBeat) >= configuration.heartbeatSeconds {
                lastBeat = Date()
                let held = state.withLock { Array($0.held.values) }
                for job in held {
                    do {
                        if queue == nil { queue = try configuration.queue.open(clock: clock) }
                        if try !queue!.heartbeat(job, leaseSeconds: configuration.leaseSeconds) {
                            log.warning("job.lease-lost", ["job": .int(Int(job.id)), "name": .string(job.name), "during": "heartbeat"])
                        }
                    } catch {
                        log.error("queue.error", ["during": "heartbeat", "job": .int(Int(job.id)), "error": .string("\(error)")])
                        queue = nil
                    }
                }
            }
            if Date().timeIntervalSince(lastReport) >= configuration.throughputReportSeconds {
                lastReport = Date()
                let summary = state.withLock { $0.summary }
                let seconds = clock().timeIntervalSince(started)
                log.info("worker.throughput", ["succeeded": .int(summary.succeeded), "dead": .int(summary.dead), "seconds": .double(seconds),
                                               "jobs_per_minute": .double(seconds > 0 ? Double(summary.succeeded) * 60 / seconds : 0)])
            }
        }
    }

    /// Gives every job in hand back to the queue now (a second signal, or a deadline):
    /// other workers take them at once; this worker's late results are refused.
    public func releaseHeldJobs() {
        stop()
        let held = state.withLock { Array($0.held.values) }
        guard !held.isEmpty else { return }
        do {
            let queue = try configuration.queue.open(clock: clock)
            for job in held where try queue.release(job, retryAt: clock(), error: nil) {
                record(\.released)
                log.info("job.released", ["job": .int(Int(job.id)), "name": .string(job.name), "reason": "shutdown"])
            }
        } catch {
            log.error("queue.error", ["during": "release", "error": .string("\(error)"),
                                      "note": "the jobs in hand return to the queue when their leases expire"])
        }
    }
}
