import Foundation
import Transformer

/// The arithmetic of the linear layers (CTranslate2's `compute_type`).
public enum ComputeType: String, Sendable, CaseIterable {
    case float32
    /// int8 weights (per row, symmetric) and activations (per row, at run time), int32
    /// sums; the rest in fp32.
    case int8
}

public enum ComputeTypeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A Translator loaded for int8 has dropped its fp32 weights.
    case floatWeightsReleased(model: String)

    public var description: String {
        switch self {
        case .floatWeightsReleased(let model):
            return "\(model): the model was loaded with compute type int8 (its fp32 weights were released); load it again for float32"
        }
    }
}

/// An int8 copy of an fp32 model, made on first use and then shared.
final class QuantizedModelCache: @unchecked Sendable {
    private let lock = NSLock()
    private var model: EncoderDecoderModel?

    func model(from source: EncoderDecoderModel) -> EncoderDecoderModel {
        lock.lock()
        defer { lock.unlock() }
        if let model { return model }
        let quantized = source.quantized()
        model = quantized
        return quantized
    }
}
