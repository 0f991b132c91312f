/// Writes term lists as TSV (canonical), CSV (RFC 4180, CRLF line ends) or TBX-Basic.
/// Every column is written, so reading the output back gives the same records.
public enum TermFileWriter {
    public static func write(_ records: [TermRecord], format: TermFileFormat, sourceLanguage: String, targetLanguage: String) -> String {
        switch format {
        case .tsv:
            return ([TermFileFormat.columns] + records.map(fields)).map { $0.joined(separator: "\t") + "\n" }.joined()
        case .csv:
            return ([TermFileFormat.columns] + records.map(fields)).map { $0.map(csvField).joined(separator: ",") + "\r\n" }.joined()
        case .tbx:
            return TBXWriter.write(records, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage)
        }
    }

    static func fields(_ r: TermRecord) -> [String] {
        [r.source, r.target, r.status.rawValue, FileBoolean.write(r.caseSensitive), r.matchMode.rawValue, r.domain ?? "",
         r.priority.map(String.init) ?? "", r.note, r.authority]
    }

    static func csvField(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
