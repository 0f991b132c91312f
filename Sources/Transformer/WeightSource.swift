import Tensor

#if _endian(big)
#error("the weight readers assume a little-endian host (npz '<f4' and safetensors are little-endian)")
#endif

/// The element types weight files hold. Only the float types become `Tensor`s; the byte types
/// carry things like Marian's `special:model.yml`.
public enum WeightDType: String, Sendable, Equatable, CaseIterable {
    case float32 = "F32"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case float64 = "F64"
    case uint8 = "U8"
    case int8 = "I8"
    case int16 = "I16"
    case int32 = "I32"
    case int64 = "I64"
    case bool = "BOOL"

    public var byteWidth: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .float16, .bfloat16, .int16: return 2
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        }
    }

    /// Converted to fp32 by `tensor(_:)` / `withUnsafeFloats` (F32 itself, F16 and BF16).
    public var isReadableAsFloat: Bool { self == .float32 || self == .float16 || self == .bfloat16 }
}

/// What a weight file says about one tensor, known without touching its data.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: WeightDType
    public let shape: [Int]
    /// The file that holds it (a shard, for sharded checkpoints).
    public let file: String
    /// F32 data whose address in the mapping is 4-byte aligned: `withUnsafeFloats` hands out the
    /// mapping itself. Otherwise it hands out a scoped temporary copy (npz members sit at
    /// arbitrary zip offsets; F16/BF16 are converted).
    public let isDirectlyMapped: Bool

    public var elementCount: Int { shape.reduce(1, *) }
}

/// A set of named tensors in memory-mapped files (`.npz`, `.safetensors`, sharded safetensors).
/// Opening validates every header, name, dtype, shape and offset and reads no tensor data;
/// data is touched only when asked for, and the mapping lives as long as the source.
public protocol WeightSource: AnyObject, Sendable {
    /// The file (or index file) the tensors come from, for messages.
    var location: String { get }
    /// Every tensor name, sorted.
    var names: [String] { get }
    func info(_ name: String) -> TensorInfo?
    /// A copy of the tensor as fp32 in the `Tensor` type's `[Float]` storage (F16/BF16
    /// converted). Copying is the price of `Tensor` owning its storage; hot paths that only read
    /// can use `withUnsafeFloats` instead.
    func tensor(_ name: String) throws -> Tensor
    /// The tensor as fp32, valid only inside `body`: the mapping itself when `isDirectlyMapped`,
    /// otherwise a temporary converted/aligned copy.
    func withUnsafeFloats<R>(_ name: String, _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R
    /// The tensor's raw little-endian bytes in the mapping, valid only inside `body`.
    func withUnsafeRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R
    /// A hint that the tensor's mapped bytes have been copied out and are not needed soon.
    func releasePages(_ name: String)
}

extension WeightSource {
    public func contains(_ name: String) -> Bool { info(name) != nil }
}

/// IEEE binary16 → binary32, exact for every value (subnormals, infinities, NaN payloads).
@inline(__always)
func floatFromHalf(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x3FF)
    if exponent == 0 {
        if mantissa == 0 { return Float(bitPattern: sign) }
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    }
    if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

/// bfloat16 → binary32: the top half of the fp32 bit pattern.
@inline(__always)
func floatFromBFloat16(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}
