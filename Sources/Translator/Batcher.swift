/// Groups sentences into batches for the engine: sorted by length so a batch holds
/// sentences of similar length, at most `maxSentences` per batch and at most
/// `maxTokens` source tokens (the longest sentence × the batch size, as padding would
/// cost). Results come back in input order through the returned indices.
public enum Batcher {
    public static func batches(lengths: [Int], maxSentences: Int, maxTokens: Int) -> [[Int]] {
        precondition(maxSentences > 0 && maxTokens > 0)
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        var result: [[Int]] = []
        var current: [Int] = []
        var longest = 0
        for index in order {
            let candidateLongest = max(longest, lengths[index])
            if !current.isEmpty && (current.count == maxSentences || candidateLongest * (current.count + 1) > maxTokens) {
                result.append(current)
                current = []
                longest = 0
            }
            current.append(index)
            longest = max(longest, lengths[index])
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
