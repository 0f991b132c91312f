/// A reader of the protobuf wire format, enough for SentencePiece's `.model` files:
/// varints, fixed 32/64-bit values and length-delimited fields. Every read is bounds
/// checked; a malformed buffer is an error with the byte offset, never a crash.
public struct ProtobufReader {
    public enum WireType: UInt8, Sendable {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    public struct Field {
        public let number: Int
        public let wireType: WireType
        /// The value of varint and fixed fields (fixed32 in the low bits).
        public let scalar: UInt64
        /// The bytes of a length-delimited field.
        public let bytes: ArraySlice<UInt8>
    }

    private let buffer: ArraySlice<UInt8>
    private var position: Int

    public init(_ bytes: ArraySlice<UInt8>) {
        buffer = bytes
        position = bytes.startIndex
    }

    public var isAtEnd: Bool { position >= buffer.endIndex }

    private var offset: Int { position - buffer.startIndex }

    public mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < buffer.endIndex else { throw ProtobufError.truncated(offset: offset) }
            let byte = buffer[position]
            position += 1
            guard shift < 64 else { throw ProtobufError.malformedVarint(offset: offset) }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readFixed(_ width: Int) throws -> UInt64 {
        guard buffer.endIndex - position >= width else { throw ProtobufError.truncated(offset: offset) }
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(buffer[position + i]) << (8 * UInt64(i)) }
        position += width
        return value
    }

    /// The next field, or nil at the end of the buffer.
    public mutating func next() throws -> Field? {
        guard !isAtEnd else { return nil }
        let start = offset
        let key = try readVarint()
        guard let wireType = WireType(rawValue: UInt8(key & 7)), key >> 3 > 0, key >> 3 <= UInt64(Int32.max) else {
            throw ProtobufError.unsupportedWireType(key & 7, offset: start)
        }
        let number = Int(key >> 3)
        switch wireType {
        case .varint:
            return Field(number: number, wireType: wireType, scalar: try readVarint(), bytes: [])
        case .fixed64:
            return Field(number: number, wireType: wireType, scalar: try readFixed(8), bytes: [])
        case .fixed32:
            return Field(number: number, wireType: wireType, scalar: try readFixed(4), bytes: [])
        case .lengthDelimited:
            let length = try readVarint()
            guard length <= UInt64(buffer.endIndex - position) else { throw ProtobufError.truncated(offset: offset) }
            let bytes = buffer[position..<(position + Int(length))]
            position += Int(length)
            return Field(number: number, wireType: wireType, scalar: length, bytes: bytes)
        }
    }
}

public enum ProtobufError: Error, CustomStringConvertible, Equatable, Sendable {
    case truncated(offset: Int)
    case malformedVarint(offset: Int)
    case unsupportedWireType(UInt64, offset: Int)

    public var description: String {
        switch self {
        case .truncated(let offset): return "protobuf data ends inside a field at byte \(offset)"
        case .malformedVarint(let offset): return "varint longer than 10 bytes at byte \(offset)"
        case .unsupportedWireType(let type, let offset): return "unsupported protobuf wire type \(type) at byte \(offset)"
        }
    }
}
