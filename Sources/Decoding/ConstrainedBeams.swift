/// The constraint side of a beam search whose batch has constraints: dynamic beam
/// allocation (Post & Vilar 2018) kept batched as Hu et al. (2019) do it. Every sentence
/// keeps `beam` rows in the one decoder batch, constrained or not; the constraint state is
/// flat per-row arrays (remaining counts, the constraint a row is inside and how far),
/// reordered with the beams; only the candidate selection of a constrained sentence differs:
///
/// - candidates: the usual top 2·beam of its rows, plus for each row its best token and the
///   tokens that advance its constraints (the next token of the one it is inside, else the
///   first token of each unmet one);
/// - each candidate's bank is the number of constraint tokens its hypothesis has met;
/// - the 2·beam kept are taken round-robin over the banks, highest bank first, each bank
///   best score first (so the most advanced hypothesis always has a place);
/// - the end token is forbidden to a row with constraint tokens still to generate, as long
///   as they still fit before the maximum length (room left for the end token after them);
///   a row that can no longer fit them may end (`ConstraintTables.Sentence.fits`);
/// - finished hypotheses that meet more constraint occurrences rank first; a sentence whose
///   constraints fit ends once enough hypotheses that meet them all have finished: the top
///   bank's share of CTranslate2's round(beam × patience), i.e. divided by the number of
///   banks (constraint tokens + 1), rounded up, and at least the n-best size (waiting for
///   the full count would make the top bank, which holds one slot in a small beam, finish
///   hypothesis after hypothesis, several times the unconstrained search's work).
///
/// Sentences without constraints take none of these paths, so they come out exactly as in
/// an unconstrained search.
struct ConstrainedBeams {
    let tables: ConstraintTables
    let beam: Int
    let candidates: Int
    let endToken: Int32
    let maxLength: Int

    // Per row (the decoder's current layout), current and next.
    var remaining: [Int32]
    var inside: [Int32]
    var progress: [Int32]
    /// Constraint tokens of completed occurrences.
    var completedTokens: [Int32]
    var nextRemaining: [Int32]
    var nextInside: [Int32]
    var nextProgress: [Int32]
    var nextCompletedTokens: [Int32]
    /// Per row: the end token is masked for it this step.
    var endBanned: [Bool]

    // Per candidate slot (live sentence × 2·beam): the progress its token makes.
    var candidateProgress: [ConstraintProgress]

    /// Per sentence, per finished hypothesis: the met count of each constraint.
    var finishedCounts: [[[Int]]]

    private var pool: [Entry] = []
    private var order: [Int] = []

    struct Entry {
        var origin: Int
        var token: Int32
        var value: Float
        var progress: ConstraintProgress
        var bank: Int32
        var rankInBank = 0
    }

    /// `firstLayout[r]` is the sentence of row r at the first step.
    init(_ tables: ConstraintTables, beam: Int, batchSize: Int, endToken: Int32, maxLength: Int, firstLayout: [Int]) {
        self.tables = tables
        self.beam = beam
        candidates = 2 * beam
        self.endToken = endToken
        self.maxLength = maxLength
        let rows = batchSize * beam
        remaining = [Int32](repeating: 0, count: rows * max(1, tables.stride))
        inside = [Int32](repeating: -1, count: rows)
        progress = [Int32](repeating: 0, count: rows)
        completedTokens = [Int32](repeating: 0, count: rows)
        nextRemaining = remaining
        nextInside = inside
        nextProgress = progress
        nextCompletedTokens = completedTokens
        endBanned = [Bool](repeating: false, count: rows)
        candidateProgress = [ConstraintProgress](repeating: ConstraintProgress(), count: batchSize * candidates)
        finishedCounts = [[[Int]]](repeating: [], count: batchSize)
        for (r, sentence) in firstLayout.enumerated() {
            let info = tables.sentences[sentence]
            for k in 0..<info.constraintCount { remaining[r * tables.stride + k] = tables.counts[info.first + k] }
        }
    }

    func metTokens(_ row: Int) -> Int { Int(completedTokens[row] + progress[row]) }

    /// Marks the rows whose end token is masked at `step`.
    mutating func banEndTokens(live: [Int], rowsPerSentence: Int, step: Int) {
        for (i, sentence) in live.enumerated() {
            let info = tables.sentences[sentence]
            for r in (i * rowsPerSentence)..<((i + 1) * rowsPerSentence) {
                let owed = info.constraintCount == 0 ? 0 : info.totalTokens - metTokens(r)
                endBanned[r] = owed > 0 && owed <= maxLength - 1 - step
            }
        }
    }

    /// The progress each candidate of live sentence `i` makes (forced prefix steps).
    mutating func advanceCandidates(_ i: Int, sentence: Int, tokens: [Int32], origins: [Int]) {
        for j in (i * candidates)..<((i + 1) * candidates) {
            candidateProgress[j] = advance(sentence: sentence, row: origins[j], token: tokens[j])
        }
    }

    func advance(sentence: Int, row: Int, token: Int32) -> ConstraintProgress {
        remaining.withUnsafeBufferPointer { remaining in
            ConstraintProgress.advance(tables, sentence: sentence, remaining: remaining.baseAddress! + row * tables.stride,
                                       constraint: inside[row], length: progress[row], token: token)
        }
    }

    /// Dynamic beam allocation for live sentence `i`: replaces its 2·beam candidate slots
    /// (the plain top 2·beam on entry) with the banks' round-robin choice. `logits` are its
    /// rows after the rules (end token masked where banned), `shifts` their log-softmax
    /// shifts, `offsets` the rows' cumulative scores (nil at the first step).
    mutating func select(_ i: Int, sentence: Int, firstRow: Int, rows: Int, vocabularySize: Int,
                         logits: UnsafePointer<Float>, shifts: UnsafePointer<Float>, offsets: UnsafePointer<Float>?,
                         tokens: inout [Int32], values: inout [Float], origins: inout [Int]) {
        let info = tables.sentences[sentence]
        let slot = i * candidates
        pool.removeAll(keepingCapacity: true)
        func add(_ origin: Int, _ token: Int32, _ value: Float) {
            if token == endToken && endBanned[origin] { return }
            let step = advance(sentence: sentence, row: origin, token: token)
            let bank = completedTokens[origin] + (step.completed >= 0 ? Int32(tables.lengths[info.first + Int(step.completed)]) : 0) + step.length
            pool.append(Entry(origin: origin, token: token, value: value, progress: step, bank: bank))
        }
        func contains(_ origin: Int, _ token: Int32) -> Bool {
            pool.contains { $0.origin == origin && $0.token == token }
        }
        @inline(__always) func value(_ r: Int, _ token: Int) -> Float {
            let logProbability = logits[(r - firstRow) * vocabularySize + token] + shifts[r - firstRow]
            return offsets.map { logProbability + $0[r - firstRow] } ?? logProbability
        }
        for j in slot..<(slot + candidates) { add(origins[j], tokens[j], values[j]) }
        for r in firstRow..<(firstRow + rows) {
            // The row's own best continuation (the first maximum), so each bank can grow
            // naturally and not only by forced tokens.
            let row = logits + (r - firstRow) * vocabularySize
            var best = 0
            for t in 1..<vocabularySize where row[t] > row[best] { best = t }
            if !contains(r, Int32(best)) { add(r, Int32(best), value(r, best)) }
            // The tokens that advance its constraints.
            if inside[r] >= 0 {
                let c = info.first + Int(inside[r])
                let token = tables.tokens[tables.starts[c] + Int(progress[r])]
                if !contains(r, token) { add(r, token, value(r, Int(token))) }
            } else {
                for k in 0..<info.constraintCount where remaining[r * tables.stride + k] > 0 {
                    let token = tables.tokens[tables.starts[info.first + k]]
                    if !contains(r, token) { add(r, token, value(r, Int(token))) }
                }
            }
        }
        // Banks: highest first, each by score (ties: pool order, the top-k's first).
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: pool.indices)
        order.sort { a, b in
            let x = pool[a], y = pool[b]
            if x.bank != y.bank { return x.bank > y.bank }
            if x.value != y.value { return x.value > y.value }
            return a < b
        }
        var rank = 0
        for (n, index) in order.enumerated() {
            rank = n > 0 && pool[order[n - 1]].bank == pool[index].bank ? rank + 1 : 0
            pool[index].rankInBank = rank
        }
        // Round-robin: the best of each bank, highest bank first, then the second of each…
        order.sort { a, b in
            let x = pool[a], y = pool[b]
            if x.rankInBank != y.rankInBank { return x.rankInBank < y.rankInBank }
            if x.bank != y.bank { return x.bank > y.bank }
            return a < b
        }
        // Too few candidates (a tiny vocabulary): the rest repeat the first one that does not
        // end, at the lowest score, as CTranslate2 pads its first beams.
        let padding = order.first { pool[$0].token != endToken } ?? order[0]
        for j in 0..<candidates {
            var entry = j < order.count ? pool[order[j]] : pool[padding]
            if j >= order.count { entry.value = -Float.greatestFiniteMagnitude }
            tokens[slot + j] = entry.token
            values[slot + j] = entry.value
            origins[slot + j] = entry.origin
            candidateProgress[slot + j] = entry.progress
        }
    }

    /// The met count of each constraint of `sentence` for the hypothesis of candidate `slot`.
    func counts(sentence: Int, slot: Int, origin: Int) -> [Int] {
        let info = tables.sentences[sentence]
        let completed = candidateProgress[slot].completed
        return (0..<info.constraintCount).map { k in
            Int(tables.counts[info.first + k] - remaining[origin * tables.stride + k]) + (Int32(k) == completed ? 1 : 0)
        }
    }

    /// Finished hypotheses that end a constrained sentence (CTranslate2 ends a sentence at
    /// round(beam × patience)): the top bank's share of that, since the beam is divided
    /// among the banks (constraint tokens + 1), and at least the n-best size.
    func finishedNeeded(sentence: Int, maxCandidates: Int, hypotheses: Int) -> Int {
        let banks = tables.sentences[sentence].totalTokens + 1
        return max(hypotheses, (maxCandidates + banks - 1) / banks)
    }

    func satisfies(sentence: Int, _ counts: [Int]) -> Bool {
        let info = tables.sentences[sentence]
        return (0..<info.constraintCount).allSatisfy { counts[$0] == Int(tables.counts[info.first + $0]) }
    }

    /// Row `row` of the next step continues candidate `slot` (from row `origin`).
    mutating func carry(to row: Int, slot: Int, origin: Int, sentence: Int) {
        let stride = tables.stride
        let step = candidateProgress[slot]
        for k in 0..<stride { nextRemaining[row * stride + k] = remaining[origin * stride + k] }
        var done = completedTokens[origin]
        if step.completed >= 0 {
            nextRemaining[row * stride + Int(step.completed)] -= 1
            done += Int32(tables.lengths[tables.sentences[sentence].first + Int(step.completed)])
        }
        nextCompletedTokens[row] = done
        nextInside[row] = step.constraint
        nextProgress[row] = step.length
    }

    mutating func swapRows() {
        swap(&remaining, &nextRemaining)
        swap(&inside, &nextInside)
        swap(&progress, &nextProgress)
        swap(&completedTokens, &nextCompletedTokens)
    }
}
