/// Input formats of `pmt translate --format`.
public enum DocumentFormat: String, CaseIterable, Sendable {
    case text, xml, jsonl

    /// `--format auto`: the file's extension, else a look at its first bytes.
    public static func detect(path: String?, head: [UInt8]) -> DocumentFormat {
        let lower = path?.lowercased() ?? ""
        if lower.hasSuffix(".xml") { return .xml }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".txt") { return .text }
        let body = head.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(head.dropFirst(3)) : head
        guard let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return .text }
        if first == UInt8(ascii: "<") { return .xml }
        if first == UInt8(ascii: "{") { return .jsonl }
        return .text
    }
}
