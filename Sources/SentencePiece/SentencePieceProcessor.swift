import Foundation

/// A SentencePiece model ready to encode and decode, byte-exact with the reference library.
public final class SentencePieceProcessor: Sendable {
    /// One piece of an encoding: its id and its bytes (the unknown piece holds the text it covers).
    public struct Token: Equatable, Sendable {
        public let id: Int
        public let piece: [UInt8]
        public var pieceString: String { String(decoding: piece, as: UTF8.self) }
    }

    public let model: ModelProto
    let vocabulary: Vocabulary
    let normalizer: Normalizer
    let denormalizer: Normalizer?

    public convenience init(path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SentencePieceError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        do {
            try self.init(bytes: [UInt8](data))
        } catch let error as SentencePieceError {
            if case .invalidModel(let problem) = error { throw SentencePieceError.invalidModelFile(path: path, problem: problem) }
            throw error
        } catch {
            throw SentencePieceError.invalidModelFile(path: path, problem: "\(error)")
        }
    }

    public init(bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { throw SentencePieceError.invalidModel("the file is empty") }
        let model = try ModelProto(bytes: bytes)
        guard !model.pieces.isEmpty else { throw SentencePieceError.invalidModel("no pieces (not a SentencePiece model, or truncated)") }
        self.model = model
        vocabulary = try Vocabulary(model: model)
        normalizer = try Normalizer(spec: model.normalizer, treatWhitespaceAsSuffix: model.trainer.treatWhitespaceAsSuffix,
                                    userDefinedSymbols: vocabulary.userDefined)
        if let spec = model.denormalizer, !spec.precompiledCharsmap.isEmpty {
            denormalizer = try Normalizer(spec: spec, treatWhitespaceAsSuffix: false, userDefinedSymbols: [])
        } else {
            denormalizer = nil
        }
    }

    public var vocabularySize: Int { vocabulary.pieces.count }

    public func idToPiece(_ id: Int) -> String { vocabulary.pieces[id].piece }
    public func pieceToID(_ piece: String) -> Int { vocabulary.pieceToID(Array(piece.utf8)) }
    public func isControl(_ id: Int) -> Bool { vocabulary.types[id] == .control }
    public func isUnknown(_ id: Int) -> Bool { vocabulary.types[id] == .unknown }
    public func isByte(_ id: Int) -> Bool { vocabulary.types[id] == .byte }

    /// The special ids as the reference reports them (-1 when the piece is absent).
    public var unkID: Int { special(model.trainer.unkPiece, .unknown) }
    public var bosID: Int { special(model.trainer.bosPiece, .control) }
    public var eosID: Int { special(model.trainer.eosPiece, .control) }
    public var padID: Int { special(model.trainer.padPiece, .control) }

    private func special(_ piece: String, _ type: ModelProto.PieceType) -> Int {
        let id = pieceToID(piece)
        return vocabulary.types[id] == type ? id : -1
    }

    /// The text the model segments: normalized, whitespace escaped.
    public func normalize(_ text: [UInt8]) -> [UInt8] { normalizer.normalize(text) }

    public func encode(_ text: String) -> [Token] { encode(Array(text.utf8)) }

    public func encode(_ text: [UInt8]) -> [Token] {
        let normalized = normalizer.normalize(text)
        return normalized.withUnsafeBufferPointer { tokens($0, segments($0)) }
    }

    private func segments(_ buffer: UnsafeBufferPointer<UInt8>) -> [(Range<Int>, Int)] {
        switch model.trainer.modelType {
        case .unigram: return UnigramSegmenter(vocabulary: vocabulary).segment(buffer)
        case .bpe: return BPESegmenter(vocabulary: vocabulary, normalizer: normalizer).segment(buffer)
        case .word: return wordSegments(buffer)
        case .character: return characterSegments(buffer)
        }
    }

    /// Ids only: the same as `encode(_:).map(\.id)` without building piece strings.
    public func encodeIDs(_ text: [UInt8]) -> [Int] {
        let normalized = normalizer.normalize(text)
        return normalized.withUnsafeBufferPointer { buffer in
            var ids: [Int] = []
            var previousUnknown = false
            for (range, id) in segments(buffer) {
                let unknown = vocabulary.types[id] == .unknown
                if unknown, let byteIDs = vocabulary.byteIDs {
                    for byte in buffer[range] { ids.append(byteIDs[Int(byte)]) }
                } else if !(unknown && previousUnknown) {
                    ids.append(id)
                }
                previousUnknown = unknown
            }
            return ids
        }
    }

    public func encodeIDs(_ text: String) -> [Int] { encodeIDs(Array(text.utf8)) }
    public func encodePieces(_ text: String) -> [String] { encode(text).map(\.pieceString) }

    /// Unknown runs merge into one piece; with byte fallback they become byte pieces.
    private func tokens(_ text: UnsafeBufferPointer<UInt8>, _ segments: [(Range<Int>, Int)]) -> [Token] {
        var result: [Token] = []
        result.reserveCapacity(segments.count)
        var previousUnknown = false
        for (range, id) in segments {
            let unknown = vocabulary.types[id] == .unknown
            if unknown, let byteIDs = vocabulary.byteIDs {
                for byte in text[range] {
                    let id = byteIDs[Int(byte)]
                    result.append(Token(id: id, piece: vocabulary.pieces[id].bytes))
                }
            } else if unknown && previousUnknown {
                let last = result.removeLast()
                result.append(Token(id: last.id, piece: last.piece + Array(text[range])))
            } else {
                // Known pieces share the vocabulary's bytes; only unknown text is copied.
                result.append(Token(id: id, piece: unknown ? Array(text[range]) : vocabulary.pieces[id].bytes))
            }
            previousUnknown = unknown
        }
        return result
    }

    private func characterSegments(_ text: UnsafeBufferPointer<UInt8>) -> [(Range<Int>, Int)] {
        var result: [(Range<Int>, Int)] = []
        var i = 0
        vocabulary.trie.withWalker { walker in
            while i < text.count {
                let length = min(UTF8Scan.leadLength(text[i]), text.count - i)
                result.append((i..<(i + length), vocabulary.pieceToID(text, i..<(i + length), walker)))
                i += length
            }
        }
        return result
    }

    /// Words start at each "▁" (or end after it when whitespace is a suffix).
    private func wordSegments(_ text: UnsafeBufferPointer<UInt8>) -> [(Range<Int>, Int)] {
        var bounds: [Int] = []
        var i = 0
        let suffix = model.trainer.treatWhitespaceAsSuffix
        func isSpace(_ k: Int) -> Bool { k + 2 < text.count && text[k] == 0xE2 && text[k + 1] == 0x96 && text[k + 2] == 0x81 }
        while i < text.count {
            let length = min(UTF8Scan.leadLength(text[i]), text.count - i)
            if !suffix && isSpace(i) && i > 0 { bounds.append(i) }
            i += length
            if suffix && isSpace(i - length) && i < text.count { bounds.append(i) }
        }
        var result: [(Range<Int>, Int)] = []
        var start = 0
        vocabulary.trie.withWalker { walker in
            for end in bounds + [text.count] where end > start {
                result.append((start..<end, vocabulary.pieceToID(text, start..<end, walker)))
                start = end
            }
        }
        return result
    }

    // MARK: Decoding

    public func decode(ids: [Int]) throws -> String {
        var pieces: [[UInt8]] = []
        pieces.reserveCapacity(ids.count)
        for id in ids {
            guard id >= 0 && id < vocabulary.pieces.count else { throw SentencePieceError.idOutOfRange(id, size: vocabulary.pieces.count) }
            pieces.append(vocabulary.pieces[id].bytes)
        }
        return decode(pieceBytes: pieces)
    }

    public func decode(pieces: [String]) -> String { decode(pieceBytes: pieces.map { Array($0.utf8) }) }

    func decode(pieceBytes pieces: [[UInt8]]) -> String {
        let ids = pieces.map { vocabulary.pieceToID($0) }
        var text: [UInt8] = []
        var bytes: [UInt8] = []
        var isBOSWhitespace = true
        var bosWhitespaceSeen = false
        let spec = model.normalizer
        let space = Normalizer.spaceSymbol

        func flushBytes() {
            guard !bytes.isEmpty else { return }
            bytes.withUnsafeBufferPointer { b in
                var offset = 0
                while offset < b.count {
                    let (length, valid) = UTF8Scan.decode(b, at: offset, end: b.count)
                    if valid { text.append(contentsOf: b[offset..<(offset + length)]) } else { text.append(contentsOf: UTF8Scan.replacementCharacter) }
                    offset += length
                }
            }
            bytes.removeAll(keepingCapacity: true)
        }

        for (piece, id) in zip(pieces, ids) {
            let type = vocabulary.types[id]
            if type == .byte {
                bytes.append(UInt8(Vocabulary.byteValue(String(decoding: piece, as: UTF8.self)) ?? 0))
                continue
            }
            flushBytes()
            if bosWhitespaceSeen || !text.isEmpty { isBOSWhitespace = false }
            bosWhitespaceSeen = false
            switch type {
            case .control:
                continue
            case .unknown:
                text.append(contentsOf: vocabulary.pieces[id].bytes == piece ? Array(model.trainer.unkSurface.utf8) : piece)
                continue
            default:
                break
            }
            var body = piece[...]
            if isBOSWhitespace && (spec.addDummyPrefix || spec.removeExtraWhitespaces) {
                if body.starts(with: space) {
                    body = body.dropFirst(space.count)
                    bosWhitespaceSeen = !spec.removeExtraWhitespaces
                }
            }
            var k = body.startIndex
            while k < body.endIndex {
                if body[k] == 0xE2 && k + 2 < body.endIndex && body[k + 1] == 0x96 && body[k + 2] == 0x81 {
                    text.append(0x20)
                    k += 3
                } else {
                    text.append(body[k])
                    k += 1
                }
            }
        }
        flushBytes()
        if let denormalizer { text = denormalizer.normalize(text) }
        return String(decoding: text, as: UTF8.self)
    }
}
