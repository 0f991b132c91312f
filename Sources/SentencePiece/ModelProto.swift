import Foundation

/// The parts of SentencePiece's `ModelProto` that change how text is cut and decoded.
/// Field numbers and defaults are those of `sentencepiece_model.proto`.
public struct ModelProto: Sendable {
    public enum PieceType: Int, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public struct Piece: Sendable {
        public var piece: String
        public var bytes: [UInt8]
        public var score: Float = 0
        public var type: PieceType = .normal
    }

    public enum ModelType: Int, Sendable {
        case unigram = 1, bpe = 2, word = 3, character = 4
    }

    public struct TrainerSpec: Sendable {
        public var modelType: ModelType = .unigram
        public var vocabSize = 8000
        public var treatWhitespaceAsSuffix = false
        public var byteFallback = false
        public var unkID = 0, bosID = 1, eosID = 2, padID = -1
        public var unkPiece = "<unk>", bosPiece = "<s>", eosPiece = "</s>", padPiece = "<pad>"
        public var unkSurface = " \u{2047} "
    }

    public struct NormalizerSpec: Sendable {
        public var name = ""
        public var precompiledCharsmap: [UInt8] = []
        public var addDummyPrefix = true
        public var removeExtraWhitespaces = true
        public var escapeWhitespaces = true
    }

    public var pieces: [Piece] = []
    public var trainer = TrainerSpec()
    public var normalizer = NormalizerSpec()
    public var denormalizer: NormalizerSpec?

    public init(bytes: [UInt8]) throws {
        var reader = ProtobufReader(bytes[...])
        while let field = try reader.next() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): pieces.append(try Self.piece(field.bytes))
            case (2, .lengthDelimited): trainer = try Self.trainerSpec(field.bytes)
            case (3, .lengthDelimited): normalizer = try Self.normalizerSpec(field.bytes)
            case (5, .lengthDelimited): denormalizer = try Self.normalizerSpec(field.bytes)
            default: break  // self-test data and extensions do not change encoding
            }
        }
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// proto2 int32 fields are varints of the sign-extended 64-bit value.
    private static func int32(_ value: UInt64) -> Int { Int(Int32(truncatingIfNeeded: Int64(bitPattern: value))) }

    private static func piece(_ bytes: ArraySlice<UInt8>) throws -> Piece {
        var result = Piece(piece: "", bytes: [])
        var reader = ProtobufReader(bytes)
        while let field = try reader.next() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited):
                result.bytes = Array(field.bytes)
                result.piece = string(field.bytes)
            case (2, .fixed32): result.score = Float(bitPattern: UInt32(truncatingIfNeeded: field.scalar))
            case (3, .varint):
                guard let type = PieceType(rawValue: int32(field.scalar)) else {
                    throw SentencePieceError.invalidModel("piece type \(field.scalar) is not a known type")
                }
                result.type = type
            default: break
            }
        }
        return result
    }

    private static func trainerSpec(_ bytes: ArraySlice<UInt8>) throws -> TrainerSpec {
        var spec = TrainerSpec()
        var reader = ProtobufReader(bytes)
        while let field = try reader.next() {
            switch (field.number, field.wireType) {
            case (3, .varint):
                guard let type = ModelType(rawValue: int32(field.scalar)) else {
                    throw SentencePieceError.invalidModel("model type \(field.scalar) is not a known type")
                }
                spec.modelType = type
            case (4, .varint): spec.vocabSize = int32(field.scalar)
            case (24, .varint): spec.treatWhitespaceAsSuffix = field.scalar != 0
            case (35, .varint): spec.byteFallback = field.scalar != 0
            case (40, .varint): spec.unkID = int32(field.scalar)
            case (41, .varint): spec.bosID = int32(field.scalar)
            case (42, .varint): spec.eosID = int32(field.scalar)
            case (43, .varint): spec.padID = int32(field.scalar)
            case (44, .lengthDelimited): spec.unkSurface = string(field.bytes)
            case (45, .lengthDelimited): spec.unkPiece = string(field.bytes)
            case (46, .lengthDelimited): spec.bosPiece = string(field.bytes)
            case (47, .lengthDelimited): spec.eosPiece = string(field.bytes)
            case (48, .lengthDelimited): spec.padPiece = string(field.bytes)
            default: break  // training-only options
            }
        }
        return spec
    }

    private static func normalizerSpec(_ bytes: ArraySlice<UInt8>) throws -> NormalizerSpec {
        var spec = NormalizerSpec()
        var reader = ProtobufReader(bytes)
        while let field = try reader.next() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): spec.name = string(field.bytes)
            case (2, .lengthDelimited): spec.precompiledCharsmap = Array(field.bytes)
            case (3, .varint): spec.addDummyPrefix = field.scalar != 0
            case (4, .varint): spec.removeExtraWhitespaces = field.scalar != 0
            case (5, .varint): spec.escapeWhitespaces = field.scalar != 0
            default: break
            }
        }
        return spec
    }
}
