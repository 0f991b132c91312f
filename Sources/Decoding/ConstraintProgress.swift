/// One hypothesis's progress through its sentence's constraints, after one more token: the
/// small state machine of Post & Vilar (2018). A hypothesis is either between constraints or
/// inside one (its first `length` tokens generated). Every token is fed, forced or not, so a
/// constraint the model writes on its own counts too.
///
/// - Inside a constraint, the expected token advances it (and completes it at its end).
/// - Any other token loses that progress; the hypothesis then resumes inside the constraint
///   that the longest suffix of (progress + token) begins, if any (KMP's fallback across all
///   unmet constraints), so `a a b` still meets `a b` and shared prefixes (`x y`, `x z`)
///   lose nothing.
/// - Between constraints, a token that begins an unmet constraint starts it (or meets it,
///   for a one-token constraint; a completion wins over a start of equal length).
///
/// Only constraints still owed (remaining count > 0) are started or met.
struct ConstraintProgress: Equatable {
    /// The constraint (index within the sentence) this token completed, or −1.
    var completed: Int32 = -1
    /// The constraint the hypothesis is inside after the token, or −1.
    var constraint: Int32 = -1
    /// Its tokens generated so far (0 when between constraints).
    var length: Int32 = 0

    /// The progress after `token`, from a hypothesis inside `constraint` at `length`
    /// (−1 and 0 when between constraints), its remaining counts at `remaining[0..<count]`.
    @inline(__always)
    static func advance(_ tables: ConstraintTables, sentence: Int, remaining: UnsafePointer<Int32>,
                        constraint: Int32, length: Int32, token: Int32) -> ConstraintProgress {
        let info = tables.sentences[sentence]
        let p = Int(length)
        if constraint >= 0 {
            let c = info.first + Int(constraint)
            if tables.tokens[tables.starts[c] + p] == token {
                return p + 1 == tables.lengths[c]
                    ? ConstraintProgress(completed: constraint, constraint: -1, length: 0)
                    : ConstraintProgress(completed: -1, constraint: constraint, length: length + 1)
            }
        }
        // The sequence to resume from is the progress (the first p tokens of `constraint`)
        // then `token`; try its suffixes, longest first (the whole of it may begin another
        // constraint that shares the progress).
        @inline(__always) func element(_ k: Int) -> Int32 {
            k == p ? token : tables.tokens[tables.starts[info.first + Int(constraint)] + k]
        }
        var suffix = constraint >= 0 ? p + 1 : 1
        while suffix >= 1 {
            let from = p + 1 - suffix
            var started: Int32 = -1
            for k in 0..<info.constraintCount where remaining[k] > 0 {
                let c = info.first + k
                guard tables.lengths[c] >= suffix else { continue }
                var same = true
                for j in 0..<suffix where tables.tokens[tables.starts[c] + j] != element(from + j) {
                    same = false
                    break
                }
                guard same else { continue }
                if tables.lengths[c] == suffix { return ConstraintProgress(completed: Int32(k), constraint: -1, length: 0) }
                if started < 0 { started = Int32(k) }
            }
            if started >= 0 { return ConstraintProgress(completed: -1, constraint: started, length: Int32(suffix)) }
            suffix -= 1
        }
        return ConstraintProgress()
    }
}
