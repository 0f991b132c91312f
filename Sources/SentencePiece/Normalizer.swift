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

    /// Normalizes `input`; the result is what the model's segmentation runs on.
    func normalize(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBufferPointer { normalize($0) }
    }

    func normalize(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count * 3 / 2 + 8)
        let end = b.count
        var position = 0
        replacements.withUnsafeBufferPointer { pool in
            // One normalization step at `position`: the bytes it produces and the bytes it consumes.
            func step(_ emit: (UnsafeBufferPointer<UInt8>) -> Void) -> Int {
                let user = userSymbolLength(b, from: position, to: end)
                if user > 0 {
                    emit(UnsafeBufferPointer(rebasing: b[position..<(position + user)]))
                    return user
                }
                if let trie, let match = trie.longestPrefix(b, from: position, to: end) {
                    var stop = match.value
                    while stop < pool.count && pool[stop] != 0 { stop += 1 }
                    emit(UnsafeBufferPointer(rebasing: pool[min(match.value, pool.count)..<stop]))
                    return match.length
                }
                let (length, valid) = UTF8Scan.decode(b, at: position, end: end)
                if valid {
                    emit(UnsafeBufferPointer(rebasing: b[position..<(position + length)]))
                } else {
                    UTF8Scan.replacementCharacter.withUnsafeBufferPointer { emit($0) }
                }
                return length
            }

            if spec.removeExtraWhitespaces {
                // Leading whitespace: steps whose output is exactly one space.
                while position < end {
                    var isSpace = false
                    let saved = position
                    let consumed = step { isSpace = $0.count == 1 && $0[0] == 0x20 }
                    if !isSpace { position = saved; break }
                    position += consumed
                }
            }
            guard position < end else { return }

            let escape = spec.escapeWhitespaces
            func addSpace() {
                if escape { out.append(contentsOf: Normalizer.spaceSymbol) } else { out.append(0x20) }
            }
            if !treatWhitespaceAsSuffix && spec.addDummyPrefix { addSpace() }

            var previousWasSpace = spec.removeExtraWhitespaces
            while position < end {
                let consumed = step { piece in
                    var k = 0
                    if previousWasSpace { while k < piece.count && piece[k] == 0x20 { k += 1 } }
                    guard k < piece.count else { return }
                    while k < piece.count {
                        if escape && piece[k] == 0x20 { out.append(contentsOf: Normalizer.spaceSymbol) } else { out.append(piece[k]) }
                        k += 1
                    }
                    previousWasSpace = piece[piece.count - 1] == 0x20
                }
                position += consumed
                if !spec.removeExtraWhitespaces { previousWasSpace = false }
            }

            if spec.removeExtraWhitespaces {
                let space: [UInt8] = escape ? Normalizer.spaceSymbol : [0x20]
                while out.count >= space.count && Array(out[(out.count - space.count)...]) == space {
                    out.removeLast(space.count)
                }
            }
            if treatWhitespaceAsSuffix && spec.addDummyPrefix { addSpace() }
        }
        return out
    }
}
