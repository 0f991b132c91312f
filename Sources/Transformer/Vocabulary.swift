import Foundation

/// A model vocabulary: id → piece and piece → id. Lookups compare pieces byte for byte (UTF-8),
/// not by Swift's canonical string equivalence, so two pieces that differ only in Unicode
/// normalization stay two pieces.
public struct Vocabulary: Sendable, Equatable {
    /// The file it was read from, for messages.
    public let file: String
    /// `pieces[id]`.
    public let pieces: [String]
    private let idsByBytes: [PieceKey: Int]

    struct PieceKey: Hashable, Sendable {
        let bytes: [UInt8]
        init(_ piece: String) { bytes = Array(piece.utf8) }
    }

    /// `pieces[id]` for ids 0 ..< count. A piece listed twice keeps its lowest id for lookups.
    public init(file: String, pieces: [String]) {
        self.file = file
        self.pieces = pieces
        var ids: [PieceKey: Int] = [:]
        ids.reserveCapacity(pieces.count)
        for (id, piece) in pieces.enumerated() where ids[PieceKey(piece)] == nil { ids[PieceKey(piece)] = id }
        self.idsByBytes = ids
    }

    public var count: Int { pieces.count }

    public func id(of piece: String) -> Int? { idsByBytes[PieceKey(piece)] }

    public func piece(_ id: Int) -> String? { pieces.indices.contains(id) ? pieces[id] : nil }

    public subscript(id: Int) -> String { pieces[id] }

    public static func == (a: Vocabulary, b: Vocabulary) -> Bool {
        a.pieces.count == b.pieces.count && zip(a.pieces, b.pieces).allSatisfy { Array($0.utf8) == Array($1.utf8) }
    }

    /// The same vocabulary without its last `count` ids (HF's appended `<pad>`).
    func droppingLast(_ count: Int) -> Vocabulary {
        Vocabulary(file: file, pieces: Array(pieces.dropLast(count)))
    }
}

/// Readers for the vocabulary files model folders ship.
public enum VocabularyReader {
    /// Marian's vocabulary `.yml` (`piece: id` per line, as yaml-cpp writes it), read line by line
    /// like CTranslate2's `load_vocab` (PyYAML would drop entries) but with YAML's own rules for
    /// the keys: raw UTF-8 plain keys (split at the last `:`), single-quoted keys (`''` is a
    /// quote), double-quoted keys with every YAML escape (`\"` `\\` `\n` `\t` `\xXX` `\uXXXX`
    /// `\UXXXXXXXX` …; CTranslate2 reads `\n` as `n` and `\x` only for a whole key, which gives the
    /// same pieces on every real vocabulary), and `? key` / `: id` complex-key pairs. Ids must be
    /// 0 ..< n, each once.
    public static func readMarianYAML(_ url: URL) throws -> Vocabulary {
        let path = url.path
        let data = try readData(url)
        // Scanned as UTF-8 bytes: every character the syntax uses is ASCII and no byte of a
        // multi-byte character is, so a key's first or last character can never glue onto `"`,
        // `? ` or `:` (as Characters, a combining mark or a prepended mark could).
        var byID: [Int: (piece: String, line: Int)] = [:]
        var pendingKey: (piece: String, line: Int)?
        var number = 0
        func syntax(_ problem: String) -> ModelConfigError { .syntax(file: path, line: number, problem: problem) }

        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            func text(_ range: Range<Int>) throws -> String {
                let slice = UnsafeBufferPointer(rebasing: bytes[range])
                let string = String(decoding: slice, as: UTF8.self)
                guard string.utf8.elementsEqual(slice) else { throw syntax("the line is not valid UTF-8") }
                return string
            }
            func record(_ piece: String, _ idRange: Range<Int>) throws {
                var id = 0, digits = 0, i = idRange.lowerBound, end = idRange.upperBound
                while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
                while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
                while i < end, bytes[i] >= 0x30, bytes[i] <= 0x39, digits < 18 {
                    id = id * 10 + Int(bytes[i] - 0x30); digits += 1; i += 1
                }
                guard digits > 0, i == end else {
                    let shown = (try? text(idRange))?.trimmingCharacters(in: .whitespaces) ?? "?"
                    throw syntax("the id '\(shown)' is not a non-negative integer")
                }
                if let previous = byID[id] {
                    throw syntax("id \(id) is given twice (also to '\(previous.piece)' on line \(previous.line))")
                }
                byID[id] = (piece, number)
            }

            var lineStart = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            while lineStart <= bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                number += 1
                var end = lineEnd
                if end > lineStart, bytes[end - 1] == 0x0D { end -= 1 }
                let line = lineStart..<end
                if line.isEmpty { continue }
                let first = bytes[line.lowerBound]
                if pendingKey == nil, first == UInt8(ascii: "#") || (line.count == 3 && bytes[line].elementsEqual("---".utf8)) { continue }
                if first == UInt8(ascii: "?"), line.count == 1 || bytes[line.lowerBound + 1] == 0x20 {
                    guard pendingKey == nil else { throw syntax("a '? ' key follows another '? ' key") }
                    let key = try text(min(line.lowerBound + 2, end)..<end)
                    pendingKey = (try complexKey(key, file: path, line: number), number)
                    continue
                }
                if let pending = pendingKey {
                    guard first == UInt8(ascii: ":") else { throw syntax("expected ': id' after the '? ' key on line \(pending.line)") }
                    try record(pending.piece, (line.lowerBound + 1)..<end)
                    pendingKey = nil
                    continue
                }
                if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
                    // A quoted key: scanned with YAML's quoting rules; the id follows its ':'.
                    var scanner = FlowScanner(Array(try text(line).unicodeScalars), file: path, line: number)
                    let piece = try scanner.quoted()
                    scanner.skipSpaces()
                    guard !scanner.atEnd, scanner.scalars[scanner.i] == ":" else { throw syntax("expected ':' after the quoted key") }
                    let rest = String(String.UnicodeScalarView(scanner.scalars[(scanner.i + 1)...]))
                    let restBytes = Array(rest.utf8)
                    try record(piece, (end - restBytes.count)..<end)
                    continue
                }
                // A plain key: everything before the last ':' (as CTranslate2's `rsplit(":", 1)`).
                var colon = end - 1
                while colon >= line.lowerBound, bytes[colon] != UInt8(ascii: ":") { colon -= 1 }
                guard colon >= line.lowerBound else { throw syntax("expected 'piece: id', found '\((try? text(line)) ?? "?")'") }
                var keyEnd = colon
                while keyEnd > line.lowerBound, bytes[keyEnd - 1] == 0x20 || bytes[keyEnd - 1] == 0x09 { keyEnd -= 1 }
                try record(try text(line.lowerBound..<keyEnd), (colon + 1)..<end)
            }
        }
        if let pending = pendingKey {
            throw ModelConfigError.syntax(file: path, line: pending.line, problem: "a '? ' key without its ': id' line")
        }
        var pieces: [String] = []
        pieces.reserveCapacity(byID.count)
        for id in 0..<byID.count {
            guard let entry = byID[id] else {
                throw ModelConfigError.syntax(file: path, line: nil, problem: "the ids are not 0 ..< \(byID.count): id \(id) is missing (highest id \(byID.keys.max() ?? 0))")
            }
            pieces.append(entry.piece)
        }
        if pieces.isEmpty {
            throw ModelConfigError.syntax(file: path, line: nil, problem: "the vocabulary is empty")
        }
        return Vocabulary(file: path, pieces: pieces)
    }

    /// The key of a `? key` line: quoted (to its closing quote, nothing after) or the plain rest.
    private static func complexKey(_ text: String, file: String, line: Int) throws -> String {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, first == "\"" || first == "'" else {
            var plain = Substring(text)
            while plain.unicodeScalars.last == " " { plain = Substring(plain.unicodeScalars.dropLast()) }
            return String(plain)
        }
        var scanner = FlowScanner(scalars, file: file, line: line)
        let piece = try scanner.quoted()
        scanner.skipSpaces()
        guard scanner.atEnd else { throw ModelConfigError.syntax(file: file, line: line, problem: "text after the quoted '? ' key") }
        return piece
    }

    /// A Hugging Face `vocab.json` (`{piece: id}`); ids must be 0 ..< n, each once.
    public static func readJSON(_ url: URL) throws -> Vocabulary {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelConfigError.missingFile(path: path, role: "vocabulary")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelConfigError.syntax(file: path, line: nil, problem: "not a JSON object of piece → id")
        }
        var pieces = [String?](repeating: nil, count: object.count)
        for (piece, value) in object {
            guard let id = jsonInteger(value) else {
                throw ModelConfigError.badValue(file: path, key: piece, value: "\(value)", expected: "an integer id")
            }
            guard pieces.indices.contains(id) else {
                throw ModelConfigError.inconsistent(file: path, key: piece, problem: "id \(id) is outside 0 ..< \(object.count) (the ids must be dense)")
            }
            if let other = pieces[id] {
                throw ModelConfigError.inconsistent(file: path, key: piece, problem: "id \(id) is also given to '\(other)'")
            }
            pieces[id] = piece
        }
        return Vocabulary(file: path, pieces: pieces.map { $0! })
    }

    /// By extension: `.yml`/`.yaml` (Marian) or `.json`.
    public static func read(_ url: URL) throws -> Vocabulary {
        switch url.pathExtension.lowercased() {
        case "yml", "yaml": return try readMarianYAML(url)
        case "json": return try readJSON(url)
        default:
            throw ModelConfigError.unsupported(file: url.path, key: "vocabulary", value: url.lastPathComponent,
                                               problem: "vocabularies are read from Marian .yml or .json files (a .spm vocabulary is not supported)")
        }
    }

    static func readData(_ url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ModelConfigError.missingFile(path: url.path, role: "vocabulary")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ModelConfigError.unreadable(file: url.path, reason: "cannot read the file")
        }
        return data
    }
}
