/// The pieces of a model as the encoder needs them: a trie over normal, user-defined and
/// unused pieces, the reserved (control, unknown, byte) pieces apart, as the reference
/// splits them, and each piece's score and type by id.
struct Vocabulary: Sendable {
    let pieces: [ModelProto.Piece]
    let types: [ModelProto.PieceType]
    let scores: [Float]
    let trie: PieceTrie
    let reserved: PieceTrie
    let unkID: Int
    let minScore: Float
    let maxScore: Float
    /// Id of `<0xXX>` for each byte, when the model has byte fallback.
    let byteIDs: [Int]?
    let userDefined: [[UInt8]]

    init(model: ModelProto) throws {
        pieces = model.pieces
        types = model.pieces.map(\.type)
        scores = model.pieces.map(\.score)
        var normal: [[UInt8]: Int] = [:]
        var reserved: [[UInt8]: Int] = [:]
        var unk = -1
        var bytes = [Int](repeating: -1, count: 256)
        var user: [[UInt8]] = []
        var minScore = Float.greatestFiniteMagnitude
        var maxScore = Float.leastNormalMagnitude  // the reference starts from FLT_MIN
        for (id, piece) in model.pieces.enumerated() {
            guard !piece.bytes.isEmpty else { throw SentencePieceError.invalidModel("piece \(id) is empty") }
            let isNormal = piece.type == .normal || piece.type == .userDefined || piece.type == .unused
            if isNormal {
                guard normal[piece.bytes] == nil else { throw SentencePieceError.invalidModel("piece '\(piece.piece)' is defined twice") }
                normal[piece.bytes] = id
            } else {
                guard reserved[piece.bytes] == nil else { throw SentencePieceError.invalidModel("piece '\(piece.piece)' is defined twice") }
                reserved[piece.bytes] = id
            }
            switch piece.type {
            case .normal:
                minScore = min(minScore, piece.score)
                maxScore = max(maxScore, piece.score)
            case .userDefined:
                user.append(piece.bytes)
            case .unknown:
                guard unk < 0 else { throw SentencePieceError.invalidModel("more than one unknown piece") }
                unk = id
            case .byte:
                guard model.trainer.byteFallback else {
                    throw SentencePieceError.invalidModel("byte piece '\(piece.piece)' in a model without byte_fallback")
                }
                guard let value = Vocabulary.byteValue(piece.piece) else {
                    throw SentencePieceError.invalidModel("byte piece '\(piece.piece)' is not of the form <0xXX>")
                }
                bytes[value] = id
            default:
                break
            }
        }
        guard unk >= 0 else { throw SentencePieceError.invalidModel("no unknown piece is defined") }
        if model.trainer.byteFallback && bytes.contains(-1) {
            throw SentencePieceError.invalidModel("byte_fallback is on but some of the 256 byte pieces are missing")
        }
        self.reserved = PieceTrie(reserved.map { ($0.key, $0.value) })
        unkID = unk
        self.minScore = minScore
        self.maxScore = maxScore
        byteIDs = model.trainer.byteFallback ? bytes : nil
        userDefined = user
        trie = PieceTrie(normal.map { ($0.key, $0.value) })
    }

    /// `<0x41>` → 0x41; only the exact form the reference writes (two upper-case hex digits).
    static func byteValue(_ piece: String) -> Int? {
        let scalars = Array(piece.utf8)
        guard scalars.count == 6, piece.hasPrefix("<0x"), scalars[5] == UInt8(ascii: ">") else { return nil }
        let hex = String(decoding: scalars[3..<5], as: UTF8.self)
        guard hex == hex.uppercased(), let value = Int(hex, radix: 16) else { return nil }
        return value
    }

    /// The reference's `PieceToId`: reserved pieces first, then the others, else unknown.
    @inline(__always)
    func pieceToID(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ walker: PieceTrie.Walker) -> Int {
        let special = reserved.withWalker { $0.exact(text, range) }
        if special >= 0 { return special }
        let id = walker.exact(text, range)
        return id >= 0 ? id : unkID
    }

    func pieceToID(_ bytes: [UInt8]) -> Int {
        let special = reserved.exactMatch(bytes)
        if special >= 0 { return special }
        let id = trie.exactMatch(bytes)
        return id >= 0 ? id : unkID
    }
}
