import Dispatch
import Foundation

/// Runs independent batches on several threads at once, each pulling the next batch in
/// order. Two single-threaded BLAS streams beat one two-threaded one at decoding sizes:
/// OpenBLAS's threads meet at every product (tens per step), and at a few hundred rows
/// each meeting costs more than the split saves.
enum BatchWorkers {
    /// Calls `body(i)` for every i in 0..<count on `workers` threads; the first error thrown
    /// stops the other workers after their current batch and is rethrown.
    static func run(count: Int, workers: Int, _ body: (Int) throws -> Void) throws {
        let workers = max(1, min(workers, count))
        guard workers > 1 else {
            for i in 0..<count { try body(i) }
            return
        }
        let queue = JobCounter(count: count)
        try withoutActuallyEscaping(body) { body in
            let work = UnsafeSendableBody(value: body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = queue.next() {
                    do { try work.value(i) } catch { queue.fail(error) }
                }
            }
            if let error = queue.error { throw error }
        }
    }
}

/// The next job index and the first failure, behind a lock.
private final class JobCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int
    private(set) var error: Error?

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard error == nil, nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func fail(_ error: Error) {
        lock.lock()
        if self.error == nil { self.error = error }
        lock.unlock()
    }
}

/// Carries the batch body into Dispatch's `@Sendable` closure; the body writes its results
/// through a lock (`ResultSlots`).
private struct UnsafeSendableBody: @unchecked Sendable {
    let value: (Int) throws -> Void
}

/// Results written by several workers, each to its own indices.
final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value]

    init(repeating value: Value, count: Int) { values = Array(repeating: value, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    var all: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
