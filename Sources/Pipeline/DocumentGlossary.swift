import Foundation
import Glossary

/// The office's glossary as documents use it: the approved terms of a store for a language
/// pair, scoped by the document's IPC classes (and an optional domain code), found in each
/// segment and forced into its translation.
public struct DocumentGlossary: Sendable {
    public let path: String
    public let domain: String?

    public init(path: String, domain: String? = nil) {
        self.path = path
        self.domain = domain
    }

    /// The matcher for one source language of one document, and a version that changes
    /// whenever the applicable terms change (the translation memory's key includes it).
    func matcher(sourceLanguage: String, targetLanguage: String, ipcClasses: [String]) throws -> (matcher: TermMatcher, version: String) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError.engine(file: path, "no glossary store there (create one with 'pmt glossary init --db \(path)' and 'pmt glossary import')")
        }
        let store = try GlossaryStore(readingFrom: path)
        let terms = try store.applicableTerms(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage,
                                              scopes: ipcClasses + (domain.map { [$0] } ?? []))
        let version = SHA256.hex(terms.map { "\($0.entryID)\t\($0.source)\t\($0.target)\t\($0.caseSensitive)\t\($0.matchMode)" }.joined(separator: "\n"))
        return (TermMatcher(terms: terms), String(version.prefix(16)))
    }
}
