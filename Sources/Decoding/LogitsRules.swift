/// What CTranslate2 does to one row of logits before its log-softmax, in its order
/// (decoding.cc `apply_min_length`, then the processors of `make_logits_processors`:
/// RepetitionPenalty, NoRepeatNgram, SuppressTokens, SuppressSequences; decoding_utils.cc).
/// On the CPU a disabled token's logit is overwritten at once with the lowest float, so a
/// later processor sees it.
struct LogitsRules {
    let endToken: Int
    let minLength: Int
    let repetitionPenalty: Float
    let noRepeatNgramSize: Int
    /// SuppressTokens (unknown, suppressed tokens) and one-token suppressed sequences.
    let suppressed: [Int]
    /// Suppressed sequences of two tokens or more.
    let sequences: [[Int32]]

    /// Whether any rule reads the token history (CTranslate2 keeps `alive_seq` then).
    var readsHistory: Bool { repetitionPenalty != 1 || noRepeatNgramSize > 0 || !sequences.isEmpty }

    /// Applies the rules to `row` (vocabulary width) at decoding step `step`, the row's
    /// hypothesis being `history[0..<length]` (generated tokens, the decoder start
    /// excluded). `scratch` holds at least `length` floats.
    @inline(__always)
    func apply(_ row: UnsafeMutablePointer<Float>, step: Int,
               history: UnsafePointer<Int32>, length: Int, scratch: UnsafeMutablePointer<Float>) {
        if step < minLength { row[endToken] = RowKernels.disabled }
        // RepetitionPenalty: every previous token's logit is gathered first, then written
        // (s < 0 ? s·p : s/p), so a token that occurs twice is penalized once.
        if repetitionPenalty != 1 && length > 0 {
            for t in 0..<length { scratch[t] = row[Int(history[t])] }
            for t in 0..<length {
                let s = scratch[t]
                row[Int(history[t])] = s < 0 ? s * repetitionPenalty : s / repetitionPenalty
            }
        }
        // NoRepeatNgram: every earlier occurrence of the last n−1 tokens forbids the token
        // that followed it (n = 1 forbids every previous token).
        let n = noRepeatNgramSize
        if n > 0 && length >= n {
            let suffix = history + (length - n + 1)
            var start = 0
            while start + n <= length {
                var matches = true
                for t in 0..<(n - 1) where history[start + t] != suffix[t] {
                    matches = false
                    break
                }
                if matches { row[Int(history[start + n - 1])] = RowKernels.disabled }
                start += 1
            }
        }
        for token in suppressed { row[token] = RowKernels.disabled }
        if length > 0 {
            for sequence in sequences where length >= sequence.count - 1 {
                let compare = sequence.count - 1
                var matches = true
                for t in 0..<compare where history[length - compare + t] != sequence[t] {
                    matches = false
                    break
                }
                if matches { row[Int(sequence[compare])] = RowKernels.disabled }
            }
        }
    }
}
