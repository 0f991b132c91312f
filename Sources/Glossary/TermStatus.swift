/// Where an entry stands in review. Only `approved` entries are applied to translations;
/// `forbidden` marks a target rendering that must not be used.
public enum TermStatus: String, CaseIterable, Sendable, Codable {
    case proposed, approved, deprecated, forbidden

    public static func parse(_ text: String, field: String = "status") throws -> TermStatus {
        guard let status = TermStatus(rawValue: text.lowercased()) else {
            throw GlossaryError.invalidValue(field: field, value: text, message: "expected one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }
}

/// How a source term matches text: `inflected` also accepts English inflections of its last
/// word (plural, -ing, -ed); `exact` only the written form (still at word boundaries).
public enum MatchMode: String, CaseIterable, Sendable, Codable {
    case inflected, exact

    public static func parse(_ text: String, field: String = "match") throws -> MatchMode {
        guard let mode = MatchMode(rawValue: text.lowercased()) else {
            throw GlossaryError.invalidValue(field: field, value: text, message: "expected one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return mode
    }
}

/// Booleans in files: yes/no (written), also true/false and 1/0; empty is no.
enum FileBoolean {
    static func parse(_ text: String, field: String) throws -> Bool {
        switch text.lowercased() {
        case "yes", "true", "1": return true
        case "no", "false", "0", "": return false
        default: throw GlossaryError.invalidValue(field: field, value: text, message: "expected yes or no")
        }
    }

    static func write(_ value: Bool) -> String { value ? "yes" : "no" }
}
