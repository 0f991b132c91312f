import Foundation
import PatentDocuments

/// What happened to one segment, for `--output-format jsonl` and for tests.
public struct SegmentReport: Sendable, Equatable {
    public let unit: UnitID
    /// The unit's place in the document (`TranslatableUnit.path`).
    public let path: String
    /// The source language the segment was translated from (nil when unknown).
    public let language: String?
    public let source: String
    /// The segment's translation as it went into the document (markers removed).
    public let target: String
    public let score: Float
    /// Protected spans the engine produced itself, and those the pipeline put back.
    public let spansKept: [String]
    public let spansRestored: [String]
    /// Glossary terms found in the source, and whether the translation has their target.
    public let terms: [AppliedTerm]
    public let fromMemory: Bool
    public let warnings: [String]
}

/// A translated document and how it was made.
public struct DocumentTranslation: Sendable {
    public let output: Data
    public let segments: [SegmentReport]
    public let unitsTranslated: Int
    /// Seconds in the engine, and in the whole call.
    public let engineSeconds: Double
    public let totalSeconds: Double
}

/// A glossary term found in a segment.
public struct AppliedTerm: Sendable, Equatable {
    public let source: String
    public let target: String
    public let applied: Bool
}
