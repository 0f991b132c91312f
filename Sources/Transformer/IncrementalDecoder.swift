import Tensor

/// Runs the decoder one token at a time over a batch of live hypotheses. Self-attention
/// keys and values are cached time-major ([step][hypothesis][d]), so a new step appends
/// and a beam reorder gathers rows; cross-attention keys and values are computed once per
/// source sentence and shared by all of its hypotheses.
public struct IncrementalDecoder: Sendable {
    public let model: EncoderDecoderModel
    private let memory: [[Float]]          // per layer: packed [source rows × 2d], rows [k | v]
    private let memoryOffsets: [Int]
    private let memoryLengths: [Int]
    /// The source sentence of each live hypothesis.
    public private(set) var sentenceOf: [Int]
    private var keys: [[Float]]
    private var values: [[Float]]
    public private(set) var steps = 0

    public init(model: EncoderDecoderModel, encoded: EncoderDecoderModel.EncodedBatch) {
        self.model = model
        let rows = encoded.lengths.reduce(0, +)
        memory = model.decoderLayers.map { layer in
            layer.crossAttention.keyValue!.apply(encoded.rows, rows: rows)
        }
        memoryOffsets = encoded.offsets
        memoryLengths = encoded.lengths
        sentenceOf = Array(encoded.lengths.indices)
        keys = Array(repeating: [], count: model.decoderLayers.count)
        values = Array(repeating: [], count: model.decoderLayers.count)
    }

    public var hypotheses: Int { sentenceOf.count }

    /// Feeds one token per hypothesis; returns logits [hypotheses × target vocabulary].
    public mutating func step(_ tokens: [Int32]) -> [Float] {
        precondition(tokens.count == hypotheses, "\(tokens.count) tokens for \(hypotheses) hypotheses")
        let d = model.modelDimension, count = tokens.count
        var x = [Float](repeating: 0, count: count * d)
        let position = min(steps, model.maxPositions - 1) * d
        let zero = steps == 0 && model.startFromZeroEmbedding
        model.targetEmbeddings.storage.withUnsafeBufferPointer { embeddings in
            model.positions.storage.withUnsafeBufferPointer { positions in
                for (j, token) in tokens.enumerated() {
                    let e = Int(token) * d
                    for i in 0..<d { x[j * d + i] = (zero ? 0 : embeddings[e + i] * model.embeddingScale) + positions[position + i] }
                }
            }
        }
        model.decoderEmbeddingNorm?.apply(&x)
        for (l, layer) in model.decoderLayers.enumerated() {
            x = model.attentionBlock(layer.selfAttention, x, rows: count) { qkv in selfAttention(layer: l, qkv) }
            x = model.attentionBlock(layer.crossAttention, x, rows: count) { q in crossAttention(layer: l, q) }
            x = model.feedForwardBlock(layer.feedForward, x, rows: count)
        }
        model.decoderFinalNorm?.apply(&x)
        steps += 1
        return model.outputProjection.apply(x, rows: count)
    }

    private mutating func selfAttention(layer l: Int, _ qkv: [Float]) -> [Float] {
        let d = model.modelDimension, count = hypotheses, dh = d / model.heads
        // Append this step's keys and values.
        keys[l].reserveCapacity((steps + 1) * count * d)
        values[l].reserveCapacity((steps + 1) * count * d)
        for j in 0..<count {
            keys[l].append(contentsOf: qkv[(j * 3 * d + d)..<(j * 3 * d + 2 * d)])
            values[l].append(contentsOf: qkv[(j * 3 * d + 2 * d)..<(j * 3 * d + 3 * d)])
        }
        let length = steps + 1
        let scale = 1 / Float(dh).squareRoot()
        var context = [Float](repeating: 0, count: count * d)
        var scores = [Float](repeating: 0, count: length)
        qkv.withUnsafeBufferPointer { qkv in
            keys[l].withUnsafeBufferPointer { k in
                values[l].withUnsafeBufferPointer { v in
                    context.withUnsafeMutableBufferPointer { context in
                        scores.withUnsafeMutableBufferPointer { scores in
                            for j in 0..<count {
                                for h in 0..<model.heads {
                                    let column = j * d + h * dh
                                    BLAS.gemv(k.baseAddress! + column, lda: count * d, m: length, n: dh, transpose: false,
                                              qkv.baseAddress! + j * 3 * d + h * dh, scores.baseAddress!, alpha: scale)
                                    RowOps.softmax(scores, width: length)
                                    BLAS.gemv(v.baseAddress! + column, lda: count * d, m: length, n: dh, transpose: true,
                                              UnsafePointer(scores.baseAddress!), context.baseAddress! + j * d + h * dh)
                                }
                            }
                        }
                    }
                }
            }
        }
        return context
    }

    private func crossAttention(layer l: Int, _ q: [Float]) -> [Float] {
        let d = model.modelDimension, count = hypotheses, dh = d / model.heads
        let scale = 1 / Float(dh).squareRoot()
        var context = [Float](repeating: 0, count: count * d)
        var scores = [Float](repeating: 0, count: memoryLengths.max() ?? 0)
        q.withUnsafeBufferPointer { q in
            memory[l].withUnsafeBufferPointer { memory in
                context.withUnsafeMutableBufferPointer { context in
                    scores.withUnsafeMutableBufferPointer { scores in
                        for j in 0..<count {
                            let s = sentenceOf[j], length = memoryLengths[s]
                            guard length > 0 else { continue }
                            let base = memory.baseAddress! + memoryOffsets[s] * 2 * d
                            let row = UnsafeMutableBufferPointer(rebasing: scores[0..<length])
                            for h in 0..<model.heads {
                                BLAS.gemv(base + h * dh, lda: 2 * d, m: length, n: dh, transpose: false,
                                          q.baseAddress! + j * d + h * dh, row.baseAddress!, alpha: scale)
                                RowOps.softmax(row, width: length)
                                BLAS.gemv(base + d + h * dh, lda: 2 * d, m: length, n: dh, transpose: true,
                                          UnsafePointer(row.baseAddress!), context.baseAddress! + j * d + h * dh)
                            }
                        }
                    }
                }
            }
        }
        return context
    }

    /// Keeps the hypotheses at `indices` (repeats allowed: beam expansion), in that order.
    public mutating func reorder(_ indices: [Int]) {
        let d = model.modelDimension, old = hypotheses
        precondition(indices.allSatisfy { $0 >= 0 && $0 < old }, "reorder index out of range")
        for l in keys.indices {
            keys[l] = Self.gather(keys[l], steps: steps, old: old, indices, d)
            values[l] = Self.gather(values[l], steps: steps, old: old, indices, d)
        }
        sentenceOf = indices.map { sentenceOf[$0] }
    }

    private static func gather(_ cache: [Float], steps: Int, old: Int, _ indices: [Int], _ d: Int) -> [Float] {
        var result = [Float](repeating: 0, count: steps * indices.count * d)
        cache.withUnsafeBufferPointer { cache in
            result.withUnsafeMutableBufferPointer { result in
                for t in 0..<steps {
                    for (j, i) in indices.enumerated() {
                        let from = (t * old + i) * d, to = (t * indices.count + j) * d
                        for k in 0..<d { result[to + k] = cache[from + k] }
                    }
                }
            }
        }
        return result
    }
}
