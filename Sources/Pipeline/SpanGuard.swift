import Foundation
import PatentDocuments

/// Makes every protected span of a source segment appear in its translation as often as in
/// the source. A span the engine did not produce is appended at the end of the segment's
/// translation, after a space, in source order: numbers, references and formulas are never
/// lost, at the cost of word order where the engine failed.
enum SpanGuard {
    static func enforce(_ spans: [ProtectedSpan], in translation: String) -> (text: String, kept: [String], restored: [String]) {
        var text = translation
        var kept: [String] = [], restored: [String] = []
        var needed: [String: Int] = [:]
        for span in spans { needed[span.text, default: 0] += 1 }
        var available: [String: Int] = [:]
        for (span, _) in needed { available[span] = occurrences(of: span, in: translation) }
        for span in spans {
            if available[span.text, default: 0] > 0 {
                available[span.text]! -= 1
                kept.append(span.text)
            } else {
                if !text.isEmpty, !(text.last?.isWhitespace ?? true) { text += " " }
                text += span.text
                restored.append(span.text)
            }
        }
        return (text, kept, restored)
    }

    /// Non-overlapping occurrences that are not inside a longer number or word: "12" in
    /// "120" does not count.
    static func occurrences(of needle: String, in haystack: String) -> Int {
        var count = 0
        var search = haystack.startIndex
        while let found = haystack[search...].range(of: needle) {
            let before = found.lowerBound > haystack.startIndex ? haystack[haystack.index(before: found.lowerBound)] : nil
            let after = found.upperBound < haystack.endIndex ? haystack[found.upperBound] : nil
            let glued = { (c: Character?, edge: Character?) -> Bool in
                guard let c, let edge else { return false }
                return (isDigit(c) && isDigit(edge)) || (c.isLetter && edge.isLetter && c.isASCII)
            }
            if !glued(before, needle.first) && !glued(after, needle.last) { count += 1 }
            search = found.upperBound
        }
        return count
    }

    /// A decimal digit of any script ("１" too), not a numeric ideograph such as "参".
    static func isDigit(_ c: Character) -> Bool {
        c.unicodeScalars.count == 1 && c.unicodeScalars.first!.properties.numericType == .decimal
    }
}
