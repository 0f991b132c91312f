import Foundation
import XCTest
@testable import Transformer

/// Bounded fuzzing with a fixed seed: damaged weight files, configurations and vocabularies
/// are errors or load, never a crash; whatever opens can be read in full.
final class CorruptInputFuzzTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Flips bytes near the start and the end (where the headers and the zip directory are),
    /// or cuts the file, `rounds` times; each result must open (and read) or throw.
    private func fuzz(_ original: URL, rounds: Int, open: (URL) throws -> Void) throws {
        let bytes = [UInt8](try Data(contentsOf: original))
        var random = SplitMix(state: 0x5EED)
        let url = try temporaryFolder().appendingPathComponent(original.lastPathComponent)
        var failures = 0, successes = 0
        for _ in 0..<rounds {
            var damaged = bytes
            if Int.random(in: 0..<5, using: &random) == 0 {
                damaged = Array(damaged.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            } else {
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    let window = min(4096, bytes.count)
                    let nearEnd = Bool.random(using: &random)
                    let i = nearEnd ? bytes.count - 1 - Int.random(in: 0..<window, using: &random) : Int.random(in: 0..<window, using: &random)
                    damaged[i] = UInt8.random(in: 0...255, using: &random)
                }
            }
            try Data(damaged).write(to: url)
            do { try open(url); successes += 1 } catch { failures += 1; XCTAssertFalse("\(error)".isEmpty) }
        }
        XCTAssertGreaterThan(failures, 0, "no damage was detected: the fuzzing does nothing")
    }

    private func readEverything(_ weights: MappedWeights) throws {
        for name in weights.names where weights.info(name)!.dtype.isReadableAsFloat {
            _ = try weights.tensor(name)
            _ = try weights.withUnsafeFloats(name) { $0.count }
        }
    }

    func testDamagedNPZ() throws {
        try fuzz(Fixtures.marian("joint-tied-prenorm-relu-multitarget").appendingPathComponent("model.npz"), rounds: 300) { url in
            try readEverything(try MappedWeights.openNPZ(url))
        }
    }

    func testDamagedSafetensors() throws {
        try fuzz(Fixtures.huggingFace("joint-tied-postnorm-relu").appendingPathComponent("model.safetensors"), rounds: 300) { url in
            try readEverything(try MappedWeights.openSafetensors(url))
        }
    }

    func testDamagedVocabularyAndModelFolder() throws {
        try fuzz(Fixtures.marian("separate-tied-postnorm-gelu").appendingPathComponent("opus.spm1k-spm1k.src.vocab.yml"), rounds: 200) { url in
            _ = try VocabularyReader.readMarianYAML(url)
        }
        let folder = try copyOf(Fixtures.marian("joint-tied-postnorm-relu"))
        let npz = folder.appendingPathComponent("model.npz")
        let yaml = try modelYAMLText(npz)
        var random = SplitMix(state: 42)
        var errors = 0
        for _ in 0..<150 {
            var scalars = Array(yaml.unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let pool: [Unicode.Scalar] = [" ", ":", "-", "[", "]", "\"", "'", "#", "\n", "x", "0", "|", "{", "?", "\\"]
                scalars[Int.random(in: 0..<scalars.count, using: &random)] = pool.randomElement(using: &random)!
            }
            try rewriteNPZ(npz) { members in
                let i = members.firstIndex { $0.name == "special:model.yml" }!
                members[i].npy = NPY.modelYAML(String(String.UnicodeScalarView(scalars)))
            }
            do { _ = try ModelFolder.load(folder) } catch { errors += 1 }
        }
        XCTAssertGreaterThan(errors, 0)
    }
}
