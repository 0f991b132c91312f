/// Reads TSV (tab-separated, no quoting: fields never hold tabs or line breaks) and CSV
/// (RFC 4180: comma-separated, fields with commas, quotes or line breaks in double quotes,
/// a quote doubled inside). Both: UTF-8 (a leading BOM is dropped), a header row naming the
/// columns, LF or CRLF line ends, blank lines skipped. Every problem is `file:line: what`.
enum DelimitedTermReader {
    static func read(_ bytes: [UInt8], path: String, format: TermFileFormat) throws -> [(line: Int, fields: [String])] {
        let text = try decode(bytes, path: path)
        let rows = format == .csv ? try csvRows(text, path: path) : tsvRows(text)
        return rows.filter { !($0.fields.count == 1 && $0.fields[0].isEmpty) }
    }

    /// Checks every line is UTF-8 and names the first that is not.
    static func decode(_ bytes: [UInt8], path: String) throws -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var line = 1, start = body.startIndex
        for index in body.indices where body[index] == 0x0A || index == body.index(before: body.endIndex) {
            let end = body[index] == 0x0A ? index : body.endIndex
            if String(validating: body[start..<end], as: UTF8.self) == nil {
                throw GlossaryError.file(path: path, line: line, message: "invalid UTF-8")
            }
            line += 1
            start = body.index(after: index)
        }
        return String(decoding: body, as: UTF8.self)
    }

    static func tsvRows(_ text: String) -> [(line: Int, fields: [String])] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines.enumerated().map { k, line in
            let content = line.hasSuffix("\r") ? line.dropLast() : line
            return (k + 1, content.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
        }
    }

    static func csvRows(_ text: String, path: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = [], field = String.UnicodeScalarView()
        var line = 1, rowLine = 1
        var quoted = false, wasQuoted = false
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            wasQuoted = false
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                    quoted = false
                    i += 1
                    if i < scalars.count && !(scalars[i] == "," || scalars[i] == "\n" || scalars[i] == "\r") {
                        throw GlossaryError.file(path: path, line: line, message: "text after a closing quote (a quote inside a quoted field is written twice)")
                    }
                    continue
                }
                if c == "\n" { line += 1 }
                field.append(c)
                i += 1
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty && !wasQuoted else {
                    throw GlossaryError.file(path: path, line: line, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                }
                quoted = true
                wasQuoted = true
            case ",":
                endField()
            case "\r" where i + 1 < scalars.count && scalars[i + 1] == "\n":
                break
            case "\n":
                endField()
                rows.append((rowLine, fields))
                fields = []
                line += 1
                rowLine = line
            default:
                field.append(c)
            }
            i += 1
        }
        if quoted { throw GlossaryError.file(path: path, line: rowLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted {
            endField()
            rows.append((rowLine, fields))
        }
        return rows
    }

    /// Records from rows: the first row is the header.
    static func records(_ rows: [(line: Int, fields: [String])], path: String) throws -> [(line: Int, record: TermRecord)] {
        guard let header = rows.first else { throw GlossaryError.fileLevel(path: path, message: "empty file (expected a header row: source, target, …)") }
        let names = header.fields.map { $0.trimmingSpaces.lowercased() }
        guard names.count >= 2, names[0] == "source", names[1] == "target" else {
            throw GlossaryError.file(path: path, line: header.line, message: "the header must start with the columns source and target (found: \(names.joined(separator: ", ")))")
        }
        for (k, name) in names.enumerated() {
            guard TermFileFormat.columns.contains(name) else {
                throw GlossaryError.file(path: path, line: header.line, message: "unknown column '\(name)' (known: \(TermFileFormat.columns.joined(separator: ", ")))")
            }
            guard !names[..<k].contains(name) else { throw GlossaryError.file(path: path, line: header.line, message: "column '\(name)' appears twice") }
        }
        return try rows.dropFirst().map { row in
            guard row.fields.count == names.count else {
                throw GlossaryError.file(path: path, line: row.line, message: "expected \(names.count) fields, found \(row.fields.count)")
            }
            do {
                return (row.line, try record(Dictionary(uniqueKeysWithValues: zip(names, row.fields))))
            } catch let error as GlossaryError {
                throw GlossaryError.file(path: path, line: row.line, message: "\(error)")
            }
        }
    }

    static func record(_ f: [String: String]) throws -> TermRecord {
        let source = f["source"] ?? "", target = f["target"] ?? ""
        if source.isEmpty { throw GlossaryError.store("empty source term") }
        if target.isEmpty { throw GlossaryError.store("empty target term") }
        var priority: Int?
        if let text = f["priority"], !text.isEmpty {
            guard let value = Int(text) else { throw GlossaryError.invalidValue(field: "priority", value: text, message: "expected an integer") }
            priority = value
        }
        let record = TermRecord(
            source: source, target: target, status: try f["status"].flatMap { $0.isEmpty ? nil : try TermStatus.parse($0) } ?? .approved,
            caseSensitive: try FileBoolean.parse(f["case_sensitive"] ?? "", field: "case_sensitive"),
            matchMode: try f["match"].flatMap { $0.isEmpty ? nil : try MatchMode.parse($0) } ?? .inflected,
            domain: f["domain"].flatMap { $0.isEmpty ? nil : $0 }, priority: priority, note: f["note"] ?? "", authority: f["authority"] ?? "")
        try record.validate()
        return record
    }
}

extension String {
    var trimmingSpaces: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return self[first...last]
    }
}
