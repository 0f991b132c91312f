import Foundation
import Translator

/// `--output-format jsonl`: one object per segment with `text`, `tokens`, `score`, and
/// with `--n-best` the `hypotheses`, best first; with a glossary, `terms`: each term found
/// in the segment, `{source, target, applied}`, in text order.
enum JSONLine {
    static func result(_ result: TranslationResult, texts: [String]? = nil, terms: [TranslateGlossary.AppliedTerm]? = nil, nBest: Bool) -> String {
        let best = result.best ?? TranslationResult.empty.hypotheses[0]
        let texts = texts ?? result.hypotheses.map(\.text)
        var object = hypothesis(best, text: texts.first ?? best.text)
        if nBest { object["hypotheses"] = zip(result.hypotheses, texts).map { hypothesis($0, text: $1) } }
        if let terms {
            object["terms"] = terms.map { ["source": $0.source, "target": $0.target, "applied": $0.applied] as [String: Any] }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func hypothesis(_ h: TranslationHypothesis, text: String) -> [String: Any] {
        ["text": text, "tokens": h.tokens, "score": Double(h.score)]
    }
}
