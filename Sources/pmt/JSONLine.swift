import Foundation
import Translator

/// `--output-format jsonl`: one object per segment with `text`, `tokens`, `score`, and
/// with `--n-best` the `hypotheses`, best first.
enum JSONLine {
    static func result(_ result: TranslationResult, nBest: Bool) -> String {
        let best = result.best ?? TranslationResult.empty.hypotheses[0]
        var object = hypothesis(best)
        if nBest { object["hypotheses"] = result.hypotheses.map(hypothesis) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func hypothesis(_ h: TranslationHypothesis) -> [String: Any] {
        ["text": h.text, "tokens": h.tokens, "score": Double(h.score)]
    }
}
