import Foundation
import Glossary
import Translator

/// `pmt translate --glossary DB`: the approved terms of the store for the language pair
/// (and `--domain`), found in each source line and forced into its translation; then the
/// Korean particles after the forced terms put right.
struct TranslateGlossary {
    let matcher: TermMatcher
    let targetLanguage: String

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
        guard FileManager.default.fileExists(atPath: db) else {
            throw CLIError.failure("translate: \(db): no glossary store there (create one with 'pmt glossary init --db \(db)' and 'pmt glossary import')")
        }
        do {
            let store = try GlossaryStore(readingFrom: db)
            let scopes = arguments.value("--domain").map { [$0] } ?? []
            let terms = try store.applicableTerms(sourceLanguage: source, targetLanguage: target, scopes: scopes)
            return TranslateGlossary(matcher: TermMatcher(terms: terms), targetLanguage: target)
        } catch {
            throw CLIError.failure("translate: --glossary \(db): \(error)")
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
