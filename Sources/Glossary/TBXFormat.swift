/// TBX-Basic (ISO 30042:2019, DCA style) as pmt writes and reads it. One `conceptEntry` per
/// entry, with a `langSec` for the source term and one for the target term.
///
/// - domain: `<descrip type="subjectField">` on the concept; note: `<note>` on the concept.
/// - status, on the target term, as `administrativeStatus`: approved ↔ preferredTerm-admn-sts,
///   proposed ↔ admittedTerm-admn-sts, deprecated ↔ supersededTerm-admn-sts, forbidden ↔
///   deprecatedTerm-admn-sts (TBX's "deprecated" means "do not use").
/// - authority: `<admin type="source">` on the target term.
/// - pmt's own properties have no TBX-Basic data category; they are written as termNote
///   types `x-pmt-caseSensitive`, `x-pmt-match`, `x-pmt-priority` (other tools ignore them)
///   so that a round trip through TBX loses nothing.
enum TBXFormat {
    static let statusToTBX: [TermStatus: String] = [
        .approved: "preferredTerm-admn-sts", .proposed: "admittedTerm-admn-sts",
        .deprecated: "supersededTerm-admn-sts", .forbidden: "deprecatedTerm-admn-sts",
    ]
    static let statusFromTBX: [String: TermStatus] = Dictionary(uniqueKeysWithValues: statusToTBX.map { ($1, $0) })
}

enum TBXWriter {
    static func write(_ records: [TermRecord], sourceLanguage: String, targetLanguage: String) -> String {
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <tbx type="TBX-Basic" style="dca" xml:lang="\(escape(sourceLanguage))" xmlns="urn:iso:std:iso:30042:ed-2">
          <tbxHeader>
            <fileDesc>
              <sourceDesc>
                <p>Exported by pmt glossary export</p>
              </sourceDesc>
            </fileDesc>
          </tbxHeader>
          <text>
            <body>

        """
        for (k, r) in records.enumerated() {
            out += "      <conceptEntry id=\"c\(k + 1)\">\n"
            if let domain = r.domain { out += "        <descrip type=\"subjectField\">\(escape(domain))</descrip>\n" }
            if !r.note.isEmpty { out += "        <note>\(escape(r.note))</note>\n" }
            out += "        <langSec xml:lang=\"\(escape(sourceLanguage))\">\n          <termSec>\n            <term>\(escape(r.source))</term>\n          </termSec>\n        </langSec>\n"
            out += "        <langSec xml:lang=\"\(escape(targetLanguage))\">\n          <termSec>\n            <term>\(escape(r.target))</term>\n"
            out += "            <termNote type=\"administrativeStatus\">\(TBXFormat.statusToTBX[r.status]!)</termNote>\n"
            out += "            <termNote type=\"x-pmt-caseSensitive\">\(FileBoolean.write(r.caseSensitive))</termNote>\n"
            out += "            <termNote type=\"x-pmt-match\">\(r.matchMode.rawValue)</termNote>\n"
            if let priority = r.priority { out += "            <termNote type=\"x-pmt-priority\">\(priority)</termNote>\n" }
            if !r.authority.isEmpty { out += "            <admin type=\"source\">\(escape(r.authority))</admin>\n" }
            out += "          </termSec>\n        </langSec>\n      </conceptEntry>\n"
        }
        out += "    </body>\n  </text>\n</tbx>\n"
        return out
    }

    /// Character data and attribute values; spaces are kept as written (padded terms stay
    /// padded, so lint can still see them after a round trip).
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
