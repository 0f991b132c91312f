/// Output file names come from the filing's name, which the sender controls: this makes
/// any name a single harmless file name inside the output folder.
public enum OutputName {
    public static let maxBytes = 200

    /// No path separators, no control or bidirectional-override characters, no leading dot
    /// (so never `.`, `..` or a hidden file), never empty, at most `maxBytes` UTF-8 bytes.
    public static func safe(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            scalars.append(isUnsafe(scalar) ? "_" : scalar)
        }
        var text = String(scalars).trimmingWhitespace()
        if text.isEmpty { text = "unnamed" }
        if text.hasPrefix(".") { text = "_" + text }
        return shortened(text)
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2F, 0x5C: return true                     // / and \
        case 0x00...0x1F, 0x7F...0x9F: return true       // C0 and C1 controls
        case 0x2028, 0x2029: return true                 // line and paragraph separators
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true  // bidi marks and overrides
        case 0xFEFF: return true
        default: return false
        }
    }

    /// Keeps the extensions (".ko.txt") when a long name must be cut, at a character boundary.
    private static func shortened(_ text: String) -> String {
        guard text.utf8.count > maxBytes else { return text }
        let suffixStart = text.dropFirst().firstIndex(of: ".") ?? text.endIndex
        var suffix = String(text[suffixStart...])
        if suffix.utf8.count > 40 { suffix = "" }
        var prefix = ""
        for character in text[..<suffixStart] {
            if prefix.utf8.count + character.utf8.count + 1 + suffix.utf8.count > maxBytes { break }
            prefix.append(character)
        }
        return prefix + "~" + suffix
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
