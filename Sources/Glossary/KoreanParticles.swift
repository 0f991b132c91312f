import Foundation

/// Korean particle agreement after forced terms. A particle's form follows the sound the
/// word before it ends in: 을/를, 이/가, 은/는, 과/와 take the first form after a final
/// consonant (batchim) and the second after a vowel; 으로/로 takes 로 after a vowel and also
/// after ㄹ. A forced term replaces whatever the model wrote, so the particle the model put
/// after it may belong to another word; this puts it right.
///
/// What counts as the term's last sound:
/// - Hangul syllables: jongseong = (code − 0xAC00) % 28 (0 none, 8 ㄹ).
/// - Digits: the Korean reading of the trailing number (Sino-Korean): 1 일, 2 이, 3 삼,
///   4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구; trailing zeros name the unit read last: 10 십,
///   100 백, 1000 천, 10⁴–10⁷ 만, 10⁸–10¹¹ 억, 10¹² 조; 0 alone is 영.
/// - Latin letters: the Korean name of the last letter, as acronyms are read (L 엘 and R 알
///   end in ㄹ, M 엠 and N 엔 in another consonant, every other letter in a vowel).
/// - Closing brackets and quotes after the term are looked through.
/// - Anything else (Hanja, kana, symbols): unknown, and the particle is left alone.
///
/// A particle is only recognized where it ends the word (the next character is not a Hangul
/// syllable), except that 과/와 may carry 의/는/도 and 으로/로 may carry 서/써/부터/의/는/도/만
/// after it: so the copula in 장치이다 and the noun in 산업로봇 are never touched.
public enum KoreanParticles {
    public enum FinalSound: Equatable, Sendable {
        case vowel, rieul, consonant
    }

    struct Pair {
        let afterConsonant: String
        let afterVowel: String
        let followers: Set<Character>
        var afterRieul: String { afterConsonant == "으로" ? afterVowel : afterConsonant }
    }

    static let pairs: [Pair] = [
        Pair(afterConsonant: "으로", afterVowel: "로", followers: ["서", "써", "부", "의", "는", "도", "만"]),
        Pair(afterConsonant: "을", afterVowel: "를", followers: []),
        Pair(afterConsonant: "이", afterVowel: "가", followers: []),
        Pair(afterConsonant: "은", afterVowel: "는", followers: []),
        Pair(afterConsonant: "과", afterVowel: "와", followers: ["의", "는", "도"]),
    ]

    /// `text` with the particle right after each of `termRanges` (ranges in `text`) in the
    /// form the term's last sound calls for. Everything else is kept as it is.
    public static func agree(_ text: String, termRanges: [Range<String.Index>]) -> String {
        var fixes: [(range: Range<String.Index>, replacement: String)] = []
        for term in termRanges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            guard let sound = finalSound(of: text[term]), let fix = particle(in: text, at: term.upperBound) else { continue }
            let wanted = sound == .vowel ? fix.pair.afterVowel : sound == .rieul ? fix.pair.afterRieul : fix.pair.afterConsonant
            if text[fix.range] != wanted, !fixes.contains(where: { $0.range.overlaps(fix.range) }) {
                fixes.append((fix.range, wanted))
            }
        }
        var result = "", position = text.startIndex
        for fix in fixes.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            result += text[position..<fix.range.lowerBound] + fix.replacement
            position = fix.range.upperBound
        }
        return result + text[position...]
    }

    /// The same for every occurrence of each of `forcedTerms` in `text` (the target terms a
    /// constrained search put there), longer terms first where occurrences overlap.
    public static func agree(_ text: String, forcedTerms: [String]) -> String {
        var ranges: [Range<String.Index>] = []
        for term in Set(forcedTerms).filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            var start = text.startIndex
            while start < text.endIndex, let found = text[start...].range(of: term) {
                if !ranges.contains(where: { $0.overlaps(found) }) { ranges.append(found) }
                start = found.upperBound
            }
        }
        return agree(text, termRanges: ranges)
    }

    /// The same with the terms given as UTF-16 offsets into `text`.
    public static func agree(_ text: String, termUTF16Ranges: [Range<Int>]) -> String {
        let utf16 = text.utf16
        let ranges = termUTF16Ranges.compactMap { r -> Range<String.Index>? in
            guard r.lowerBound >= 0, r.upperBound <= utf16.count else { return nil }
            return utf16.index(utf16.startIndex, offsetBy: r.lowerBound)..<utf16.index(utf16.startIndex, offsetBy: r.upperBound)
        }
        return agree(text, termRanges: ranges)
    }

    /// The particle that starts at `index`, if one of the pairs does and it ends the word.
    static func particle(in text: String, at index: String.Index) -> (range: Range<String.Index>, pair: Pair)? {
        let rest = text[index...]
        for pair in pairs {
            for form in [pair.afterConsonant, pair.afterVowel] where rest.hasPrefix(form) {
                let end = text.index(index, offsetBy: form.count)
                if end == text.endIndex || !isHangulSyllable(text[end]) || pair.followers.contains(text[end]) {
                    return (index..<end, pair)
                }
            }
        }
        return nil
    }

    /// The sound `term` ends in when read aloud in Korean, or nil when the rules above do
    /// not say.
    public static func finalSound(of term: Substring) -> FinalSound? {
        var end = term.endIndex
        while end > term.startIndex, ")]}'\"’”」』〉》".contains(term[term.index(before: end)]) { end = term.index(before: end) }
        guard end > term.startIndex else { return nil }
        let last = term[term.index(before: end)]
        if isHangulSyllable(last), let scalar = last.unicodeScalars.first {
            switch (scalar.value - 0xAC00) % 28 {
            case 0: return .vowel
            case 8: return .rieul
            default: return .consonant
            }
        }
        if last.isASCII && last.isNumber {
            let digits = term[..<end].reversed().prefix(while: { $0.isASCII && $0.isNumber })
            return numberSound(String(digits.reversed()))
        }
        if last.isASCII && last.isLetter {
            switch last.uppercased() {
            case "L", "R": return .rieul
            case "M", "N": return .consonant
            default: return .vowel
            }
        }
        return nil
    }

    static func numberSound(_ digits: String) -> FinalSound {
        let zeros = digits.reversed().prefix(while: { $0 == "0" }).count
        if zeros == digits.count { return .consonant }  // 영
        switch zeros {
        case 0:
            switch digits.last! {
            case "1", "7", "8": return .rieul        // 일, 칠, 팔
            case "3", "6": return .consonant         // 삼, 육
            default: return .vowel                   // 이, 사, 오, 구
            }
        case 12...15: return .vowel                  // 조
        default: return .consonant                   // 십, 백, 천, 만, 억
        }
    }

    static func isHangulSyllable(_ c: Character) -> Bool {
        guard c.unicodeScalars.count == 1, let v = c.unicodeScalars.first?.value else { return false }
        return (0xAC00...0xD7A3).contains(v)
    }
}
