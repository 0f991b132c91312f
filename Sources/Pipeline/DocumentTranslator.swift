import Foundation
import PatentDocuments

/// A filing in, the same filing out with its text translated: units cut into segments,
/// segments looked up in the translation memory or translated by the engine in one batch,
/// protected spans guaranteed, markup put back, the document written by its own writer.
public final class DocumentTranslator {
    let engine: any SegmentEngine
    let memory: TranslationMemory?
    let planner: SegmentPlanner
    let spans: ProtectedSpanFinder

    public init(engine: any SegmentEngine, memory: TranslationMemory? = nil,
                segmenter: SentenceSegmenter = .patent, spans: ProtectedSpanFinder = .shared) {
        self.engine = engine
        self.memory = memory
        self.spans = spans
        planner = SegmentPlanner(segmenter: segmenter, spans: spans)
    }

    /// Units in the document's own language (or of no stated language) are translated;
    /// others (the German and French claims of an EP filing) are left as they are.
    public func translate(_ document: PatentDocument, targetLanguage: String = "ko",
                          progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> DocumentTranslation {
        let started = Date()
        let units = document.units.filter { $0.language == nil || $0.language == document.languageCode }
        var segments: [Segment] = []
        for unit in units { segments += try planner.segments(of: unit, engine: engine) }
        let segmentSpans = segments.map { spans.spans(in: $0.clean) }

        // Each distinct segment once: from the memory, else from the engine.
        let distinct = Array(Set(segments.map(\.clean).filter { !$0.allSatisfy(\.isWhitespace) }.map(TranslationMemory.normalized))).sorted()
        var known = try memory?.lookup(distinct, context: engine.memoryContext) ?? [:]
        let fromMemory = Set(known.keys)
        let missing = distinct.filter { known[$0] == nil }
        var engineSeconds = 0.0
        var warnings: [String: [String]] = [:]
        if !missing.isEmpty {
            let required = missing.map { spans.spans(in: $0).map(\.text) }
            let engineStart = Date()
            var outputs: [EngineOutput] = []
            // Batches of segments, so progress moves and memory stays bounded.
            let step = 64
            for start in stride(from: 0, to: missing.count, by: step) {
                let end = min(start + step, missing.count)
                outputs += try engine.translate(Array(missing[start..<end]), required: Array(required[start..<end]))
                progress?(end, missing.count)
            }
            engineSeconds = Date().timeIntervalSince(engineStart)
            var fresh: [(source: String, entry: MemoryEntry)] = []
            for (source, output) in zip(missing, outputs) {
                let entry = MemoryEntry(target: output.text, tokens: output.tokens, score: output.score)
                known[source] = entry
                warnings[source] = output.warnings
                fresh.append((source, entry))
            }
            try memory?.store(fresh, context: engine.memoryContext)
        }

        var translations: [UnitID: String] = [:]
        var reports: [SegmentReport] = []
        let paths = Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0.path.description) })
        for (segment, found) in zip(segments, segmentSpans) {
            let key = TranslationMemory.normalized(segment.clean)
            let entry = known[key] ?? MemoryEntry(target: "", tokens: [], score: 0)
            let guarded = SpanGuard.enforce(found, in: entry.target)
            let placed = MarkerPlacement.place(segment.markers, source: segment.clean, spans: found, in: guarded.text)
            translations[segment.unit, default: ""] += segment.leading + placed + segment.trailing
            if !segment.clean.allSatisfy(\.isWhitespace) {
                reports.append(SegmentReport(unit: segment.unit, path: paths[segment.unit] ?? "", source: segment.clean,
                                             target: guarded.text, score: entry.score, spansKept: guarded.kept,
                                             spansRestored: guarded.restored, fromMemory: fromMemory.contains(key),
                                             warnings: warnings[key] ?? []))
            }
        }
        let output = try document.rendered(translations: translations, targetLanguage: targetLanguage)
        return DocumentTranslation(output: output, segments: reports, unitsTranslated: units.count,
                                   engineSeconds: engineSeconds, totalSeconds: Date().timeIntervalSince(started))
    }
}
