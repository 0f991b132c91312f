/// BCP 47-ish language tags: language (2–3 letters), optional script (4 letters), optional
/// region (2 letters or 3 digits), optional variants (5–8 alphanumerics, or 4 starting with a
/// digit). Enough to catch "english", "en_US", "kor-" or "e"; not a full registry check.
public enum LanguageCode {
    public static func isValid(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy(isASCIILetter) else { return false }
        var index = 1
        if index < parts.count, parts[index].count == 4, parts[index].allSatisfy(isASCIILetter) { index += 1 }
        if index < parts.count,
           (parts[index].count == 2 && parts[index].allSatisfy(isASCIILetter)) || (parts[index].count == 3 && parts[index].allSatisfy(isASCIIDigit)) {
            index += 1
        }
        while index < parts.count {
            let variant = parts[index]
            let alphanumeric = variant.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) }
            guard alphanumeric, (5...8).contains(variant.count) || (variant.count == 4 && isASCIIDigit(variant.first!)) else { return false }
            index += 1
        }
        return true
    }

    /// The conventional case (`EN` → `en`, `zh-hans-cn` → `zh-Hans-CN`) for valid codes;
    /// invalid ones are kept as written so `lint` can show them.
    public static func canonical(_ code: String) -> String {
        guard isValid(code) else { return code }
        return code.split(separator: "-").enumerated().map { index, part in
            if index == 0 { return part.lowercased() }
            if part.count == 4 && part.allSatisfy(isASCIILetter) { return part.prefix(1).uppercased() + part.dropFirst().lowercased() }
            if part.count == 2 { return part.uppercased() }
            return part.lowercased()
        }.joined(separator: "-")
    }

    /// True when `a` and `b` name the same language, or one is a more specific form of the
    /// other (`en` and `en-US`), compared without regard to case.
    public static func matches(_ a: String, _ b: String) -> Bool {
        let x = a.lowercased(), y = b.lowercased()
        return x == y || x.hasPrefix(y + "-") || y.hasPrefix(x + "-")
    }

    private static func isASCIILetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
    private static func isASCIIDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
}
