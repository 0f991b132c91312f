import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on stderr: segments done, rate and time left. Shown when stderr
/// is a terminal (or with `--progress`), never with `--no-progress`.
final class ProgressBar {
    let label: String
    let enabled: Bool
    let started = Date()
    private var lastDraw = Date.distantPast

    init(label: String, arguments: ParsedArguments) {
        self.label = label
        enabled = !arguments.has("--no-progress") && (arguments.has("--progress") || isatty(2) == 1)
    }

    func update(done: Int, total: Int) {
        guard enabled, total > 0 else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let width = 24
        let filled = min(width, width * done / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = "\r\(label) [\(bar)] \(done)/\(total) segments  \(String(format: "%.1f", rate)) seg/s  \(Self.clock(left)) left "
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
