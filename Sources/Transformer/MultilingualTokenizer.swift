import Foundation

/// The two tokenizers of the M2M-100 family, as transformers defines them.
public enum MultilingualFamily: String, Sendable, Equatable {
    /// `NllbTokenizer`: model id = SentencePiece id + 1 (the fairseq offset) with `<s> <pad>
    /// </s> <unk>` at 0–3, language codes (`eng_Latn`) as added tokens after the pieces; the
    /// source is `[src_lang] pieces </s>` (non-legacy). A fast (`tokenizers`) tokenizer.
    case nllb
    /// `M2M100Tokenizer`: ids from `vocab.json`, `__en__` language tokens right after it, then
    /// madeup words; the source is `[__src__] pieces </s>`. A SentencePiece (slow) tokenizer.
    case m2m100
}

/// One language the model knows: the code users give (`eng_Latn`, `en`), its token in the
/// vocabulary (`eng_Latn`, `__en__`) and the token's id.
public struct LanguageCode: Sendable, Equatable {
    public let code: String
    public let token: String
    public let id: Int
}

/// What an M2M-100 / NLLB folder says about its tokenizer, resolved to model ids.
public struct MultilingualTokenizer: Sendable, Equatable {
    public let family: MultilingualFamily
    /// In vocabulary order of the tokenizer's list.
    public let languages: [LanguageCode]
    /// Every token id that is not a SentencePiece piece (specials, language tokens, padding
    /// rows): dropped from decoded text.
    public let specialIDs: Set<Int>
    /// The files the ids were read from, for messages.
    public let sources: [String]

    public func language(_ code: String) -> LanguageCode? {
        languages.first { $0.code == code || $0.token == code }
    }
}

/// Reads the tokenizer files of an M2M-100 / NLLB folder: `tokenizer.json` (`added_tokens`,
/// with explicit ids), `tokenizer_config.json` (`tokenizer_class`, `added_tokens_decoder`,
/// `extra_special_tokens` / `additional_special_tokens`), `added_tokens.json`,
/// `special_tokens_map.json`, and `vocab.json` (M2M-100).
enum MultilingualTokenizerReader {
    static let nllbCode = try! NSRegularExpression(pattern: "^[a-z]{3}_[A-Z][a-z]{3}$")
    static let m2m100Token = try! NSRegularExpression(pattern: "^__[a-z]{2,3}__$")

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// The vocabulary in model-id order (`vocabularySize` ids; rows no token names become
    /// `madeupwordN`, as CTranslate2 names them) and the language table. `pieces(spm)` gives the
    /// SentencePiece model's pieces by SentencePiece id, nil for control and unknown pieces.
    static func read(_ folder: URL, configJSON: JSONConfig, vocabularySize: Int,
                     pieces: ((URL) throws -> [String?])?) throws -> (Vocabulary, MultilingualTokenizer) {
        func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: url(name).path) }
        let tokenizerConfig = exists("tokenizer_config.json") ? try JSONConfig.read(url("tokenizer_config.json"), role: "tokenizer configuration") : nil
        let specialMap = exists("special_tokens_map.json") ? try JSONConfig.read(url("special_tokens_map.json"), role: "special tokens map") : nil
        let spm = url("sentencepiece.bpe.model")
        guard FileManager.default.fileExists(atPath: spm.path) else {
            throw ModelConfigError.missingFile(path: spm.path, role: "the SentencePiece model of an M2M-100/NLLB folder")
        }
        let tokenizerClass = try tokenizerConfig?.string("tokenizer_class") ?? configJSON.string("tokenizer_class")
        let family: MultilingualFamily
        switch tokenizerClass {
        case let name? where name.hasPrefix("Nllb"): family = .nllb
        case let name? where name.hasPrefix("M2M100"): family = .m2m100
        case let name?:
            throw ModelConfigError.unsupported(file: tokenizerConfig?.file ?? configJSON.file, key: "tokenizer_class", value: name,
                                               problem: "an M2M-100 folder needs NllbTokenizer(Fast) or M2M100Tokenizer")
        case nil: family = exists("vocab.json") ? .m2m100 : .nllb
        }

        // Explicit ids, from every file that gives them; they must agree.
        var explicit: [String: (id: Int, file: String)] = [:]
        func record(_ token: String, _ id: Int, _ file: String) throws {
            if let other = explicit[token], other.id != id {
                throw ModelConfigError.inconsistent(file: file, key: token, problem: "has id \(id) here but \(other.id) in \(other.file)")
            }
            explicit[token] = (id, file)
        }
        if exists("tokenizer.json") {
            for (token, id) in try addedTokens(inTokenizerJSON: url("tokenizer.json")) { try record(token, id, url("tokenizer.json").path) }
        }
        if let tokenizerConfig, let decoder = tokenizerConfig.object["added_tokens_decoder"] as? [String: Any] {
            for (key, value) in decoder {
                guard let id = Int(key), let content = (value as? [String: Any])?["content"] as? String else {
                    throw ModelConfigError.badValue(file: tokenizerConfig.file, key: "added_tokens_decoder.\(key)", value: "\(value)", expected: "an id with a \"content\" string")
                }
                try record(content, id, tokenizerConfig.file)
            }
        }
        if exists("added_tokens.json") {
            let added = try JSONConfig.read(url("added_tokens.json"), role: "added tokens")
            for (token, value) in added.object {
                guard let id = jsonInteger(value) else {
                    throw ModelConfigError.badValue(file: added.file, key: token, value: "\(value)", expected: "an integer id")
                }
                try record(token, id, added.file)
            }
        }

        // The language list, in the tokenizer's order.
        let pattern = family == .nllb ? nllbCode : m2m100Token
        var listed: [String] = []
        for (config, key) in [(tokenizerConfig, "extra_special_tokens"), (tokenizerConfig, "additional_special_tokens"), (specialMap, "additional_special_tokens")] {
            guard listed.isEmpty, let config, let list = config.object[key] as? [Any] else { continue }
            listed = list.compactMap { ($0 as? String) ?? (($0 as? [String: Any])?["content"] as? String) }.filter { matches(pattern, $0) }
        }
        if listed.isEmpty {
            listed = explicit.filter { matches(pattern, $0.key) }.sorted { $0.value.id < $1.value.id }.map(\.key)
        }
        guard !listed.isEmpty else {
            throw ModelConfigError.missingKey(file: tokenizerConfig?.file ?? url("tokenizer_config.json").path,
                                              key: family == .nllb ? "extra_special_tokens (the language codes, e.g. eng_Latn)" : "additional_special_tokens (the __xx__ language tokens)")
        }

        var slots = [String?](repeating: nil, count: vocabularySize)
        var sources: [String] = []
        func place(_ token: String, _ id: Int, _ file: String) throws {
            guard slots.indices.contains(id) else {
                throw ModelConfigError.inconsistent(file: file, key: token, problem: "id \(id) is outside the model's vocab_size \(vocabularySize) (\(configJSON.file))")
            }
            if let other = slots[id], other != token {
                throw ModelConfigError.inconsistent(file: file, key: token, problem: "id \(id) is also '\(other)'")
            }
            slots[id] = token
        }
        var firstFree: Int
        switch family {
        case .nllb:
            guard let pieces else {
                throw ModelConfigError.unsupported(file: spm.path, key: "sentencepiece.bpe.model", value: "NllbTokenizer",
                                                   problem: "the ids of an NLLB folder come from its SentencePiece model; open it through the Translator module")
            }
            let spmPieces = try pieces(spm)
            for (id, token) in ["<s>", "<pad>", "</s>", "<unk>"].enumerated() { try place(token, id, spm.path) }
            for (k, piece) in spmPieces.enumerated() {
                guard let piece else { continue }
                try place(piece, k + 1, spm.path)
            }
            firstFree = spmPieces.count + 1
            sources.append(spm.path)
        case .m2m100:
            let vocab = try VocabularyReader.readJSON(url("vocab.json"))
            for (id, piece) in vocab.pieces.enumerated() { try place(piece, id, vocab.file) }
            firstFree = vocab.count
            sources.append(vocab.file)
        }
        var languages: [LanguageCode] = []
        for (i, token) in listed.enumerated() {
            let id = explicit[token]?.id ?? firstFree + i
            try place(token, id, explicit[token]?.file ?? (tokenizerConfig?.file ?? spm.path))
            let code = family == .nllb ? token : String(token.dropFirst(2).dropLast(2))
            languages.append(LanguageCode(code: code, token: token, id: id))
        }
        let afterLanguages = max(firstFree, (languages.map(\.id).max() ?? 0) + 1)
        if family == .nllb, !explicit.keys.contains("<mask>"), afterLanguages < vocabularySize, slots[afterLanguages] == nil {
            slots[afterLanguages] = "<mask>"   // fairseq's order: the pieces, the languages, then <mask>
        }
        for (token, entry) in explicit where slots.indices.contains(entry.id) && slots[entry.id] == nil {
            slots[entry.id] = token
        }
        sources += Set(explicit.values.map(\.file)).sorted()
        var madeup = 0
        var special = Set<Int>()
        let specialNames: Set<String> = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
        for id in slots.indices {
            if slots[id] == nil {
                slots[id] = "madeupword\(madeup)"
                madeup += 1
                special.insert(id)
            } else if let token = slots[id], specialNames.contains(token) || (explicit[token].map { $0.id == id } ?? false) {
                special.insert(id)
            }
        }
        for language in languages { special.insert(language.id) }
        let vocabulary = Vocabulary(file: sources.first ?? folder.path, pieces: slots.map { $0! })
        return (vocabulary, MultilingualTokenizer(family: family, languages: languages, specialIDs: special, sources: sources))
    }

    /// The `added_tokens` array of a (possibly very large) `tokenizer.json`: only that part
    /// is parsed; it precedes the vocabulary in every file transformers writes.
    static func addedTokens(inTokenizerJSON url: URL) throws -> [(String, Int)] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ModelConfigError.unreadable(file: url.path, reason: "cannot read the file")
        }
        let key = Array("\"added_tokens\"".utf8)
        let bytes = [UInt8](data)
        guard let start = search(bytes, key) else { return [] }
        var i = start + key.count
        while i < bytes.count, bytes[i] != UInt8(ascii: "[") { i += 1 }
        var depth = 0, inString = false, escaped = false
        var end: Int?
        var j = i
        while j < bytes.count {
            let b = bytes[j]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { end = j; break }
            }
            j += 1
        }
        guard let end, i < bytes.count,
              let array = (try? JSONSerialization.jsonObject(with: Data(bytes[i...end]))) as? [[String: Any]] else {
            throw ModelConfigError.syntax(file: url.path, line: nil, problem: "\"added_tokens\" is not an array of objects")
        }
        return try array.map { entry in
            guard let content = entry["content"] as? String, let id = entry["id"].flatMap(jsonInteger) else {
                throw ModelConfigError.syntax(file: url.path, line: nil, problem: "an \"added_tokens\" entry lacks \"content\" or \"id\": \(entry)")
            }
            return (content, id)
        }
    }

    private static func search(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
