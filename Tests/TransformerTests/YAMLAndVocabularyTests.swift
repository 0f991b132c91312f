import Foundation
import XCTest
@testable import Transformer

/// The YAML subset of `decoder.yml` / `special:model.yml`, and the vocabulary readers, against
/// the reference readers (CTranslate2's `load_vocab`, PyYAML) and against facts the fixtures
/// give independently (the HF `vocab.json`, the `.spm` pieces, `dim-vocabs`).
final class YAMLAndVocabularyTests: XCTestCase {
    private func write(_ text: String, _ name: String) throws -> URL {
        let url = try temporaryFolder().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    // MARK: YAML

    func testDecoderYAMLInBlockAndFlowStyle() throws {
        let block = try write("""
            # a comment
            models:
              - model.npz
            vocabs:
            - src.vocab.yml   # same indentation as the key
            - trg.vocab.yml
            beam-size: 6
            normalize: 0.6
            word-penalty: 0
            max-length-factor: 3
            mini-batch: 16
            relative-paths: true

            """, "decoder.yml")
        let options = try MarianDecoderOptions.read(block)
        XCTAssertEqual(options.models, ["model.npz"])
        XCTAssertEqual(options.vocabs, ["src.vocab.yml", "trg.vocab.yml"])
        XCTAssertEqual(options.beamSize, 6)
        XCTAssertEqual(options.normalize, 0.6)
        XCTAssertEqual(options.wordPenalty, 0)
        XCTAssertEqual(options.maxLengthFactor, 3)
        XCTAssertEqual(options.miniBatch, 16)
        XCTAssertEqual(options.relativePaths, true)

        let flow = try write("""
            ---
            models: [ "opus.bpe32k.transformer.model1.npz.best-perplexity.npz" ]
            vocabs: [opus.vocab.yml, 'opus.vocab.yml']
            beam-size: 12
            normalize: 1
            relative-paths: yes\r
            """, "decoder.yml")
        let options2 = try MarianDecoderOptions.read(flow)
        XCTAssertEqual(options2.models, ["opus.bpe32k.transformer.model1.npz.best-perplexity.npz"])
        XCTAssertEqual(options2.vocabs, ["opus.vocab.yml", "opus.vocab.yml"])
        XCTAssertEqual(options2.beamSize, 12)
        XCTAssertEqual(options2.normalize, 1)
        XCTAssertEqual(options2.relativePaths, true)

        for variant in Fixtures.variants {
            let options = try MarianDecoderOptions.read(Fixtures.marian(variant).appendingPathComponent("decoder.yml"))
            XCTAssertEqual(options.models, ["model.npz"], variant)
            XCTAssertEqual(options.beamSize, 4, variant)
            XCTAssertEqual(options.normalize, 1, variant)
            XCTAssertEqual(options.vocabs.count, 2, variant)
        }
    }

    func testDecoderYAMLErrorsNameFileKeyAndLine() throws {
        let noModels = try write("vocabs: [a.yml]\nbeam-size: 4\n", "decoder.yml")
        assertError(try MarianDecoderOptions.read(noModels), mentions: [noModels.path, "'models'"])
        let badBeam = try write("models: [m.npz]\nvocabs: [a.yml]\nbeam-size: four\n", "decoder.yml")
        assertError(try MarianDecoderOptions.read(badBeam), mentions: [badBeam.path, "'beam-size'", "four", "integer"])
        let badIndent = try write("models:\n  - m.npz\n vocabs: [a.yml]\n", "decoder.yml")
        assertError(try MarianDecoderOptions.read(badIndent), mentions: [badIndent.path + ":3"])
        let unterminated = try write("models: [m.npz\nvocabs: [a.yml]\n", "decoder.yml")
        assertError(try MarianDecoderOptions.read(unterminated), mentions: [unterminated.path + ":1", "flow sequence"])
        let tabs = try write("models:\n\t- m.npz\n", "decoder.yml")
        assertError(try MarianDecoderOptions.read(tabs), mentions: [tabs.path + ":2", "tab"])
        assertError(try MarianDecoderOptions.read(URL(fileURLWithPath: "/nonexistent/decoder.yml")), mentions: ["/nonexistent/decoder.yml", "missing"])
    }

    func testModelYAMLOfEveryFixture() throws {
        for variant in Fixtures.variants {
            let facts = try Fixtures.variantFacts(variant)
            let npz = Fixtures.marian(variant).appendingPathComponent("model.npz")
            let yaml = try MarianRelease.modelYAML(from: try MappedWeights.openNPZ(npz))
            XCTAssertEqual(try yaml.int("dim-emb"), facts["dim_emb"] as? Int, variant)
            XCTAssertEqual(try yaml.int("transformer-heads"), facts["heads"] as? Int, variant)
            XCTAssertEqual(try yaml.intList("dim-vocabs"), [facts["source_vocab_size"] as! Int, facts["target_vocab_size"] as! Int], variant)
            XCTAssertEqual(try yaml.string("transformer-ffn-activation"), facts["activation"] as? String, variant)
            XCTAssertEqual(try yaml.bool("tied-embeddings-all"), facts["tied_embeddings"] as? String == "tied-embeddings-all", variant)
            // `cost-scaling:` followed by `  []` on the next line, quoted empty strings, a plain
            // scalar with spaces and parentheses.
            XCTAssertEqual(yaml.value("cost-scaling"), .sequence([]), variant)
            XCTAssertEqual(try yaml.string("build-info"), "", variant)
            XCTAssertEqual(try yaml.string("bert-mask-symbol"), "[MASK]", variant)
            XCTAssertEqual(try yaml.string("version"), "v1.11.0 (random-weight test fixture written by PatentMT Scripts/make-fixtures)", variant)
            XCTAssertEqual(try yaml.string("transformer-postprocess-top"), facts["norm"] as? String == "pre" ? "n" : "", variant)
        }
    }

    func testYAMLScalarsQuotingAndStructures() throws {
        let yaml = try MiniYAML.parseMapping("""
            plain: hello world # trailing comment
            hash: a#b
            single: 'it''s # not a comment'
            double: "tab\\tnewline\\nquote\\"\\u00e9\\x41\\U0001F600"
            empty-plain:
            tilde: ~
            yes-bool: Yes
            off-bool: off
            float: 1e-3
            flow: [1, "two", [3, 4], {a: b}]
            nested:
              inner: 5
              list:
                - x
                - key: v
                  other: w
            literal: |
              line one
                indented
              line three
            folded: >-
              a
              b
            version: v1.7.6 1d4ba73 2019-05-11 17:16:31 +0100
            last: end
            """, file: "t.yml")
        XCTAssertEqual(try yaml.string("plain"), "hello world")
        XCTAssertEqual(try yaml.string("hash"), "a#b")
        XCTAssertEqual(try yaml.string("single"), "it's # not a comment")
        XCTAssertEqual(try yaml.string("double"), "tab\tnewline\nquote\"éA😀")
        XCTAssertNil(try yaml.string("empty-plain"))
        XCTAssertNil(try yaml.string("tilde"))
        XCTAssertEqual(try yaml.bool("yes-bool"), true)
        XCTAssertEqual(try yaml.bool("off-bool"), false)
        XCTAssertEqual(try yaml.double("float"), 0.001)
        XCTAssertEqual(yaml.value("flow"), .sequence([.scalar("1", quoted: false), .scalar("two", quoted: true),
                                                      .sequence([.scalar("3", quoted: false), .scalar("4", quoted: false)]),
                                                      .mapping([YAMLPair(key: "a", value: .scalar("b", quoted: false), line: 10)])]))
        guard case .mapping(let nested)? = yaml.value("nested") else { return XCTFail("nested is not a mapping") }
        XCTAssertEqual(nested.map(\.key), ["inner", "list"])
        guard case .sequence(let list) = nested[1].value, list.count == 2, case .mapping(let item) = list[1] else {
            return XCTFail("nested.list is \(nested[1].value)")
        }
        XCTAssertEqual(list[0], .scalar("x", quoted: false))
        XCTAssertEqual(item.map(\.key), ["key", "other"])
        XCTAssertEqual(try yaml.string("literal"), "line one\n  indented\nline three\n")
        XCTAssertEqual(try yaml.string("folded"), "a b")
        XCTAssertEqual(try yaml.string("version"), "v1.7.6 1d4ba73 2019-05-11 17:16:31 +0100")
        XCTAssertEqual(try yaml.string("last"), "end")
        XCTAssertThrowsError(try yaml.int("plain"))
        XCTAssertThrowsError(try yaml.bool("plain"))
        assertError(try MiniYAML.parseMapping("a: 1\na: 2\n", file: "dup.yml"), mentions: ["dup.yml:2", "'a'"])
        assertError(try MiniYAML.parseMapping("a: \"bad \\q escape\"\n", file: "esc.yml"), mentions: ["esc.yml:1", "\\q"])
        assertError(try MiniYAML.parseMapping("a: &anchor 1\n", file: "anchor.yml"), mentions: ["anchor.yml:1", "anchors"])
    }

    // MARK: Vocabularies

    /// (count, FNV-1a of the pieces in id order) of CTranslate2 4.8.5's `load_vocab`
    /// (`ctranslate2.converters.marian.load_vocab`), computed once with:
    /// .venv/bin/python -c "import glob; from ctranslate2.converters.marian import load_vocab
    ///   def fnv(ts):
    ///     h=0xcbf29ce484222325
    ///     for t in ts:
    ///       for b in t.encode()+b'\0': h=((h^b)*0x100000001b3)&(2**64-1)
    ///     return h
    ///   for f in sorted(glob.glob('Tests/Fixtures/models/*/marian/*.vocab.yml')): t=load_vocab(f); print(f, len(t), hex(fnv(t)))"
    static let referenceVocabularies: [String: (count: Int, hash: UInt64)] = [
        "joint-tied-postnorm-relu/marian/opus.spm1k-spm1k.vocab.yml": (999, 0xbbc9_ab54_5a10_c2fd),
        "joint-tied-prenorm-relu-multitarget/marian/opus.spm1k-spm1k.vocab.yml": (1002, 0xd5a0_1d44_c06a_4a57),
        "separate-tied-postnorm-gelu/marian/opus.spm1k-spm1k.src.vocab.yml": (799, 0x29b2_e05f_3186_1d8e),
        "separate-tied-postnorm-gelu/marian/opus.spm1k-spm1k.trg.vocab.yml": (799, 0x6669_d3e4_7aeb_23cb),
        "separate-untied-prenorm-swish/marian/opus.spm1k-spm1k.src.vocab.yml": (799, 0x09be_cb9e_f23e_1ed6),
        "separate-untied-prenorm-swish/marian/opus.spm1k-spm1k.trg.vocab.yml": (799, 0x3e53_7c6f_ded4_be87),
    ]

    func testEveryFixtureVocabularyMatchesTheReferenceReader() throws {
        var seen = 0
        for variant in Fixtures.variants {
            let folder = Fixtures.marian(variant)
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".vocab.yml") {
                let key = "\(variant)/marian/\(file)"
                let reference = try XCTUnwrap(Self.referenceVocabularies[key], "no reference for \(key)")
                let vocabulary = try VocabularyReader.readMarianYAML(folder.appendingPathComponent(file))
                XCTAssertEqual(vocabulary.count, reference.count, key)
                XCTAssertEqual(fnv1a(vocabulary.pieces), reference.hash, "\(key): pieces differ from CTranslate2's load_vocab")
                seen += 1
            }
        }
        XCTAssertEqual(seen, Self.referenceVocabularies.count, "every fixture vocabulary is checked")
    }

    /// The same ids in the HF layout's `vocab.json`/`target_vocab.json` (written by the fixture
    /// script from the intended mapping), less HF's appended `<pad>`.
    func testFixtureVocabulariesMatchTheHuggingFaceJSON() throws {
        let pairs = [("joint-tied-postnorm-relu", "opus.spm1k-spm1k.vocab.yml", "vocab.json"),
                     ("separate-tied-postnorm-gelu", "opus.spm1k-spm1k.src.vocab.yml", "vocab.json"),
                     ("separate-tied-postnorm-gelu", "opus.spm1k-spm1k.trg.vocab.yml", "target_vocab.json")]
        for (variant, yml, json) in pairs {
            let marian = try VocabularyReader.readMarianYAML(Fixtures.marian(variant).appendingPathComponent(yml))
            let hf = try VocabularyReader.readJSON(Fixtures.huggingFace(variant).appendingPathComponent(json))
            XCTAssertEqual(hf.pieces.last, "<pad>", json)
            XCTAssertEqual(hf.count, marian.count + 1, json)
            XCTAssertEqual(hf.droppingLast(1), marian, "\(variant): \(yml) vs \(json)")
            for (id, piece) in marian.pieces.enumerated() { XCTAssertEqual(hf.id(of: piece), id, "\(variant) \(piece)") }
        }
    }

    /// Structure every Marian vocabulary of this kind has, derived without any reference reader:
    /// `</s>` = 0, `<unk>` = 1, the size `dim-vocabs` gives, and exactly the `.spm`'s ordinary
    /// pieces plus the `>>lang<<` tokens; ids dense and the lookup inverse to the list.
    func testFixtureVocabulariesHoldExactlyTheSentencePiecePieces() throws {
        for variant in Fixtures.variants {
            let facts = try Fixtures.variantFacts(variant)
            let folder = Fixtures.marian(variant)
            let options = try MarianDecoderOptions.read(folder.appendingPathComponent("decoder.yml"))
            let sizes = try MarianRelease.modelYAML(from: try MappedWeights.openNPZ(folder.appendingPathComponent("model.npz"))).intList("dim-vocabs")
            for (index, spm) in [(0, "source.spm"), (options.vocabs.count - 1, "target.spm")] {
                let vocabulary = try VocabularyReader.read(folder.appendingPathComponent(options.vocabs[index]))
                XCTAssertEqual(vocabulary.count, sizes?[index == 0 ? 0 : 1], "\(variant) \(spm)")
                XCTAssertEqual(vocabulary.id(of: "</s>"), 0)
                XCTAssertEqual(vocabulary.id(of: "<unk>"), 1)
                for (id, piece) in vocabulary.pieces.enumerated() { XCTAssertEqual(vocabulary.id(of: piece), id, "\(variant) \(piece)") }
                let ordinary = try SentencePiecePieces.read(folder.appendingPathComponent(spm)).filter { $0.kind == .normal }.map(\.piece)
                let languageTokens = facts["target_language_tokens"] as? [String] ?? []
                let expected = Set(ordinary).union(["</s>", "<unk>"]).union(languageTokens)
                XCTAssertEqual(Set(vocabulary.pieces), expected, "\(variant) \(options.vocabs[index]) vs \(spm)")
                XCTAssertEqual(Set(vocabulary.pieces).count, vocabulary.count, "no piece twice")
            }
        }
    }

    /// Every key form yaml-cpp can write. The expected pieces are what PyYAML's `safe_load`
    /// gives for each key (checked when this test was written); CTranslate2's `load_vocab`
    /// agrees except on escapes other than `\"` `\\` and a whole-key `\xXX` (it reads `"\t"` as
    /// `t` and fails on `\x` inside a key), which real Marian vocabularies do not use.
    func testVocabularyKeyForms() throws {
        let url = try write("""
            </s>: 0
            <unk>: 1
            "\\"": 2
            'it''s': 3
            "a\\\\b": 4
            "\\x41\\u00e9\\U0001F600": 5
            "tab\\there": 6
            ? "complex: key"
            : 7
            ? plain complex
            : 8
            ▁raw:colon: 9
            "\\_": 10
            "\\N": 11
            "#": 12
            ": ": 13
            "\\e\\0": 14
            日本: 15
            "\\xA0": 16
            "\\/": 17
            \u{0301}combining: 18
            "on": 19
            "~": 20
            '>>kor_Hang<<': 21
            "e\\u0301": 22

            """, "keys.vocab.yml")
        let vocabulary = try VocabularyReader.readMarianYAML(url)
        let expected = ["</s>", "<unk>", "\"", "it's", "a\\b", "Aé😀", "tab\there", "complex: key", "plain complex",
                        "▁raw:colon", "\u{A0}", "\u{85}", "#", ": ", "\u{1B}\u{0}", "日本", "\u{A0}", "/",
                        "\u{0301}combining", "on", "~", ">>kor_Hang<<", "e\u{301}"]
        XCTAssertEqual(vocabulary.count, expected.count)
        for (id, piece) in expected.enumerated() {
            XCTAssertEqual(Array(vocabulary[id].utf8), Array(piece.utf8), "id \(id)")
        }
        // A piece given twice keeps its lowest id for lookups; canonically equivalent but
        // different pieces stay different.
        XCTAssertEqual(vocabulary.id(of: "\u{A0}"), 10)
        XCTAssertEqual(vocabulary.id(of: "e\u{301}"), 22)
        XCTAssertEqual("e\u{301}", "\u{E9}", "Swift strings compare canonically…")
        XCTAssertNil(vocabulary.id(of: "\u{E9}"), "…but vocabulary lookups compare bytes")
        XCTAssertEqual(vocabulary.id(of: "Aé😀"), 5)
    }

    func testVocabularyErrorsNameFileAndLine() throws {
        let gap = try write("</s>: 0\n<unk>: 1\nx: 3\n", "gap.vocab.yml")
        assertError(try VocabularyReader.readMarianYAML(gap), mentions: [gap.path, "id 2 is missing"])
        let twice = try write("</s>: 0\n<unk>: 1\nx: 1\n", "twice.vocab.yml")
        assertError(try VocabularyReader.readMarianYAML(twice), mentions: [twice.path + ":3", "id 1"])
        let notInt = try write("</s>: 0\n<unk>: one\n", "n.vocab.yml")
        assertError(try VocabularyReader.readMarianYAML(notInt), mentions: [notInt.path + ":2", "'one'"])
        let dangling = try write("</s>: 0\n? lonely\n", "d.vocab.yml")
        assertError(try VocabularyReader.readMarianYAML(dangling), mentions: [dangling.path + ":2", "'? '"])
        let unterminated = try write("</s>: 0\n\"open: 1\n", "u.vocab.yml")
        assertError(try VocabularyReader.readMarianYAML(unterminated), mentions: [unterminated.path + ":2", "unterminated"])
        let missing = URL(fileURLWithPath: "/nonexistent/v.vocab.yml")
        assertError(try VocabularyReader.read(missing), mentions: [missing.path, "missing"])
        let spm = try write("", "vocab.spm")
        assertError(try VocabularyReader.read(spm), mentions: [spm.path, "not supported"])
        let json = try write("{\"a\": 0, \"b\": 2}", "vocab.json")
        assertError(try VocabularyReader.readJSON(json), mentions: [json.path, "'b'", "dense"])
    }
}
