import Foundation
import XCTest
import Decoding
@testable import Translator

/// Token-for-token parity with CTranslate2 (references by Scripts/make-fixtures: each
/// fixture's Marian folder converted by CTranslate2's own converter, 500 FLORES sentences,
/// greedy and beam 4 with 4 hypotheses, max length 64). Both folder layouts of a model
/// must give the same outputs. The issue's bar, held literally: greedy outputs identical
/// for every sentence; beam outputs identical for at least 99.5%, every difference a score
/// tie (the hypotheses' scores equal within 1e-5 relative, position by position); every
/// score within 1e-4 relative. The fixtures are well conditioned for this (see
/// Scripts/fixtures/make_fixtures.py: CTranslate2's own kernels agree to ~1e-5 there).
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
        var scoreDifferences: [Float] = []
        for (k, (reference, result)) in zip(greedy, got).enumerated() {
            let best = try XCTUnwrap(result.best)
            guard best.tokens == reference.hypotheses[0].tokens else {
                XCTFail("\(variant)/\(layout) greedy sentence \(k): \(best.tokens.joined(separator: " ")) ≠ \(reference.hypotheses[0].tokens.joined(separator: " ")) (reference margin \(reference.margin ?? .nan))", file: file, line: line)
                continue
            }
            scoreDifferences.append(relative(best.score, reference.hypotheses[0].score))
        }
        assertScores(scoreDifferences, "\(variant)/\(layout) greedy", file: file, line: line)

        let beam = try Self.references(variant, "beam4")
        let beamGot = try translator.translate(pieces: greedy.map(\.source), options: options(translator, beam: 4, hypotheses: 4))
        var beamDifferences = 0
        scoreDifferences = []
        for (k, (reference, result)) in zip(beam, beamGot).enumerated() {
            XCTAssertEqual(result.hypotheses.count, reference.hypotheses.count, file: file, line: line)
            let same = zip(result.hypotheses, reference.hypotheses).allSatisfy { $0.tokens == $1.tokens }
            if !same {
                // Allowed only as a tie: the same scores, in another order of equal ones.
                beamDifferences += 1
                let tie = zip(result.hypotheses, reference.hypotheses).allSatisfy { relative($0.score, $1.score) <= 1e-5 }
                print("\(variant)/\(layout) beam sentence \(k) differs\(tie ? " at a score tie" : ""): \(result.hypotheses.map(\.score)) vs \(reference.hypotheses.map(\.score))")
                XCTAssertTrue(tie, "\(variant)/\(layout) beam sentence \(k) differs and is not a score tie within 1e-5", file: file, line: line)
                continue
            }
            for (h, r) in zip(result.hypotheses, reference.hypotheses) {
                scoreDifferences.append(relative(h.score, r.score))
            }
        }
        XCTAssertLessThanOrEqual(beamDifferences, 2, "\(variant)/\(layout): beam 4 differs on \(beamDifferences) of 500 (floor: 99.5% identical)", file: file, line: line)
        assertScores(scoreDifferences, "\(variant)/\(layout) beam 4", file: file, line: line)
    }

    func assertScores(_ differences: [Float], _ what: String, file: StaticString, line: UInt) {
        let sorted = differences.sorted()
        guard !sorted.isEmpty else { return XCTFail("\(what): no scores compared", file: file, line: line) }
        XCTAssertLessThanOrEqual(sorted.last!, 1e-4, "\(what): largest relative score difference (median \(sorted[sorted.count / 2]))", file: file, line: line)
    }

    func relative(_ a: Float, _ b: Float) -> Float { abs(a - b) / max(abs(b), .leastNormalMagnitude) }

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
