import Foundation

/// Polls a folder: each regular file whose size and modification time held still between
/// two looks (so a file still being copied in is left alone) is enqueued, then moved to
/// the archive folder. Enqueue comes first: a crash between the two re-enqueues the file
/// on the next look, which the idempotency key makes the same job.
struct InboxWatcher {
    let configuration: InboxConfiguration
    let queue: QueueURL
    let log: WorkerLog

    func run(until stopped: () -> Bool) {
        var connection: (any JobQueue)?
        var previous: [String: FileStamp] = [:]
        while !stopped() {
            do {
                if connection == nil { connection = try queue.open() }
                previous = try look(connection!, previous: previous)
            } catch {
                log.error("inbox.error", ["folder": .string(configuration.folder.path), "error": .string("\(error)")])
                connection = nil
            }
            let end = Date().addingTimeInterval(configuration.pollSeconds)
            while Date() < end && !stopped() { Thread.sleep(forTimeInterval: 0.05) }
        }
    }

    struct FileStamp: Equatable {
        let size: Int
        let modified: Date
    }

    /// One look at the folder; returns the stamps to compare with next time.
    func look(_ connection: any JobQueue, previous: [String: FileStamp]) throws -> [String: FileStamp] {
        let manager = FileManager.default
        let names = try manager.contentsOfDirectory(atPath: configuration.folder.path).sorted()
        var stamps: [String: FileStamp] = [:]
        for name in names where !name.hasPrefix(".") {
            let url = configuration.folder.appendingPathComponent(name)
            guard let attributes = try? manager.attributesOfItem(atPath: url.path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let stamp = FileStamp(size: (attributes[.size] as? NSNumber)?.intValue ?? -1,
                                  modified: attributes[.modificationDate] as? Date ?? .distantPast)
            guard previous[name] == stamp else {
                stamps[name] = stamp
                continue
            }
            guard let content = manager.contents(atPath: url.path) else { continue }  // taken by another worker
            let outcome = try connection.enqueue(EnqueueRequest(name: name, content: content, options: configuration.options, sourcePath: url.path))
            try archive(url, name: name)
            log.info("inbox.enqueued", ["name": .string(name), "job": .int(Int(outcome.id)), "new": .bool(outcome.created)])
        }
        return stamps
    }

    /// Moves the file into the archive, never over an earlier file of the same name.
    private func archive(_ url: URL, name: String) throws {
        try FileManager.default.createDirectory(at: configuration.archive, withIntermediateDirectories: true)
        var target = configuration.archive.appendingPathComponent(name)
        var counter = 1
        while FileManager.default.fileExists(atPath: target.path) {
            counter += 1
            target = configuration.archive.appendingPathComponent("\(name).\(counter)")
        }
        if rename(url.path, target.path) != 0 && errno != ENOENT {
            throw OutputError(path: url.path, problem: "cannot move into the archive \(configuration.archive.path): \(String(cString: strerror(errno)))")
        }
    }
}
