import Foundation
import Glossary
import Translator

/// `pmt translate --glossary DB`: the approved terms of the store for the language pair
/// (and `--domain`), found in each source line and forced into its translation; then the
/// Korean particles after the forced terms put right.
struct TranslateGlossary {
    let matcher: TermMatcher
    let targetLanguage: String

    init(matcher: TermMatcher, targetLanguage: String) {
        self.matcher = matcher
        self.targetLanguage = targetLanguage
    }

    /// One term found in a line, and whether the translation has its target.
    struct AppliedTerm {
        let source: String
        let target: String
        var applied: Bool
    }

    /// nil when the options ask for no glossary.
    static func open(_ arguments: ParsedArguments) throws -> TranslateGlossary? {
        guard let db = arguments.value("--glossary"), !arguments.has("--no-glossary") else {
            if arguments.has("--domain") && !arguments.has("--no-glossary") {
                throw CLIError.usage("translate: --domain needs --glossary DB")
            }
            return nil
        }
        let source = arguments.value("--source-lang") ?? "en", target = arguments.value("--target-lang") ?? "ko"
        for (flag, code) in [("--source-lang", source), ("--target-lang", target)] where !LanguageCode.isValid(code) {
            throw CLIError.usage("translate: \(flag) '\(code)' is not a language code (e.g. en, ko, zh-Hans)")
        }
        return try TranslateGlossary(store: db, domain: arguments.value("--domain"), sourceLanguage: source, targetLanguage: target)
    }

    /// The approved terms of the store at `path` for the pair, scoped by `domain` (a domain
    /// code or IPC class; nil: only unscoped terms).
    init(store path: String, domain: String?, sourceLanguage: String, targetLanguage: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError.failure("translate: \(path): no glossary store there (create one with 'pmt glossary init --db \(path)' and 'pmt glossary import')")
        }
        do {
            let store = try GlossaryStore(readingFrom: path)
            let terms = try store.applicableTerms(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, scopes: domain.map { [$0] } ?? [])
            self.init(matcher: TermMatcher(terms: terms), targetLanguage: targetLanguage)
        } catch {
            throw CLIError.failure("translate: --glossary \(path): \(error)")
        }
    }

    /// Per line, the terms found in it, in text order.
    func matches(_ lines: [String]) -> [[TermMatch]] {
        lines.map { matcher.matches(in: $0) }
    }

    /// The hypothesis text with Korean particles agreeing with the forced terms it has.
    func agree(_ hypothesis: TranslationHypothesis, _ matches: [TermMatch]) -> String {
        guard LanguageCode.matches("ko", targetLanguage) else { return hypothesis.text }
        let forced = zip(matches, hypothesis.termsMet).filter { $0.1 }.map { $0.0.target }
        return forced.isEmpty ? hypothesis.text : KoreanParticles.agree(hypothesis.text, forcedTerms: forced)
    }

    static func applied(_ hypothesis: TranslationHypothesis, _ matches: [TermMatch]) -> [AppliedTerm] {
        matches.enumerated().map { k, match in
            AppliedTerm(source: match.matchedText, target: match.target,
                        applied: k < hypothesis.termsMet.count && hypothesis.termsMet[k])
        }
    }
}
