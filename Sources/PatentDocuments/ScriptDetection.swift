import ICUShim

/// A writing system as ICU classifies it (the Unicode Script property), with the ones the
/// service handles by name; anything else carries its ISO 15924 short name ("Cyrl", "Zyyy").
public enum Script: Hashable, Sendable, CustomStringConvertible {
    case latin, hangul, han, hiragana, katakana
    case other(String)

    init(icuCode code: Int32) {
        let name = pmt_script_short_name(code).map { String(cString: $0) } ?? "Zzzz"
        switch name {
        case "Latn": self = .latin
        case "Hang": self = .hangul
        case "Hani": self = .han
        case "Hira": self = .hiragana
        case "Kana": self = .katakana
        default: self = .other(name)
        }
    }

    /// ISO 15924 short name.
    public var shortName: String {
        switch self {
        case .latin: "Latn"
        case .hangul: "Hang"
        case .han: "Hani"
        case .hiragana: "Hira"
        case .katakana: "Kana"
        case .other(let name): name
        }
    }

    public var description: String { shortName }

    /// The script of one code point; punctuation, digits and spaces are `.other("Zyyy")`
    /// (Common) and combining marks `.other("Zinh")` (Inherited).
    public init(of scalar: Unicode.Scalar) {
        self.init(icuCode: pmt_script_of(scalar.value))
    }

    /// The script with the most code points in `text`, ignoring Common and Inherited ones
    /// (punctuation, digits, spaces, combining marks); nil when nothing else is there.
    /// Japanese text counts kanji (`.han`), hiragana and katakana separately.
    public static func dominant(in text: String) throws -> Script? {
        let code = try withICUText(text, operation: "detect script") { units, length in
            pmt_dominant_script(units.baseAddress, length)
        }
        return code == PMT_DONE ? nil : Script(icuCode: code)
    }
}
