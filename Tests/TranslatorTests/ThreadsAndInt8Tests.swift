import Foundation
import XCTest
@testable import Translator

/// The speed paths give the same results as the plain ones: batches on two workers, products
/// split over two threads (one sentence at a time), and int8 (close to fp32 on a fixture
/// whose outputs are not near ties; the same quantization however the int8 model is made).
final class ThreadsAndInt8Tests: XCTestCase {
    static let folder = CTranslate2ParityTests.fixtures.appendingPathComponent("models/joint-tied-postnorm-relu/marian")

    func sources() throws -> [[String]] {
        Array(try CTranslate2ParityTests.references("joint-tied-postnorm-relu", "greedy").map(\.source).prefix(200))
    }

    func options(_ translator: Translator, beam: Int, threads: Int) -> TranslationOptions {
        var options = translator.defaultOptions
        options.search.beamSize = beam
        options.search.maxDecodingLength = 64
        options.threads = threads
        return options
    }

    func summary(_ results: [TranslationResult]) -> [[String]] { results.map { $0.best?.tokens ?? [] } }
    func scores(_ results: [TranslationResult]) -> [Float] { results.map { $0.best?.score ?? .nan } }

    func testTwoThreadsGiveTheOneThreadResults() throws {
        let translator = try Translator(modelDirectory: Self.folder)
        let sources = try sources()
        for beam in [1, 4] {
            // 200 sentences are 7 batches: two workers.
            let one = try translator.translate(pieces: sources, options: options(translator, beam: beam, threads: 1))
            let two = try translator.translate(pieces: sources, options: options(translator, beam: beam, threads: 2))
            XCTAssertEqual(summary(one), summary(two), "beam \(beam)")
            XCTAssertEqual(scores(one), scores(two), "beam \(beam)")
        }
        // One sentence at a time, greedy: single-row products split over two threads (the
        // encoder's products go to OpenBLAS on two threads, which may round differently).
        for source in sources.prefix(20) {
            let one = try translator.translate(pieces: [source], options: options(translator, beam: 1, threads: 1))
            let two = try translator.translate(pieces: [source], options: options(translator, beam: 1, threads: 2))
            XCTAssertEqual(summary(one), summary(two))
            XCTAssertEqual(scores(one)[0], scores(two)[0], accuracy: 1e-5 * abs(scores(one)[0]))
        }
    }

    func testInt8IsCloseToFloat32() throws {
        let translator = try Translator(modelDirectory: Self.folder)
        let sources = try sources()
        var float = options(translator, beam: 4, threads: 2)
        let reference = try translator.translate(pieces: sources, options: float)
        float.computeType = .int8
        let derived = try translator.translate(pieces: sources, options: float)
        // This fixture's random weights make its outputs sensitive (fp32 rounding alone
        // flips near-ties): CTranslate2 4.8.5's own int8 on it keeps 1 of these 200 outputs
        // and 48 first tokens. The per-row int8 here must stay at least as close.
        let pairs = Array(zip(summary(reference), summary(derived)))
        let same = pairs.filter { $0 == $1 }.count
        let firstSame = pairs.filter { $0.first == $1.first }.count
        let prefix = pairs.map { a, b in zip(a, b).prefix { $0 == $1 }.count }.reduce(0, +)
        let tokens = pairs.map(\.0.count).reduce(0, +)
        print("int8 vs fp32, joint-tied-postnorm-relu, beam 4: \(same) of \(sources.count) identical, first token \(firstSame), common prefix \(prefix) of \(tokens) tokens")
        XCTAssertGreaterThanOrEqual(firstSame, sources.count * 3 / 4, "first tokens agree on \(firstSame) of \(sources.count)")
        XCTAssertGreaterThanOrEqual(prefix, tokens / 4, "common prefixes: \(prefix) of \(tokens) tokens")
        XCTAssertGreaterThan(same, 0)

        // Loaded as int8: the same weights quantized the same way.
        let loaded = try Translator(modelDirectory: Self.folder, computeType: .int8)
        XCTAssertEqual(summary(try loaded.translate(pieces: sources, options: float)), summary(derived))
        XCTAssertThrowsError(try loaded.translate(pieces: sources, options: options(loaded, beam: 4, threads: 1))) { error in
            XCTAssertEqual(error as? ComputeTypeError, .floatWeightsReleased(model: Self.folder.path))
        }
    }
}
