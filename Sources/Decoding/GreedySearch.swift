/// CTranslate2's `GreedySearch::search` (decoding.cc) with scores on: at each step, per
/// live sentence, the rules on the logits, the log-softmax, the first maximum (TopK with
/// k = 1 keeps the earliest of equal values); a forced prefix token instead while the
/// prefix lasts (log-probability 0). A sentence finishes on the end token (after its
/// prefix) or at step maxLength − 1, and leaves the decoder's batch at once.
func greedySearch<Decoder: StepDecoder>(decoder: inout Decoder, _ setup: SearchSetup) throws -> [[Hypothesis]] {
    let vocabularySize = setup.vocabularySize
    let batchSize = setup.batchSize
    let capacity = setup.maxLength
    var results = [[Hypothesis]](repeating: [], count: batchSize)

    var live = Array(0..<batchSize)              // batch_offset: the sentence of each row
    var tokens = setup.startIds                  // the next input of each row
    var scores = [Float](repeating: 0, count: batchSize)
    var history = [Int32](repeating: 0, count: batchSize * capacity)
    var best = [Int32](repeating: 0, count: batchSize)
    var bestValues = [Float](repeating: 0, count: batchSize)
    var scratch = [Float](repeating: 0, count: max(1, setup.threads) * capacity)   // per chunk
    var logits: [Float] = []
    var keep: [Int] = []
    keep.reserveCapacity(batchSize)

    for step in 0..<capacity {
        let rows = live.count
        try decoder.step(tokens, logits: &logits)
        try checkLogits(logits, rows: rows, vocabularySize: vocabularySize)
        keep.removeAll(keepingCapacity: true)

        // Per row (rows in parallel chunks): the rules, the log-softmax shift, the first maximum.
        let threads = kernelThreads(setup.threads, logits: rows * vocabularySize)
        logits.withUnsafeMutableBufferPointer { logits in
            history.withUnsafeBufferPointer { history in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    best.withUnsafeMutableBufferPointer { best in
                        bestValues.withUnsafeMutableBufferPointer { bestValues in
                            forEachChunk(count: rows, threads: threads) { chunkRows, chunk in
                                for r in chunkRows {
                                    let row = logits.baseAddress! + r * vocabularySize
                                    // CTranslate2 keeps the history only when a processor needs it.
                                    setup.rules.apply(row, step: step, history: history.baseAddress! + r * capacity,
                                                      length: setup.rules.readsHistory ? step : 0,
                                                      scratch: scratch.baseAddress! + chunk * capacity)
                                    let shift = RowKernels.logSoftmaxShift(row, vocabularySize)
                                    // TopK with k = 1: the earliest of equal log-probabilities.
                                    var index = 0
                                    var value = row[0] + shift
                                    for j in 1..<vocabularySize {
                                        let candidate = row[j] + shift
                                        if candidate > value { index = j; value = candidate }
                                    }
                                    best[r] = Int32(index)
                                    bestValues[r] = value
                                }
                            }
                        }
                    }
                }
            }
        }

        // The best token of each row, the score, the finished check.
        var compact = 0
        history.withUnsafeMutableBufferPointer { history in
            for r in 0..<rows {
                let sentence = live[r]
                var token = best[r]
                var logProbability = bestValues[r]
                let prefixLength = setup.prefixLength(sentence)
                if step < prefixLength {
                    token = setup.prefixes![sentence][step]
                    logProbability = 0
                }
                let rowHistory = history.baseAddress! + r * capacity
                rowHistory[step] = token
                scores[r] += logProbability
                let finished = (token == setup.endToken && step >= prefixLength) || step + 1 == setup.maxLength
                if finished {
                    let hypothesis = (tokens: Array(UnsafeBufferPointer(start: rowHistory, count: step + 1)), score: scores[r])
                    results[sentence] = setup.finalize([hypothesis])
                } else {
                    // Compact the live rows in place (row order is kept).
                    if compact != r {
                        (history.baseAddress! + compact * capacity).update(from: rowHistory, count: step + 1)
                        live[compact] = sentence
                        scores[compact] = scores[r]
                    }
                    tokens[compact] = token
                    keep.append(r)
                    compact += 1
                }
            }
        }
        if compact == 0 { break }
        if compact != rows {
            live.removeLast(rows - compact)
            scores.removeLast(rows - compact)
            tokens.removeLast(rows - compact)
            try decoder.reorder(keep)
        }
    }

    // CTranslate2 runs greedy n-best (hypotheses > 1, which patience allows) as copies of
    // the batch; the best-token sampler makes the copies identical.
    if setup.hypotheses > 1 {
        results = results.map { Array(repeating: $0[0], count: setup.hypotheses) }
    }
    return results
}
