import Foundation
import Glossary
import PatentDocuments

/// A filing in, the same filing out with its text translated: units cut into segments,
/// segments looked up in the translation memory or translated by the engine in one batch,
/// protected spans guaranteed, markup put back, the document written by its own writer.
public final class DocumentTranslator {
    let engine: any SegmentEngine
    let memory: TranslationMemory?
    let glossary: DocumentGlossary?
    let planner: SegmentPlanner
    let spans: ProtectedSpanFinder

    public init(engine: any SegmentEngine, memory: TranslationMemory? = nil, glossary: DocumentGlossary? = nil,
                segmenter: SentenceSegmenter = .patent, spans: ProtectedSpanFinder = .shared) {
        self.engine = engine
        self.memory = memory
        self.glossary = glossary
        self.spans = spans
        planner = SegmentPlanner(segmenter: segmenter, spans: spans)
    }

    /// A one-language engine translates the units in the document's own language (or of no
    /// stated language) and leaves the others (the German and French claims of an EP filing);
    /// a multilingual one translates every unit not already in the target language and in a
    /// language it knows, each from its own language (the unit's, else the document's, else
    /// guessed from the script).
    public func translate(_ document: PatentDocument, targetLanguage: String = "ko",
                          progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> DocumentTranslation {
        let started = Date()
        let multilingual = engine.isMultilingual
        let units = document.units.filter { unit in
            guard multilingual else { return unit.language == nil || unit.language == document.languageCode }
            guard let language = unit.language ?? document.languageCode else { return true }
            return language != targetLanguage && engine.knowsLanguage(language)
        }
        var segments: [Segment] = []
        for unit in units { segments += try planner.segments(of: unit, engine: engine) }
        let unitLanguage = Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0.language ?? document.languageCode) })
        let languages = segments.map { segment -> String? in
            guard multilingual else { return unitLanguage[segment.unit] ?? nil }
            return (unitLanguage[segment.unit] ?? nil) ?? LanguageGuess.language(of: segment.clean)
        }
        let segmentSpans = segments.map { spans.spans(in: $0.clean) }

        // Each distinct (language, segment) once: from the memory, else from the engine.
        let keys = zip(segments, languages).map { SegmentKey(language: $1, text: TranslationMemory.normalized($0.clean)) }
        let distinct = Array(Set(keys.filter { !$0.text.allSatisfy(\.isWhitespace) })).sorted()
        // The glossary's terms in each distinct segment, by its source language and the
        // document's IPC classes; its version joins the memory's key.
        var matchers: [String?: (matcher: TermMatcher, version: String)] = [:]
        if let glossary {
            for language in Set(distinct.map(\.language)) {
                matchers[language] = try glossary.matcher(sourceLanguage: language ?? "en", targetLanguage: targetLanguage,
                                                          ipcClasses: document.ipcClasses)
            }
        }
        var matches: [SegmentKey: [TermMatch]] = [:]
        for key in distinct { matches[key] = matchers[key.language]?.matcher.matches(in: key.text) ?? [] }
        func context(_ language: String?) -> String {
            engine.memoryContext + " source=" + (language ?? "?") + (matchers[language].map { " glossary=" + $0.version } ?? "")
        }
        var known: [SegmentKey: MemoryEntry] = [:]
        if let memory {
            for (language, group) in Dictionary(grouping: distinct, by: \.language) {
                for (text, entry) in try memory.lookup(group.map(\.text), context: context(language)) {
                    known[SegmentKey(language: language, text: text)] = entry
                }
            }
        }
        let fromMemory = Set(known.keys)
        let missing = distinct.filter { known[$0] == nil }
        var engineSeconds = 0.0
        var warnings: [SegmentKey: [String]] = [:]
        if !missing.isEmpty {
            let engineStart = Date()
            var outputs: [EngineOutput] = []
            // Batches of segments, so progress moves and memory stays bounded.
            let step = 64
            for start in stride(from: 0, to: missing.count, by: step) {
                let batch = missing[start..<min(start + step, missing.count)]
                outputs += try engine.translate(batch.map(\.text), languages: batch.map(\.language),
                                                terms: batch.map { (matches[$0] ?? []).map(\.target) })
                progress?(start + batch.count, missing.count)
            }
            engineSeconds = Date().timeIntervalSince(engineStart)
            var fresh: [String?: [(source: String, entry: MemoryEntry)]] = [:]
            for (key, output) in zip(missing, outputs) {
                // Korean particles after the forced terms the output has agree with them.
                let forced = zip(matches[key] ?? [], output.termsMet).filter(\.1).map(\.0.target)
                let text = forced.isEmpty || !targetLanguage.hasPrefix("ko") ? output.text : KoreanParticles.agree(output.text, forcedTerms: forced)
                let entry = MemoryEntry(target: text, tokens: output.tokens, score: output.score)
                known[key] = entry
                warnings[key] = output.warnings
                fresh[key.language, default: []].append((key.text, entry))
            }
            for (language, entries) in fresh { try memory?.store(entries, context: context(language)) }
        }

        var translations: [UnitID: String] = [:]
        var reports: [SegmentReport] = []
        let paths = Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0.path.description) })
        for ((segment, found), key) in zip(zip(segments, segmentSpans), keys) {
            let entry = known[key] ?? MemoryEntry(target: "", tokens: [], score: 0)
            let guarded = SpanGuard.enforce(found, in: entry.target)
            let placed = MarkerPlacement.place(segment.markers, source: segment.clean, spans: found, in: guarded.text)
            translations[segment.unit, default: ""] += segment.leading + placed + segment.trailing
            if !segment.clean.allSatisfy(\.isWhitespace) {
                let terms = (matches[key] ?? []).map { AppliedTerm(source: $0.matchedText, target: $0.target, applied: entry.target.contains($0.target)) }
                reports.append(SegmentReport(unit: segment.unit, path: paths[segment.unit] ?? "", language: key.language,
                                             source: segment.clean, target: guarded.text, score: entry.score,
                                             spansKept: guarded.kept, spansRestored: guarded.restored, terms: terms,
                                             fromMemory: fromMemory.contains(key), warnings: warnings[key] ?? []))
            }
        }
        let output = try document.rendered(translations: translations, targetLanguage: targetLanguage)
        return DocumentTranslation(output: output, segments: reports, unitsTranslated: units.count,
                                   engineSeconds: engineSeconds, totalSeconds: Date().timeIntervalSince(started))
    }

}

/// A segment as the memory and the engine see it: its language and normalized text.
struct SegmentKey: Hashable, Comparable {
    let language: String?
    let text: String

    static func < (a: SegmentKey, b: SegmentKey) -> Bool {
        (a.language ?? "", a.text) < (b.language ?? "", b.text)
    }
}
