import Foundation
import Synchronization

/// One value of a log line.
public enum LogValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }

    var json: Any {
        switch self {
        case .string(let v): return v
        case .int(let v): return v
        case .double(let v): return v.isFinite ? (v * 1000).rounded() / 1000 : 0
        case .bool(let v): return v
        }
    }
}

/// JSON lines on stderr (or a test's sink): one object per event with `time`, `level`,
/// `event` and the event's fields, so operators can grep and machines can parse.
public final class WorkerLog: Sendable {
    private let sink: @Sendable (String) -> Void
    private let lock = Mutex(())

    public init(sink: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.sink = sink
    }

    public func info(_ event: String, _ fields: [String: LogValue] = [:]) { write("info", event, fields) }
    public func warning(_ event: String, _ fields: [String: LogValue] = [:]) { write("warning", event, fields) }
    public func error(_ event: String, _ fields: [String: LogValue] = [:]) { write("error", event, fields) }

    private func write(_ level: String, _ event: String, _ fields: [String: LogValue]) {
        var object = fields.mapValues(\.json)
        object["time"] = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        object["level"] = level
        object["event"] = event
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        let line = String(decoding: data, as: UTF8.self)
        lock.withLock { _ in sink(line) }
    }
}
