import Tensor

/// Runs the decoder one token at a time over a batch of live hypotheses.
///
/// Self-attention keys and values are appended, never moved: each step adds one [k | v]
/// row per live hypothesis to a per-layer store, and each hypothesis keeps the list of its
/// rows (its lineage, one per position). A beam reorder then copies lineages (a few
/// integers per hypothesis) instead of gathering the whole cache, which at step t costs
/// t · hypotheses · d floats per layer. Cross-attention keys and values are computed once
/// per source sentence and shared by all of its hypotheses. The step's activations live
/// in buffers reused from step to step.
public struct IncrementalDecoder: Sendable {
    public let model: EncoderDecoderModel
    private let memory: [[Float]]          // per layer: packed [source rows × 2d], rows [k | v]
    private let memoryOffsets: [Int]
    private let memoryLengths: [Int]
    /// The source sentence of each live hypothesis.
    public private(set) var sentenceOf: [Int]
    /// Per layer, every [k | v] row appended so far (row r at r · 2d).
    private var store: [[Float]]
    private var storedRows = 0
    /// lineage[j · lineageStride + t]: the store offset (floats) of hypothesis j's row at
    /// position t.
    private var lineage: [Int64] = []
    private var lineageStride = 0
    public private(set) var steps = 0
    private var buffers = StepBuffers()

    public init(model: EncoderDecoderModel, encoded: EncoderDecoderModel.EncodedBatch) {
        self.model = model
        let rows = encoded.lengths.reduce(0, +)
        memory = model.decoderLayers.map { layer in
            layer.crossAttention.keyValue!.apply(encoded.rows, rows: rows)
        }
        memoryOffsets = encoded.offsets
        memoryLengths = encoded.lengths
        sentenceOf = Array(encoded.lengths.indices)
        store = Array(repeating: [], count: model.decoderLayers.count)
    }

    public var hypotheses: Int { sentenceOf.count }

    /// Feeds one token per hypothesis; returns logits [hypotheses × target vocabulary].
    public mutating func step(_ tokens: [Int32]) -> [Float] {
        var logits: [Float] = []
        step(tokens, logits: &logits)
        return logits
    }

    /// Feeds one token per hypothesis and writes the logits [hypotheses × target vocabulary]
    /// into `logits`, reusing its storage when it is large enough.
    public mutating func step(_ tokens: [Int32], logits: inout [Float]) {
        precondition(tokens.count == hypotheses, "\(tokens.count) tokens for \(hypotheses) hypotheses")
        let d = model.modelDimension, count = tokens.count
        let ffn = model.decoderLayers.first?.feedForward.inner.outputs ?? 0
        let maxSource = memoryLengths.max() ?? 0
        growLineage()
        // The new rows of every layer go to the store at these offsets.
        for j in 0..<count { lineage[j * lineageStride + steps] = Int64((storedRows + j) * 2 * d) }
        storedRows += count
        let vocabulary = model.outputProjection.outputs
        // Resized in place: a batch shrinks as sentences finish, and a fresh 16 MB buffer per
        // step would be fresh pages to fault in.
        if logits.count > count * vocabulary {
            logits.removeLast(logits.count - count * vocabulary)
        } else if logits.count < count * vocabulary {
            logits.append(contentsOf: repeatElement(0, count: count * vocabulary - logits.count))
        }
        var b = StepBuffers()
        swap(&b, &buffers)
        b.prepare(rows: count, d: d, ffn: ffn, scores: max(steps + 1, maxSource), gathered: (steps + 1) * 2 * d)
        b.withPointers { p in
            var x = p.x, spare = p.output
            let n = count * d
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
            model.decoderEmbeddingNorm?.apply(UnsafeMutableBufferPointer(rebasing: x[0..<n]))
            // x ← x + f(x) then the norm (post-norm), or x ← x + f(norm(x)) (pre-norm).
            func residual(_ norm: LayerNorm, _ f: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) {
                var input = UnsafeBufferPointer(rebasing: x[0..<n])
                if model.preNorm {
                    let normed = UnsafeMutableBufferPointer(rebasing: p.normed[0..<n])
                    _ = normed.update(fromContentsOf: input)
                    norm.apply(normed)
                    input = UnsafeBufferPointer(normed)
                }
                let y = UnsafeMutableBufferPointer(rebasing: spare[0..<n])
                f(input, y)
                RowOps.add(y, UnsafeBufferPointer(rebasing: x[0..<n]))
                if !model.preNorm { norm.apply(y) }
                swap(&x, &spare)
            }
            let context = UnsafeBufferPointer(p.context)
            for (l, layer) in model.decoderLayers.enumerated() {
                residual(layer.selfAttention.norm) { input, output in
                    layer.selfAttention.query.apply(input, rows: count, into: p.wide)
                    appendKeysValues(layer: l, UnsafeBufferPointer(p.wide), rows: count)
                    selfAttention(layer: l, qkv: UnsafeBufferPointer(p.wide), rows: count, gathered: p.gathered,
                                  scores: p.scores, context: p.context)
                    layer.selfAttention.output.apply(context, rows: count, into: output)
                }
                residual(layer.crossAttention.norm) { input, output in
                    layer.crossAttention.query.apply(input, rows: count, into: p.wide)
                    crossAttention(layer: l, q: UnsafeBufferPointer(p.wide), rows: count, scores: p.scores, context: p.context)
                    layer.crossAttention.output.apply(context, rows: count, into: output)
                }
                residual(layer.feedForward.norm) { input, output in
                    let f = layer.feedForward
                    f.inner.apply(input, rows: count, into: p.hidden, activation: f.activation)
                    f.outer.apply(UnsafeBufferPointer(p.hidden), rows: count, into: output)
                }
            }
            model.decoderFinalNorm?.apply(UnsafeMutableBufferPointer(rebasing: x[0..<n]))
            logits.withUnsafeMutableBufferPointer {
                model.outputProjection.apply(UnsafeBufferPointer(rebasing: x[0..<n]), rows: count, into: $0)
            }
        }
        swap(&b, &buffers)
        steps += 1
    }

    /// Appends this step's [k | v] rows (columns d..<3d of the fused projection) to the store.
    private mutating func appendKeysValues(layer l: Int, _ qkv: UnsafeBufferPointer<Float>, rows: Int) {
        let d = model.modelDimension
        if store[l].capacity < storedRows * 2 * d {
            store[l].reserveCapacity(max(storedRows * 2 * d, store[l].capacity * 3 / 2))
        }
        for j in 0..<rows {
            store[l].append(contentsOf: UnsafeBufferPointer(rebasing: qkv[(j * 3 * d + d)..<(j * 3 * d + 3 * d)]))
        }
    }

    /// Scores and context per head through the same BLAS calls (gemv with the same shapes)
    /// as the batch-free attention CTranslate2's results were matched against, so the sums
    /// round the same way; this hypothesis's keys and values are first gathered from the
    /// store by its lineage into `gathered` ([length × 2d]).
    private func selfAttention(layer l: Int, qkv: UnsafeBufferPointer<Float>, rows: Int, gathered: UnsafeMutableBufferPointer<Float>,
                               scores: UnsafeMutableBufferPointer<Float>, context: UnsafeMutableBufferPointer<Float>) {
        let d = model.modelDimension, width = 2 * d
        let length = steps + 1, stride = lineageStride
        store[l].withUnsafeBufferPointer { store in
            lineage.withUnsafeBufferPointer { lineage in
                for j in 0..<rows {
                    for t in 0..<length {
                        (gathered.baseAddress! + t * width).update(from: store.baseAddress! + Int(lineage[j * stride + t]), count: width)
                    }
                    attend(qkv.baseAddress! + j * 3 * d, UnsafePointer(gathered.baseAddress!), length: length, scores: scores,
                           context: context.baseAddress! + j * d)
                }
            }
        }
    }

    private func crossAttention(layer l: Int, q: UnsafeBufferPointer<Float>, rows: Int,
                                scores: UnsafeMutableBufferPointer<Float>, context: UnsafeMutableBufferPointer<Float>) {
        let d = model.modelDimension
        memory[l].withUnsafeBufferPointer { memory in
            for j in 0..<rows {
                let s = sentenceOf[j]
                attend(q.baseAddress! + j * d, memory.baseAddress! + memoryOffsets[s] * 2 * d, length: memoryLengths[s],
                       scores: scores, context: context.baseAddress! + j * d)
            }
        }
    }

    /// One query row over `length` rows [k | v] (2d wide): per head, scores = K·q·scale,
    /// softmax, context = Vᵀ·p.
    private func attend(_ q: UnsafePointer<Float>, _ kv: UnsafePointer<Float>, length: Int,
                        scores: UnsafeMutableBufferPointer<Float>, context: UnsafeMutablePointer<Float>) {
        let d = model.modelDimension, dh = d / model.heads
        guard length > 0 else {
            context.update(repeating: 0, count: d)
            return
        }
        let row = UnsafeMutableBufferPointer(rebasing: scores[0..<length])
        for h in 0..<model.heads {
            BLAS.gemv(kv + h * dh, lda: 2 * d, m: length, n: dh, transpose: false, q + h * dh, row.baseAddress!,
                      alpha: 1 / Float(dh).squareRoot())
            RowOps.softmax(row, width: length)
            BLAS.gemv(kv + d + h * dh, lda: 2 * d, m: length, n: dh, transpose: true, UnsafePointer(row.baseAddress!), context + h * dh)
        }
    }

    /// Makes room in every lineage for this step's position.
    private mutating func growLineage() {
        guard steps >= lineageStride else { return }
        let stride = max(32, 2 * lineageStride)
        var grown = [Int64](repeating: 0, count: hypotheses * stride)
        for j in 0..<hypotheses {
            for t in 0..<steps { grown[j * stride + t] = lineage[j * lineageStride + t] }
        }
        lineage = grown
        lineageStride = stride
    }

    /// Keeps the hypotheses at `indices` (repeats allowed: beam expansion), in that order.
    public mutating func reorder(_ indices: [Int]) {
        let old = hypotheses
        precondition(indices.allSatisfy { $0 >= 0 && $0 < old }, "reorder index out of range")
        let stride = max(lineageStride, 1)
        var next = [Int64](repeating: 0, count: indices.count * stride)
        if steps > 0 {
            lineage.withUnsafeBufferPointer { lineage in
                next.withUnsafeMutableBufferPointer { next in
                    for (j, i) in indices.enumerated() {
                        (next.baseAddress! + j * stride).update(from: lineage.baseAddress! + i * stride, count: steps)
                    }
                }
            }
        }
        lineage = next
        lineageStride = stride
        sentenceOf = indices.map { sentenceOf[$0] }
        // Rows no live hypothesis reaches (finished sentences, dropped beams) pile up; once
        // they are a fifth of the store, the live rows (each once: beams share their common
        // prefix) move to fresh stores. Counting them costs steps × hypotheses lookups.
        if storedRows > 256 && storedRows * 4 > 5 * liveRows() { compact() }
    }

    /// Distinct store rows that some lineage reaches.
    private func liveRows() -> Int {
        let width = 2 * model.modelDimension
        var seen = [Bool](repeating: false, count: storedRows)
        var count = 0
        for j in 0..<hypotheses {
            for t in 0..<steps {
                let row = Int(lineage[j * lineageStride + t]) / width
                if !seen[row] { seen[row] = true; count += 1 }
            }
        }
        return count
    }

    /// Moves the rows some lineage reaches to the front of each store, in their order (so
    /// each moves down or stays: in place, without a second store), drops the rest (keeping
    /// the capacity for the next steps) and points the lineages at the new places.
    private mutating func compact() {
        let width = 2 * model.modelDimension
        var newRow = [Int32](repeating: -1, count: storedRows)
        for j in 0..<hypotheses {
            for t in 0..<steps { newRow[Int(lineage[j * lineageStride + t]) / width] = 0 }
        }
        var kept = 0
        for r in 0..<storedRows where newRow[r] >= 0 {
            newRow[r] = Int32(kept)
            kept += 1
        }
        for l in store.indices {
            store[l].withUnsafeMutableBufferPointer { rows in
                for r in 0..<storedRows where newRow[r] >= 0 && Int(newRow[r]) != r {
                    (rows.baseAddress! + Int(newRow[r]) * width).update(from: rows.baseAddress! + r * width, count: width)
                }
            }
            store[l].removeLast((storedRows - kept) * width)
        }
        for j in 0..<hypotheses {
            for t in 0..<steps {
                let i = j * lineageStride + t
                lineage[i] = Int64(Int(newRow[Int(lineage[i]) / width]) * width)
            }
        }
        storedRows = kept
    }
}

/// The activations of one decoding step, kept between steps so a step allocates nothing
/// once the batch has been seen at its largest.
struct StepBuffers: Sendable {
    var x: [Float] = []
    var output: [Float] = []
    var normed: [Float] = []
    /// [rows × 3d]: the fused QKV projection, or the cross-attention query in its first d.
    var wide: [Float] = []
    var context: [Float] = []
    var hidden: [Float] = []
    var scores: [Float] = []
    /// One hypothesis's self-attention rows, gathered by its lineage: [length × 2d].
    var gathered: [Float] = []

    struct Pointers {
        let x, output, normed, wide, context, hidden, scores, gathered: UnsafeMutableBufferPointer<Float>
    }

    mutating func prepare(rows: Int, d: Int, ffn: Int, scores scoreCount: Int, gathered gatheredCount: Int) {
        func fit(_ buffer: inout [Float], _ count: Int) {
            if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
        }
        fit(&x, rows * d)
        fit(&output, rows * d)
        fit(&normed, rows * d)
        fit(&wide, rows * 3 * d)
        fit(&context, rows * d)
        fit(&hidden, rows * ffn)
        fit(&scores, scoreCount)
        fit(&gathered, gatheredCount)
    }

    mutating func withPointers<R>(_ body: (Pointers) throws -> R) rethrows -> R {
        try x.withUnsafeMutableBufferPointer { x in
            try output.withUnsafeMutableBufferPointer { output in
                try normed.withUnsafeMutableBufferPointer { normed in
                    try wide.withUnsafeMutableBufferPointer { wide in
                        try context.withUnsafeMutableBufferPointer { context in
                            try hidden.withUnsafeMutableBufferPointer { hidden in
                                try scores.withUnsafeMutableBufferPointer { scores in
                                    try gathered.withUnsafeMutableBufferPointer { gathered in
                                        try body(Pointers(x: x, output: output, normed: normed, wide: wide, context: context,
                                                          hidden: hidden, scores: scores, gathered: gathered))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
