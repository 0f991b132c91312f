import Foundation

/// Reads a term file of any form. The language pair comes from the options, else from the
/// file (TBX) or its name (`NAME.en-ko.tsv`).
public enum TermFileReader {
    public static func read(path: String, format: TermFileFormat? = nil, sourceLanguage: String? = nil, targetLanguage: String? = nil) throws -> TermFile {
        guard let format = format ?? TermFileFormat(path: path) else {
            throw GlossaryError.fileLevel(path: path, message: "unknown file type (expected .tsv, .csv or .tbx)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GlossaryError.fileLevel(path: path, message: "cannot read the file")
        }
        return try parse(data, path: path, format: format, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage)
    }

    public static func parse(_ data: Data, path: String, format: TermFileFormat, sourceLanguage: String? = nil, targetLanguage: String? = nil) throws -> TermFile {
        let named = TermFileName(path: path)
        if format == .tbx {
            return try TBXReader.read(data, path: path, sourceLanguage: sourceLanguage ?? named.sourceLanguage, targetLanguage: targetLanguage ?? named.targetLanguage)
        }
        guard let source = sourceLanguage ?? named.sourceLanguage, let target = targetLanguage ?? named.targetLanguage else {
            throw GlossaryError.fileLevel(path: path, message: "no language pair: name the file NAME.SRC-TRG.\(format.rawValue) (e.g. patent-core.en-ko.tsv) or give --source-lang and --target-lang")
        }
        let rows = try DelimitedTermReader.read(Array(data), path: path, format: format)
        let parsed = try DelimitedTermReader.records(rows, path: path)
        return TermFile(path: path, sourceLanguage: source, targetLanguage: target, records: parsed.map(\.record), lines: parsed.map(\.line))
    }

    /// The term files in a folder (and its subfolders), sorted by path; other files (README)
    /// are not term files and are passed over.
    public static func files(in directory: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw GlossaryError.fileLevel(path: directory, message: "cannot read the folder")
        }
        var files: [String] = []
        while let name = enumerator.nextObject() as? String {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  !name.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                  TermFileFormat(path: name) != nil else { continue }
            files.append(path)
        }
        return files.sorted()
    }
}
