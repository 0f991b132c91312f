import Foundation

/// A stretch of source text that a patent lawyer relies on and that must reach the
/// translation exactly as written: reference numerals, figure and claim references,
/// numbers with units, chemical formulas, sequence identifiers, patent numbers, URLs.
public struct ProtectedSpan: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case url, patentNumber, figure, claimReference, sequenceIdentifier, chemicalFormula
        case quantity  // a number or a range with a unit
        case referenceNumeral  // (10), 10a, 110'
        case number
    }

    public let range: Range<String.Index>
    public let text: String
    public let kind: Kind
}

/// Finds protected spans. Each kind is a pattern; where matches overlap, the longest wins
/// (then the earlier kind in `Kind.allCases`), so "claim 3" is one claim reference rather
/// than a number, and "FIG. 1A" one figure reference.
public struct ProtectedSpanFinder: Sendable {
    private let patterns: [(ProtectedSpan.Kind, NSRegularExpression)]

    public static let shared = ProtectedSpanFinder()
    private static let marker = try! NSRegularExpression(pattern: "⟦/?\\d+/?⟧")

    private static let units = [
        "nm", "µm", "μm", "um", "mm", "cm", "dm", "km", "m", "Å", "mg", "µg", "μg", "kg", "g", "mL", "ml", "µL", "μL", "L",
        "°C", "°F", "℃", "K", "wt%", "wt.%", "vol%", "mol%", "at%", "%", "ppm", "ppb", "Hz", "kHz", "MHz", "GHz", "THz",
        "mV", "kV", "V", "mA", "µA", "μA", "A", "mW", "kW", "MW", "W", "mAh", "Wh", "kWh", "J", "kJ", "eV", "Pa", "kPa",
        "MPa", "GPa", "bar", "mbar", "psi", "Torr", "atm", "ms", "µs", "μs", "ns", "ps", "s", "sec", "min", "h", "hr",
        "hours", "days", "rpm", "dB", "dBm", "Ω", "kΩ", "MΩ", "ohm", "F", "µF", "μF", "nF", "pF", "H", "mH", "T", "mT",
        "N", "kN", "mol", "mmol", "M", "mM", "µM", "μM", "nM", "cP", "bp", "kb", "kDa", "Da", "mol/L", "g/mol", "g/cm3",
        "g/cm³", "mg/mL", "mg/kg", "m/s", "km/h", "Mbps", "Gbps", "MB", "GB", "TB", "KB", "bit", "bits", "bytes", "°", "x",
    ]

    private static let elements = [
        "He", "Li", "Be", "Ne", "Na", "Mg", "Al", "Si", "Cl", "Ar", "Ca", "Sc", "Ti", "Cr", "Mn", "Fe", "Co", "Ni", "Cu",
        "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In",
        "Sn", "Sb", "Te", "Xe", "Cs", "Ba", "La", "Ce", "Nd", "Gd", "Hf", "Ta", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl",
        "Pb", "Bi", "Rn", "Ra", "Th", "Pu", "H", "B", "C", "N", "O", "F", "P", "S", "K", "V", "Y", "I", "W", "U",
    ]

    public init() {
        let number = #"\d+(?:[.,]\d+)*"#
        let joiner = #"\s*(?:-|–|~|to|and|or|through|,)\s*"#
        let units = Self.units.sorted { $0.count > $1.count }.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
        let element = Self.elements.sorted { $0.count > $1.count }.joined(separator: "|")
        let sources: [(ProtectedSpan.Kind, String, NSRegularExpression.Options)] = [
            (.url, #"\b(?:https?|ftp)://[^\s<>"]*[^\s<>".,;:)\]}'!?]|\bwww\.[^\s<>"]*[^\s<>".,;:)\]}'!?]"#, []),
            (.patentNumber, #"(?:\bU\.\s?S\.\s*)?\b(?:Pat(?:ent)?|(?:Patent\s+)?Appl?(?:ication|n)?|(?:Patent\s+)?Pub(?:lication|l)?|Ser(?:ial)?)\.?\s+(?:No|Nos|Number)\.?\s*(?:RE\s?)?\d[\d,/.-]*\d(?:\s?[ABCE]\d)?"#, [.caseInsensitive]),
            (.patentNumber, #"\b(?:US|EP|WO|PCT/[A-Z]{2}|JP|CN|KR|DE|GB|FR|CA|AU)\s?(?:\d{4}/)?\d[\d ,/-]{3,}\d(?:\s?[ABCUTYS]\d?)?\b"#, []),
            (.figure, #"\bFig(?:ure)?s?\.?\s*\d+[A-Za-z]?(?:"# + joiner + #"\d+[A-Za-z]?)*"#, [.caseInsensitive]),
            (.claimReference, #"\bclaims?\s+\d+(?:"# + joiner + #"(?:claim\s+)?\d+)*"#, [.caseInsensitive]),
            (.sequenceIdentifier, #"\bSEQ\.?\s*ID\.?\s*NOS?\s*[.:]?\s*\d+(?:"# + joiner + #"\d+)*"#, [.caseInsensitive]),
            (.chemicalFormula, #"\b(?=[A-Za-z]*\d)(?:(?:"# + element + #")\d*){2,}\b"#, []),
            (.quantity, #"[-+±]?"# + number + #"(?:\s*(?:-|–|~|to)\s*[-+]?"# + number + #")?\s?(?:"# + units + #")(?![\p{L}\p{N}])"#, []),
            (.referenceNumeral, #"\(\d+[A-Za-z]?'*\)|\b\d+[a-z]'*(?![\p{L}\p{N}])|\b\d+'+"#, []),
            (.number, number, []),
        ]
        patterns = sources.map { kind, pattern, options in
            // The patterns are constants of this file: a failure is a programming error.
            (kind, try! NSRegularExpression(pattern: pattern, options: options))
        }
    }

    /// The spans of `text`, in order, never overlapping, none touching a placeholder marker
    /// (`⟦n⟧`, `⟦/n⟧`, `⟦n/⟧`) or a range in `skip`.
    public func spans(in text: String, skip: [Range<String.Index>] = []) -> [ProtectedSpan] {
        let ns = text as NSString
        let whole = NSRange(location: 0, length: ns.length)
        var skipped = skip.map { NSRange($0, in: text) }
        if text.contains("⟦") {
            skipped += Self.marker.matches(in: text, range: whole).map(\.range)
        }
        var candidates: [(range: NSRange, order: Int, kind: ProtectedSpan.Kind)] = []
        for (order, (kind, regex)) in patterns.enumerated() {
            for match in regex.matches(in: text, range: whole) where match.range.length > 0 {
                if skipped.contains(where: { NSIntersectionRange($0, match.range).length > 0 }) { continue }
                candidates.append((match.range, order, kind))
            }
        }
        // Longest first, then the earlier pattern, then leftmost; keep what does not overlap.
        candidates.sort {
            if $0.range.length != $1.range.length { return $0.range.length > $1.range.length }
            if $0.order != $1.order { return $0.order < $1.order }
            return $0.range.location < $1.range.location
        }
        var taken: [NSRange] = []
        var kept: [(NSRange, ProtectedSpan.Kind)] = []
        for candidate in candidates where !taken.contains(where: { NSIntersectionRange($0, candidate.range).length > 0 }) {
            taken.append(candidate.range)
            kept.append((candidate.range, candidate.kind))
        }
        return kept.sorted { $0.0.location < $1.0.location }.compactMap { range, kind in
            guard let r = Range(range, in: text) else { return nil }
            return ProtectedSpan(range: r, text: String(text[r]), kind: kind)
        }
    }
}
