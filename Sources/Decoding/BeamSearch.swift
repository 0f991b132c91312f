/// CTranslate2's `BeamSearch::search` (decoding.cc), CPU path, step by step:
///
/// - The first step runs one row per sentence when 2·beam ≤ vocabulary (CPU
///   `expand_after_first_step`); otherwise each sentence starts as `beam` rows with scores
///   [0, lowest, lowest, …].
/// - Each step: the rules on the logits, the log-softmax, the beam's cumulative score added,
///   then the top 2·beam of the sentence's beam×vocabulary candidates (CTranslate2's TopK
///   order, ties included).
/// - With a forced prefix, its tokens replace the candidates (score 0 for the first,
///   −1e10 for the others, all from beam 0); at the first free step an end token among
///   the secondary candidates becomes token 0 at −1e10.
/// - Of the first `beam` candidates, one that is the end token (after the prefix), or any at
///   the last step (maxLength − 1), becomes a finished hypothesis and its place goes to the
///   next secondary candidate that is not the end token; if there is none, the finished
///   candidate stays in the beam and is fed the end token.
/// - A sentence is done at the last step; with lengthPenalty 0 once its top candidate has
///   finished at some step and it has `hypotheses` finished; otherwise once it has
///   round(beam × patience) finished. Its finished hypotheses are normalized, sorted and
///   cut to the n-best size, and it leaves the decoder's batch.
///
/// With lexical constraints, `ConstrainedBeams` changes the candidates of the sentences that
/// have some (dynamic beam allocation) and when they end; other sentences are untouched.
func beamSearch<Decoder: StepDecoder>(decoder: inout Decoder, _ setup: SearchSetup) throws -> [[Hypothesis]] {
    let vocabularySize = setup.vocabularySize
    let batchSize = setup.batchSize
    let beam = setup.beamSize
    let candidates = 2 * beam
    let capacity = setup.maxLength
    let endToken = setup.endToken
    let expandAfterFirstStep = candidates <= vocabularySize
    let allowEarlyExit = setup.lengthPenalty == 0
    let maxRows = batchSize * beam

    var results = [[Hypothesis]](repeating: [], count: batchSize)
    var finished = [[(tokens: [Int32], score: Float)]](repeating: [], count: batchSize)

    var live = Array(0..<batchSize)                      // batch_offset
    var topBeamFinished = [Bool](repeating: false, count: batchSize)
    var tokens: [Int32] = []                             // the next input of each row
    tokens.reserveCapacity(maxRows)
    var beamScores = [Float](repeating: 0, count: maxRows)
    var hasScores = false                                // CTranslate2's `if (topk_scores)`
    var history = [Int32](repeating: 0, count: maxRows * capacity)
    var nextHistory = history
    var shifts = [Float](repeating: 0, count: maxRows)
    var scratch = [Float](repeating: 0, count: max(1, setup.threads) * capacity)   // per chunk
    // Per live sentence, its 2·beam candidates: heap storage, then token, score, origin row.
    var candidateValues = [Float](repeating: 0, count: batchSize * candidates)
    var candidateIndices = [Int](repeating: 0, count: batchSize * candidates)
    var candidateTokens = [Int32](repeating: 0, count: batchSize * candidates)
    var candidateOrigins = [Int](repeating: 0, count: batchSize * candidates)
    var active = [Int](repeating: 0, count: maxRows)     // per beam slot: its candidate
    var keep: [Int] = []
    var order: [Int] = []
    var logits: [Float] = []

    if expandAfterFirstStep {
        tokens = setup.startIds
    } else {
        for sentence in 0..<batchSize {
            for k in 0..<beam {
                tokens.append(setup.startIds[sentence])
                order.append(sentence)
                beamScores[sentence * beam + k] = k == 0 ? 0 : -Float.greatestFiniteMagnitude
            }
        }
        try decoder.reorder(order)
        hasScores = true
    }
    var constrained = setup.constraints.map {
        ConstrainedBeams($0, beam: beam, batchSize: batchSize, endToken: endToken, maxLength: capacity,
                         firstLayout: expandAfterFirstStep ? Array(0..<batchSize) : order)
    }

    for step in 0..<capacity {
        let expanded = !expandAfterFirstStep || step > 0
        let rowsPerSentence = expanded ? beam : 1
        let rows = live.count * rowsPerSentence
        try decoder.step(tokens, logits: &logits)
        try checkLogits(logits, rows: rows, vocabularySize: vocabularySize)
        constrained?.banEndTokens(live: live, rowsPerSentence: rowsPerSentence, step: step)
        let endBans = constrained?.endBanned ?? []

        // Per sentence (the sentences in parallel chunks): for each of its rows the rules and
        // the log-softmax shift, then the top 2·beam of its rows, all while they are in cache.
        let threads = kernelThreads(setup.threads, logits: rows * vocabularySize)
        logits.withUnsafeMutableBufferPointer { logits in
          endBans.withUnsafeBufferPointer { endBans in
            history.withUnsafeBufferPointer { history in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    shifts.withUnsafeMutableBufferPointer { shifts in
                        beamScores.withUnsafeBufferPointer { beamScores in
                            candidateValues.withUnsafeMutableBufferPointer { values in
                                candidateIndices.withUnsafeMutableBufferPointer { indices in
                                    candidateTokens.withUnsafeMutableBufferPointer { candidateTokens in
                                        candidateOrigins.withUnsafeMutableBufferPointer { origins in
                                            forEachChunk(count: live.count, threads: threads) { sentences, chunk in
                                                for i in sentences {
                                                    let firstRow = i * rowsPerSentence
                                                    for r in firstRow..<(firstRow + rowsPerSentence) {
                                                        let row = logits.baseAddress! + r * vocabularySize
                                                        setup.rules.apply(row, step: step, history: history.baseAddress! + r * capacity,
                                                                          length: step, scratch: scratch.baseAddress! + chunk * capacity)
                                                        shifts[r] = RowKernels.logSoftmaxShift(row, vocabularySize)
                                                        // A constrained row that owes tokens may not end:
                                                        // masked after the softmax, so its probabilities stay.
                                                        if !endBans.isEmpty && endBans[r] { row[Int(endToken)] = RowKernels.disabled }
                                                    }
                                                    let slot = i * candidates
                                                    let heap = TopKHeap(values: values.baseAddress! + slot,
                                                                        indices: indices.baseAddress! + slot, k: candidates)
                                                    heap.select(rows: rowsPerSentence, width: vocabularySize,
                                                                logits: logits.baseAddress! + firstRow * vocabularySize,
                                                                shifts: shifts.baseAddress! + firstRow,
                                                                offsets: hasScores ? beamScores.baseAddress! + firstRow : nil)
                                                    for j in slot..<(slot + candidates) {
                                                        let flat = indices[j]
                                                        candidateTokens[j] = Int32(flat % vocabularySize)
                                                        origins[j] = firstRow + flat / vocabularySize
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
            }
          }
        }

        // Dynamic beam allocation for the constrained sentences past their forced prefix.
        if constrained != nil {
            logits.withUnsafeBufferPointer { logits in
                shifts.withUnsafeBufferPointer { shifts in
                    beamScores.withUnsafeBufferPointer { beamScores in
                        for (i, sentence) in live.enumerated()
                        where setup.constraints!.isConstrained(sentence) && step >= setup.prefixLength(sentence) {
                            let firstRow = i * rowsPerSentence
                            constrained!.select(i, sentence: sentence, firstRow: firstRow, rows: rowsPerSentence,
                                                vocabularySize: vocabularySize,
                                                logits: logits.baseAddress! + firstRow * vocabularySize,
                                                shifts: shifts.baseAddress! + firstRow,
                                                offsets: hasScores ? beamScores.baseAddress! + firstRow : nil,
                                                tokens: &candidateTokens, values: &candidateValues, origins: &candidateOrigins)
                        }
                    }
                }
            }
        }

        // update_sample_with_prefix.
        if let prefixes = setup.prefixes {
            for i in 0..<live.count {
                let prefix = prefixes[live[i]]
                guard step <= prefix.count else { continue }
                let isConstrained = setup.constraints?.isConstrained(live[i]) ?? false
                // Allocation has chosen a constrained sentence's candidates at its first free step.
                if isConstrained && step == prefix.count { continue }
                let slot = i * candidates
                for j in 0..<candidates {
                    if step < prefix.count {
                        candidateTokens[slot + j] = prefix[step]
                        candidateValues[slot + j] = j == 0 ? 0 : -1e10
                    } else if j > 0 && candidateTokens[slot + j] == endToken {
                        candidateTokens[slot + j] = 0
                        candidateValues[slot + j] = -1e10
                    } else {
                        continue
                    }
                    candidateOrigins[slot + j] = i * rowsPerSentence
                }
                if isConstrained {
                    constrained!.advanceCandidates(i, sentence: live[i], tokens: candidateTokens, origins: candidateOrigins)
                }
            }
        }

        // Finished hypotheses; replacement of finished beams; finished sentences.
        keep.removeAll(keepingCapacity: true)
        let isLastStep = step + 1 == setup.maxLength
        history.withUnsafeBufferPointer { history in
            for i in 0..<live.count {
                let sentence = live[i]
                let prefixLength = setup.prefixLength(sentence)
                let slot = i * candidates
                var secondary = beam
                for k in 0..<beam {
                    let token = candidateTokens[slot + k]
                    var next = k
                    if (token == endToken && step >= prefixLength) || isLastStep {
                        if k == 0 { topBeamFinished[i] = true }
                        var hypothesis = Array(UnsafeBufferPointer(
                            start: history.baseAddress! + candidateOrigins[slot + k] * capacity, count: step))
                        hypothesis.append(token)
                        finished[sentence].append((hypothesis, candidateValues[slot + k]))
                        if setup.constraints?.isConstrained(sentence) == true {
                            let counts = constrained!.counts(sentence: sentence, slot: slot + k, origin: candidateOrigins[slot + k])
                            constrained!.finishedCounts[sentence].append(counts)
                        }
                        for j in secondary..<candidates where candidateTokens[slot + j] != endToken {
                            next = j
                            secondary = j + 1
                            break
                        }
                    }
                    active[i * beam + k] = next
                }
                // A sentence whose constraints fit counts only the hypotheses that meet them all.
                var ending = finished[sentence].count
                var needed = setup.maxCandidates
                var met: [[Int]]? = nil
                if let beams = constrained, beams.tables.isConstrained(sentence) {
                    met = beams.finishedCounts[sentence]
                    if beams.tables.sentences[sentence].fits {
                        ending = met!.filter { beams.satisfies(sentence: sentence, $0) }.count
                    }
                    needed = beams.finishedNeeded(sentence: sentence, maxCandidates: setup.maxCandidates, hypotheses: setup.hypotheses)
                }
                let done: Bool
                if isLastStep {
                    done = true
                } else if allowEarlyExit {
                    done = topBeamFinished[i] && ending >= setup.hypotheses
                } else {
                    done = ending >= needed
                }
                if done {
                    results[sentence] = setup.finalize(finished[sentence], met: met)
                    finished[sentence] = []
                } else {
                    keep.append(i)
                }
            }
        }
        if keep.isEmpty { break }

        // The next beams: tokens, scores, histories, and the decoder rows they come from.
        tokens.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        history.withUnsafeBufferPointer { history in
            nextHistory.withUnsafeMutableBufferPointer { nextHistory in
                beamScores.withUnsafeMutableBufferPointer { beamScores in
                    for (newIndex, i) in keep.enumerated() {
                        for k in 0..<beam {
                            let c = i * candidates + active[i * beam + k]
                            let origin = candidateOrigins[c]
                            let row = newIndex * beam + k
                            let target = nextHistory.baseAddress! + row * capacity
                            target.update(from: history.baseAddress! + origin * capacity, count: step)
                            target[step] = candidateTokens[c]
                            tokens.append(candidateTokens[c])
                            beamScores[row] = candidateValues[c]
                            order.append(origin)
                        }
                    }
                }
            }
        }
        if constrained != nil {
            for (newIndex, i) in keep.enumerated() where setup.constraints!.isConstrained(live[i]) {
                for k in 0..<beam {
                    let c = i * candidates + active[i * beam + k]
                    constrained!.carry(to: newIndex * beam + k, slot: c, origin: candidateOrigins[c], sentence: live[i])
                }
            }
            constrained!.swapRows()
        }
        swap(&history, &nextHistory)
        hasScores = true
        if keep.count != live.count {
            for (newIndex, i) in keep.enumerated() {
                live[newIndex] = live[i]
                topBeamFinished[newIndex] = topBeamFinished[i]
            }
            live.removeLast(live.count - keep.count)
            topBeamFinished.removeLast(topBeamFinished.count - keep.count)
        }
        if order.count != rows || order.indices.contains(where: { order[$0] != $0 }) {
            try decoder.reorder(order)
        }
    }
    return results
}
