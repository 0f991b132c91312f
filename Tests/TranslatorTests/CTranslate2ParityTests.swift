import Foundation
import XCTest
import Decoding
@testable import Translator

/// Scores: CTranslate2's own fp32 arithmetic (oneDNN GEMM) strays from an exact float64
/// forward pass by up to ~3e-3 relative on these deliberately sharpened random models (e.g.
/// separate-tied-postnorm-gelu sentence 436: float64 −0.335623, CTranslate2 −0.334673, ours
/// −0.335646), so the scores are held to a median within 1e-4 and every one within 5e-3.
/// Token-for-token parity with CTranslate2 (references by Scripts/make-fixtures: each
/// fixture's Marian folder converted by CTranslate2's own converter, 500 FLORES sentences,
/// greedy and beam 4 with 4 hypotheses, max length 64). Both folder layouts of a model
/// must give the same outputs.
final class CTranslate2ParityTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures").standardized

    struct Reference {
        let source: [String]
        let hypotheses: [(tokens: [String], score: Float, eos: Bool)]
        let margin: Float?
    }

    static func references(_ variant: String, _ run: String) throws -> [Reference] {
        let url = fixtures.appendingPathComponent("reference/\(variant).\(run).jsonl")
        var sources: [Int: [String]] = [:]
        if run != "greedy" {
            for r in try references(variant, "greedy").enumerated() { sources[r.offset] = r.element.source }
        }
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            func hypothesis(_ h: [String: Any]) -> ([String], Float, Bool) {
                let tokens = (h["tokens"] as? String ?? "").split(separator: " ").map(String.init)
                return (tokens, Float(h["score"] as? Double ?? .nan), h["eos"] as? Bool ?? false)
            }
            let i = o["i"] as? Int ?? 0
            let source = (o["source"] as? String).map { $0.split(separator: " ").map(String.init) } ?? sources[i] ?? []
            let hypotheses = (o["hypotheses"] as? [[String: Any]])?.map(hypothesis) ?? [hypothesis(o)]
            return Reference(source: source, hypotheses: hypotheses, margin: (o["margin"] as? Double).map(Float.init))
        }
    }

    func options(_ translator: Translator, beam: Int, hypotheses: Int) -> TranslationOptions {
        var options = translator.defaultOptions
        options.search.beamSize = beam
        options.search.hypotheses = hypotheses
        options.search.maxDecodingLength = 64
        options.search.lengthPenalty = 1
        options.threads = 1
        return options
    }

    func check(_ variant: String, layout: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = Self.fixtures.appendingPathComponent("models/\(variant)/\(layout)")
        let translator = try Translator(modelDirectory: folder)

        let greedy = try Self.references(variant, "greedy")
        XCTAssertEqual(greedy.count, 500, file: file, line: line)
        let got = try translator.translate(pieces: greedy.map(\.source), options: options(translator, beam: 1, hypotheses: 1))
        var greedyDifferences = 0, nearTies = 0
        var scoreDifferences: [Float] = []
        for (k, (reference, result)) in zip(greedy, got).enumerated() {
            let best = try XCTUnwrap(result.best)
            if best.tokens != reference.hypotheses[0].tokens {
                // Two logits within 2e-3 of each other at some step: the order of float sums
                // (ours, CTranslate2's, torch's) may pick either. Anything else is a bug.
                if let margin = reference.margin, margin < 2e-3 {
                    nearTies += 1
                    print("\(variant)/\(layout) greedy sentence \(k) differs at a near tie (reference margin \(margin))")
                    continue
                }
                greedyDifferences += 1
                XCTFail("\(variant)/\(layout) greedy sentence \(k): \(best.tokens.joined(separator: " ")) ≠ \(reference.hypotheses[0].tokens.joined(separator: " ")) (reference margin \(reference.margin ?? .nan))", file: file, line: line)
                continue
            }
            scoreDifferences.append(abs(best.score - reference.hypotheses[0].score) / abs(reference.hypotheses[0].score))
        }
        XCTAssertEqual(greedyDifferences, 0, "\(variant)/\(layout): greedy differs on \(greedyDifferences) of 500", file: file, line: line)
        XCTAssertLessThanOrEqual(nearTies, 2, "\(variant)/\(layout): \(nearTies) near-tie differences", file: file, line: line)
        assertScores(scoreDifferences, "\(variant)/\(layout) greedy", file: file, line: line)

        let beam = try Self.references(variant, "beam4")
        let beamGot = try translator.translate(pieces: greedy.map(\.source), options: options(translator, beam: 4, hypotheses: 4))
        var beamDifferences = 0
        scoreDifferences = []
        for (k, (reference, result)) in zip(beam, beamGot).enumerated() {
            XCTAssertEqual(result.hypotheses.count, reference.hypotheses.count, file: file, line: line)
            let same = zip(result.hypotheses, reference.hypotheses).allSatisfy { $0.tokens == $1.tokens }
            if !same {
                beamDifferences += 1
                print("\(variant)/\(layout) beam sentence \(k) differs: \(result.hypotheses.map(\.score)) vs \(reference.hypotheses.map(\.score))")
                continue
            }
            for (h, r) in zip(result.hypotheses, reference.hypotheses) {
                scoreDifferences.append(abs(h.score - r.score) / abs(r.score))
            }
        }
        XCTAssertLessThanOrEqual(beamDifferences, 2, "\(variant)/\(layout): beam 4 differs on \(beamDifferences) of 500 (floor: 99.5% identical)", file: file, line: line)
        assertScores(scoreDifferences, "\(variant)/\(layout) beam 4", file: file, line: line)
    }

    func assertScores(_ differences: [Float], _ what: String, file: StaticString, line: UInt) {
        let sorted = differences.sorted()
        guard !sorted.isEmpty else { return XCTFail("\(what): no scores compared", file: file, line: line) }
        XCTAssertLessThan(sorted[sorted.count / 2], 1e-4, "\(what): median relative score difference", file: file, line: line)
        XCTAssertLessThan(sorted.last!, 5e-3, "\(what): largest relative score difference", file: file, line: line)
    }

    func testJointTiedPostNormReluMarian() throws { try check("joint-tied-postnorm-relu", layout: "marian") }
    func testJointTiedPostNormReluHuggingFace() throws { try check("joint-tied-postnorm-relu", layout: "hf") }
    func testSeparateTiedPostNormGeluMarian() throws { try check("separate-tied-postnorm-gelu", layout: "marian") }
    func testSeparateTiedPostNormGeluHuggingFace() throws { try check("separate-tied-postnorm-gelu", layout: "hf") }
    func testSeparateUntiedPreNormSwishMarian() throws { try check("separate-untied-prenorm-swish", layout: "marian") }
    func testJointTiedPreNormMultiTargetMarian() throws { try check("joint-tied-prenorm-relu-multitarget", layout: "marian") }
    // Written by transformers' MarianMTModel.save_pretrained, referenced through CTranslate2's
    // Transformers converter (Scripts/make-hf-fixtures).
    func testHuggingFaceWrittenSharedSwish() throws { try check("hf-marian-shared-swish", layout: "hf") }
    func testHuggingFaceWrittenSeparateEmbeddingsGelu() throws { try check("hf-marian-separate-embeddings-gelu", layout: "hf") }
}
