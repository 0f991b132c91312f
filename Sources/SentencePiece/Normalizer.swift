/// SentencePiece's text normalizer: user-defined symbols pass through untouched, then the
/// longest rule of the precompiled charsmap applies, else one UTF-8 character is copied
/// (an invalid byte becomes U+FFFD); whitespace is trimmed, collapsed and escaped to "▁"
/// as the spec says.
struct Normalizer: Sendable {
    static let spaceSymbol: [UInt8] = [0xE2, 0x96, 0x81]  // U+2581 "▁"

    let spec: ModelProto.NormalizerSpec
    let treatWhitespaceAsSuffix: Bool
    private let trie: DartsTrie?
    private let replacements: [UInt8]
    private let userSymbols: PieceTrie?

    init(spec: ModelProto.NormalizerSpec, treatWhitespaceAsSuffix: Bool, userDefinedSymbols: [[UInt8]]) throws {
        self.spec = spec
        self.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix
        userSymbols = userDefinedSymbols.isEmpty ? nil : PieceTrie(userDefinedSymbols.map { ($0, 1) })
        let blob = spec.precompiledCharsmap
        guard !blob.isEmpty else {
            trie = nil
            replacements = []
            return
        }
        guard blob.count >= 4 else { throw SentencePieceError.invalidModel("precompiled_charsmap is shorter than its header") }
        let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard trieSize % 4 == 0, trieSize <= blob.count - 4 else {
            throw SentencePieceError.invalidModel("precompiled_charsmap trie size \(trieSize) does not fit its \(blob.count) bytes")
        }
        var units = [UInt32](repeating: 0, count: trieSize / 4)
        for k in 0..<units.count {
            let o = 4 + 4 * k
            units[k] = UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16 | UInt32(blob[o + 3]) << 24
        }
        trie = DartsTrie(units: units)
        replacements = Array(blob[(4 + trieSize)...])
    }

    /// The longest user-defined symbol at `start`, in bytes, or 0.
    @inline(__always)
    func userSymbolLength(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard let userSymbols else { return 0 }
        return userSymbols.withWalker { walker in
            var node = 0, longest = 0, i = start
            while i < end, let next = walker.child(node, b[i]) {
                node = next
                i += 1
                if walker.id(node) >= 0 { longest = i - start }
            }
            return longest
        }
    }

    /// Where one normalization step's output comes from.
    private enum Source {
        case input(Range<Int>)
        case pool(Range<Int>)
        case replacement
    }

    /// One step at `position`: user-defined symbol, else the longest charsmap rule, else
    /// one character (U+FFFD for an invalid byte). Returns the output's source and the
    /// number of input bytes consumed.
    @inline(__always)
    private func step(_ b: UnsafeBufferPointer<UInt8>, _ position: Int, _ pool: UnsafeBufferPointer<UInt8>) -> (Source, Int) {
        let end = b.count
        let user = userSymbolLength(b, from: position, to: end)
        if user > 0 { return (.input(position..<(position + user)), user) }
        if let trie, let match = trie.longestPrefix(b, from: position, to: end) {
            let from = min(match.value, pool.count)
            var stop = from
            while stop < pool.count && pool[stop] != 0 { stop += 1 }
            return (.pool(from..<stop), match.length)
        }
        let (length, valid) = UTF8Scan.decode(b, at: position, end: end)
        return (valid ? .input(position..<(position + length)) : .replacement, length)
    }

    /// Normalizes `input`; the result is what the model's segmentation runs on.
    func normalize(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBufferPointer { normalize($0) }
    }

    func normalize(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        replacements.withUnsafeBufferPointer { pool in
            UTF8Scan.replacementCharacter.withUnsafeBufferPointer { replacement in
                normalize(b, pool, replacement)
            }
        }
    }

    private func normalize(_ b: UnsafeBufferPointer<UInt8>, _ pool: UnsafeBufferPointer<UInt8>, _ replacement: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let end = b.count
        var position = 0
        @inline(__always) func bytes(_ source: Source) -> UnsafeBufferPointer<UInt8> {
            switch source {
            case .input(let r): return UnsafeBufferPointer(rebasing: b[r])
            case .pool(let r): return UnsafeBufferPointer(rebasing: pool[r])
            case .replacement: return replacement
            }
        }
        let removeExtra = spec.removeExtraWhitespaces
        if removeExtra {
            // Leading whitespace: steps whose output is exactly one space.
            while position < end {
                let (source, consumed) = step(b, position, pool)
                let piece = bytes(source)
                guard piece.count == 1 && piece[0] == 0x20 else { break }
                position += consumed
            }
        }
        guard position < end else { return [] }

        var out: [UInt8] = []
        out.reserveCapacity((end - position) * 3 / 2 + 8)
        let escape = spec.escapeWhitespaces
        let space: [UInt8] = escape ? Normalizer.spaceSymbol : [0x20]
        if !treatWhitespaceAsSuffix && spec.addDummyPrefix { out.append(contentsOf: space) }

        var previousWasSpace = removeExtra
        while position < end {
            let (source, consumed) = step(b, position, pool)
            let piece = bytes(source)
            var k = 0
            if previousWasSpace { while k < piece.count && piece[k] == 0x20 { k += 1 } }
            if k < piece.count {
                while k < piece.count {
                    let byte = piece[k]
                    if escape && byte == 0x20 { out.append(contentsOf: Normalizer.spaceSymbol) } else { out.append(byte) }
                    k += 1
                }
                previousWasSpace = piece[piece.count - 1] == 0x20
            }
            position += consumed
            if !removeExtra { previousWasSpace = false }
        }

        if removeExtra {
            while out.count >= space.count && out[(out.count - space.count)...].elementsEqual(space) {
                out.removeLast(space.count)
            }
        }
        if treatWhitespaceAsSuffix && spec.addDummyPrefix { out.append(contentsOf: space) }
        return out
    }
}
