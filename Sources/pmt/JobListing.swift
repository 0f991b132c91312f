import Foundation
import Pipeline
import JobQueue

/// How `pmt queue list|dead|status` print jobs: an aligned table, or JSON lines for scripts.
enum JobListing {
    static func table(_ jobs: [JobRecord], errors: Bool) -> String {
        var rows = [["id", "state", "attempts", "priority", "name", errors ? "last error" : "finished"]]
        for job in jobs {
            let last = errors ? (job.lastError ?? "") : (job.finishedAt.map { $0.formatted(.iso8601) } ?? "")
            rows.append([String(job.id), job.state.rawValue, String(job.attempts), String(job.priority), printable(job.name), printable(last)])
        }
        let widths = (0..<rows[0].count - 1).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, value in
                column < widths.count ? value + String(repeating: " ", count: widths[column] - value.count) : value
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func jsonLine(_ job: JobRecord) -> String {
        var object: [String: Any] = [
            "id": job.id, "name": job.name, "state": job.state.rawValue, "attempts": job.attempts, "priority": job.priority,
            "content_sha256": job.contentSHA256, "completions": job.completions,
            "enqueued_at": job.enqueuedAt.timeIntervalSince1970,
        ]
        object["model"] = job.options.model
        object["glossary"] = job.options.glossary
        object["domain"] = job.options.domain
        object["last_error"] = job.lastError
        object["finished_at"] = job.finishedAt?.timeIntervalSince1970
        object["source_path"] = job.sourcePath
        object["lease_owner"] = job.leaseOwner
        if let outputs = job.outputs, let parsed = try? JSONSerialization.jsonObject(with: Data(outputs.utf8)) {
            object["outputs"] = parsed
        }
        return json(object)
    }

    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Names and errors come from outside: control characters would garble the terminal.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) ? "?" : $0 }))
    }
}
