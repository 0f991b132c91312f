/// The inflected forms of an English word by a small rule set (no dictionary): plural and
/// third person (-s, -es, -ies, -is → -es), present participle (-ing) and past (-ed), with
/// e-drop (make → making, made is irregular and not produced), -ie → -ying, y → ied, and
/// consonant doubling after a single short vowel (stop → stopping). Words of more than one
/// syllable get both the doubled and the plain form (refer → referring, offer → offering),
/// since stress decides and is not known. Forms that are not words do no harm: they only
/// ever match text that contains them.
public enum EnglishInflection {
    public static func forms(of word: String) -> Set<String> {
        var forms: Set<String> = [word]
        let lower = word.lowercased()
        guard lower.count >= 2, lower.allSatisfy({ $0.isASCII && $0.isLetter }) else { return forms }
        // Suffixes follow the word's case: LED → LEDs, SENSOR → SENSORS.
        let upper = word.allSatisfy { $0.isUppercase } && word.count > 1 && !isAcronymLike(word)
        func add(_ stem: String, _ suffix: String) { forms.insert(stem + (upper ? suffix.uppercased() : suffix)) }
        let chars = Array(lower)
        let last = chars[chars.count - 1], beforeLast = chars[chars.count - 2]

        // Plural and third person singular.
        if lower.hasSuffix("s") || lower.hasSuffix("x") || lower.hasSuffix("z") || lower.hasSuffix("ch") || lower.hasSuffix("sh") {
            add(word, "es")
            if lower.hasSuffix("is") && lower.count > 3 { add(String(word.dropLast(2)), "es") }  // analysis → analyses
        } else if last == "y" && !isVowel(beforeLast) {
            add(String(word.dropLast()), "ies")
        } else {
            add(word, "s")
        }

        // -ing and -ed.
        if lower.hasSuffix("ie") {
            add(String(word.dropLast(2)), "ying")
            add(word, "d")
        } else if last == "e" && !lower.hasSuffix("ee") && !lower.hasSuffix("ye") && !lower.hasSuffix("oe") {
            add(String(word.dropLast()), "ing")
            add(word, "d")
        } else if last == "e" {
            add(word, "ing")
            add(word, "d")
        } else if last == "y" && !isVowel(beforeLast) {
            add(word, "ing")
            add(String(word.dropLast()), "ied")
        } else {
            add(word, "ing")
            add(word, "ed")
            if endsConsonantVowelConsonant(chars) {
                let doubled = word + String(word.last!)
                add(doubled, "ing")
                add(doubled, "ed")
                if syllables(chars) == 1 {
                    // One syllable: only the doubled form is English (stopping, not stoping).
                    forms.remove(word + (upper ? "ING" : "ing"))
                    forms.remove(word + (upper ? "ED" : "ed"))
                }
            }
        }
        return forms
    }

    /// All-capital words of up to four letters are read as acronyms, which take a lowercase
    /// plural: LED → LEDs, CPU → CPUs.
    private static func isAcronymLike(_ word: String) -> Bool { word.count <= 4 }

    private static func isVowel(_ c: Character) -> Bool { "aeiou".contains(c) }

    private static func endsConsonantVowelConsonant(_ c: [Character]) -> Bool {
        guard c.count >= 3 else { return false }
        let a = c[c.count - 3], b = c[c.count - 2], d = c[c.count - 1]
        return !isVowel(a) && isVowel(b) && !isVowel(d) && !"wxy".contains(d)
    }

    /// Vowel groups, a rough syllable count (a final silent e is not one).
    private static func syllables(_ c: [Character]) -> Int {
        var count = 0, inVowel = false
        for (i, ch) in c.enumerated() {
            let vowel = isVowel(ch) || (ch == "y" && i > 0)
            if vowel && !inVowel { count += 1 }
            inVowel = vowel
        }
        return max(count, 1)
    }
}
