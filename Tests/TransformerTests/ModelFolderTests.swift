import Foundation
import XCTest
import Tensor
@testable import Transformer

/// Model folders of both layouts → configuration, vocabularies and the common weight
/// description; the two layouts of one fixture load to bit-identical tensors; damaged folders
/// are errors naming the file and the tensor or key.
final class ModelFolderTests: XCTestCase {
    static let activations: [String: RowOps.Activation] = ["relu": .relu, "swish": .swish, "gelu": .geluSigmoid, "quick_gelu": .geluSigmoid]
    static let tyings: [String: EmbeddingTying] = ["tied-embeddings-all": .all, "tied-embeddings": .decoderOutput, "none": .none]

    func testEveryFixtureLoadsWithTheFactsOfItsVariant() throws {
        for variant in Fixtures.variants {
            let facts = try Fixtures.variantFacts(variant)
            var layouts = [Fixtures.marian(variant)]
            if Fixtures.withHuggingFace.contains(variant) { layouts.append(Fixtures.huggingFace(variant)) }
            for folder in layouts {
                let label = "\(variant)/\(folder.lastPathComponent)"
                let model = try ModelFolder.load(folder)
                let config = model.config
                let d = try XCTUnwrap(facts["dim_emb"] as? Int)
                XCTAssertEqual(config.modelDimension, d, label)
                XCTAssertEqual(config.encoderHeads, facts["heads"] as? Int, label)
                XCTAssertEqual(config.decoderHeads, facts["heads"] as? Int, label)
                XCTAssertEqual(config.encoderLayers, facts["enc_depth"] as? Int, label)
                XCTAssertEqual(config.decoderLayers, facts["dec_depth"] as? Int, label)
                XCTAssertEqual(config.encoderFeedForwardDimension, facts["dim_ffn"] as? Int, label)
                XCTAssertEqual(config.decoderFeedForwardDimension, facts["dim_ffn"] as? Int, label)
                XCTAssertEqual(config.activation, Self.activations[facts["activation"] as! String], label)
                XCTAssertEqual(config.normalization, facts["norm"] as? String == "pre" ? .preNorm : .postNorm, label)
                XCTAssertEqual(config.tying, Self.tyings[facts["tied_embeddings"] as! String], label)
                XCTAssertEqual(config.sourceVocabularySize, facts["source_vocab_size"] as? Int, label)
                XCTAssertEqual(config.targetVocabularySize, facts["target_vocab_size"] as? Int, label)
                XCTAssertEqual(model.sourceVocabulary.count, config.sourceVocabularySize, label)
                XCTAssertEqual(model.targetVocabulary.count, config.targetVocabularySize, label)
                XCTAssertEqual(config.embeddingScale, Float(Double(d).squareRoot()), label)
                XCTAssertTrue(config.hasOutputBias, label)
                XCTAssertFalse(config.layerNormEmbedding, label)
                XCTAssertTrue(config.decoderStartsFromZeroEmbedding, label)
                XCTAssertEqual(config.eosID, 0, label)
                XCTAssertEqual(config.sourceEOSID, 0, label)
                XCTAssertEqual(config.unknownID, 1, label)
                XCTAssertEqual(model.beamSize, 4, label)
                XCTAssertEqual(model.sourceSentencePiece.lastPathComponent, "source.spm")
                XCTAssertEqual(model.targetSentencePiece.lastPathComponent, "target.spm")
                XCTAssertTrue(FileManager.default.fileExists(atPath: model.sourceSentencePiece.path))
                for token in facts["target_language_tokens"] as? [String] ?? [] {
                    XCTAssertNotNil(model.targetVocabulary.id(of: token), "\(label) \(token)")
                }

                // Shapes of the common description.
                let w = model.weights
                XCTAssertEqual(w.sourceEmbedding.shape, [config.sourceVocabularySize, d], label)
                XCTAssertEqual(w.targetEmbedding.shape, [config.targetVocabularySize, d], label)
                XCTAssertEqual(w.output.weight.shape, [config.targetVocabularySize, d], label)
                XCTAssertEqual(w.output.bias?.shape, [config.targetVocabularySize], label)
                XCTAssertEqual(w.encoderLayers.count, config.encoderLayers, label)
                XCTAssertEqual(w.decoderLayers.count, config.decoderLayers, label)
                let ffn = config.encoderFeedForwardDimension
                for layer in w.encoderLayers {
                    XCTAssertEqual(layer.selfAttention.query.weight.shape, [d, d], label)
                    XCTAssertEqual(layer.selfAttention.query.bias?.shape, [d], label)
                    XCTAssertEqual(layer.feedForward.inner.weight.shape, [ffn, d], label)
                    XCTAssertEqual(layer.feedForward.outer.weight.shape, [d, ffn], label)
                    XCTAssertEqual(layer.feedForward.layerNorm.gamma.shape, [d], label)
                }
                XCTAssertEqual(w.encoderFinalNorm != nil, config.normalization == .preNorm, label)
                XCTAssertEqual(w.decoderFinalNorm != nil, config.normalization == .preNorm, label)
                XCTAssertEqual(model.folder.unusedTensors, [], label)

                // Tied matrices are one storage.
                func address(_ t: Tensor) -> UInt { t.storage.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
                switch config.tying {
                case .all:
                    XCTAssertEqual(address(w.sourceEmbedding), address(w.targetEmbedding), label)
                    XCTAssertEqual(address(w.targetEmbedding), address(w.output.weight), label)
                case .decoderOutput:
                    XCTAssertNotEqual(address(w.sourceEmbedding), address(w.targetEmbedding), label)
                    XCTAssertEqual(address(w.targetEmbedding), address(w.output.weight), label)
                case .none, .sourceTarget:
                    XCTAssertNotEqual(address(w.targetEmbedding), address(w.output.weight), label)
                }
            }
        }
    }

    /// Every model folder under Tests/Fixtures/models (including ones other scripts add later,
    /// such as folders written by transformers' own `save_pretrained`) opens and loads, and its
    /// tensors agree with its configuration and vocabularies.
    func testEveryFixtureFolderLoads() throws {
        var loaded = 0
        for variant in try FileManager.default.contentsOfDirectory(atPath: Fixtures.models.path).sorted() {
            for layout in ["marian", "hf"] {
                let folder = Fixtures.models.appendingPathComponent(variant).appendingPathComponent(layout)
                guard FileManager.default.fileExists(atPath: folder.path) else { continue }
                let model = try ModelFolder.load(folder)
                let config = model.config
                XCTAssertEqual(model.sourceVocabulary.count, config.sourceVocabularySize, folder.path)
                XCTAssertEqual(model.targetVocabulary.count, config.targetVocabularySize, folder.path)
                XCTAssertEqual(model.weights.output.weight.shape, [config.targetVocabularySize, config.modelDimension], folder.path)
                XCTAssertEqual(model.targetVocabulary.piece(config.eosID), "</s>", folder.path)
                XCTAssertEqual(model.folder.unusedTensors, [], folder.path)
                XCTAssertFalse(model.targetVocabulary.pieces.contains("<pad>"), "\(folder.path): HF's <pad> must be dropped")
                for labelled in model.weights.labelled {
                    XCTAssertTrue(labelled.value.storage.allSatisfy(\.isFinite), "\(folder.path) \(labelled.path)")
                }
                loaded += 1
            }
        }
        XCTAssertGreaterThanOrEqual(loaded, 6)
    }

    /// The heart of "both layouts load to the same computation": every tensor of the common
    /// description is bit-identical between a fixture's Marian npz and its HF safetensors (HF
    /// stores [out, in] and appends a `<pad>` row; Marian stores [in, out] and [1, n] biases).
    func testBothLayoutsLoadToBitIdenticalTensors() throws {
        for variant in Fixtures.withHuggingFace {
            let marian = try ModelFolder.load(Fixtures.marian(variant))
            let hf = try ModelFolder.load(Fixtures.huggingFace(variant))
            XCTAssertEqual(marian.sourceVocabulary, hf.sourceVocabulary, variant)
            XCTAssertEqual(marian.targetVocabulary, hf.targetVocabulary, variant)
            var m = marian.config, h = hf.config
            XCTAssertEqual(m.positionEncoding, .sinusoidal(limit: nil))
            XCTAssertEqual(h.positionEncoding, .sinusoidal(limit: 256))
            m.positionEncoding = h.positionEncoding
            m.lengthNormalization = nil
            XCTAssertEqual(m, h, "\(variant): the configurations differ")

            let a = marian.weights.labelled, b = hf.weights.labelled.filter { !$0.path.hasSuffix(".positions") }
            XCTAssertEqual(a.map(\.path), b.map(\.path), variant)
            XCTAssertGreaterThan(a.count, 60, variant)
            for ((path, x), (_, y)) in zip(a, b) {
                XCTAssertEqual(x.shape, y.shape, "\(variant) \(path)")
                XCTAssertTrue(x.storage.map(\.bitPattern) == y.storage.map(\.bitPattern), "\(variant) \(path): values differ")
            }
            // The orientation is Marian's transposed: query.weight[o][i] == encoder_l1_self_Wq[i][o].
            let raw = try marian.folder.weights.tensor("encoder_l1_self_Wq")
            let query = marian.weights.encoderLayers[0].selfAttention.query.weight
            for o in 0..<3 { for i in 0..<3 { XCTAssertEqual(query[row: o, column: i], raw[row: i, column: o]) } }

            // HF's stored position table is Marian's sinusoid (which the Marian layout computes).
            let table = try XCTUnwrap(hf.weights.encoderPositions)
            XCTAssertEqual(table.shape, [256, 24])
            XCTAssertNil(marian.weights.encoderPositions)
            let d = 24
            var worst: Float = 0
            for p in 0..<256 {
                for j in 0..<(d / 2) {
                    let angleSin = Double(p) / pow(10000, Double(2 * ((2 * j) / 2)) / Double(d))
                    let angleCos = Double(p) / pow(10000, Double(2 * ((2 * j + 1) / 2)) / Double(d))
                    worst = max(worst, abs(table[row: p, column: j] - Float(sin(angleSin))))
                    worst = max(worst, abs(table[row: p, column: d / 2 + j] - Float(cos(angleCos))))
                }
            }
            XCTAssertLessThanOrEqual(worst, 1e-6, variant)
        }
    }

    // MARK: Damaged folders

    private func marianCopy(_ variant: String = "joint-tied-postnorm-relu") throws -> URL { try copyOf(Fixtures.marian(variant)) }
    private func hfCopy(_ variant: String = "separate-tied-postnorm-gelu") throws -> URL { try copyOf(Fixtures.huggingFace(variant)) }

    func testTruncatedWeightFiles() throws {
        let marian = try marianCopy()
        let npz = marian.appendingPathComponent("model.npz")
        try truncate(npz, to: try fileSize(npz) / 2)
        assertError(try ModelFolder.open(marian), mentions: [npz.path, "tensor '", "truncated"])

        let hf = try hfCopy()
        let safetensors = hf.appendingPathComponent("model.safetensors")
        try truncate(safetensors, to: try fileSize(safetensors) - 1)
        // The last tensor in data order loses its last byte.
        let last = try TestSafetensors.items(of: Fixtures.huggingFace("separate-tied-postnorm-gelu").appendingPathComponent("model.safetensors")).last!.name
        assertError(try ModelFolder.open(hf), mentions: [safetensors.path, "tensor '\(last)'", "truncated"])
    }

    func testWrongShapeInAHeader() throws {
        let marian = try marianCopy()
        let npz = marian.appendingPathComponent("model.npz")
        try rewriteNPZ(npz) { members in
            let i = members.firstIndex { $0.name == "decoder_l1_ffn_W2" }!
            // Same data, a header that says [64, 25].
            let data = Array(members[i].npy.suffix(64 * 24 * 4))
            members[i].npy = NPY.member(descr: "<f4", shape: [64, 25], data: data)
        }
        assertError(try ModelFolder.open(marian), mentions: [npz.path, "'decoder_l1_ffn_W2'", "[64, 25]"])

        let hf = try hfCopy()
        let safetensors = hf.appendingPathComponent("model.safetensors")
        let items = try TestSafetensors.items(of: safetensors)
        try Data(TestSafetensors.file(items, headerShapes: ["model.encoder.layers.0.self_attn.k_proj.weight": [24, 23]])).write(to: safetensors)
        assertError(try ModelFolder.open(hf), mentions: [safetensors.path, "'model.encoder.layers.0.self_attn.k_proj.weight'", "[24, 23]"])
    }

    func testMissingTensor() throws {
        let marian = try marianCopy("separate-untied-prenorm-swish")
        let npz = marian.appendingPathComponent("model.npz")
        try rewriteNPZ(npz) { $0.removeAll { $0.name == "decoder_l2_ffn_ffn_ln_bias_pre" } }
        assertError(try ModelFolder.open(marian), mentions: [npz.path, "'decoder_l2_ffn_ffn_ln_bias_pre'", "missing"])
        try rewriteNPZ(npz) { $0.removeAll { $0.name == "special:model.yml" } }
        assertError(try ModelFolder.open(marian), mentions: [npz.path, "'special:model.yml'", "missing"])

        let hf = try hfCopy()
        let safetensors = hf.appendingPathComponent("model.safetensors")
        let items = try TestSafetensors.items(of: safetensors).filter { $0.name != "model.decoder.layers.1.encoder_attn.v_proj.bias" }
        try Data(TestSafetensors.file(items)).write(to: safetensors)
        assertError(try ModelFolder.open(hf), mentions: [safetensors.path, "'model.decoder.layers.1.encoder_attn.v_proj.bias'", "missing"])
    }

    func testShapeThatContradictsTheConfiguration() throws {
        // A well-formed tensor of the wrong size.
        let marian = try marianCopy()
        let npz = marian.appendingPathComponent("model.npz")
        try rewriteNPZ(npz) { members in
            let i = members.firstIndex { $0.name == "encoder_l2_ffn_W1" }!
            members[i].npy = NPY.floats([Float](repeating: 0.5, count: 24 * 60), shape: [24, 60])
        }
        assertError(try ModelFolder.open(marian), mentions: [npz.path, "'encoder_l2_ffn_W1'", "[24, 60]", "[24, 64]", "transformer-dim-ffn"])

        // A configuration that contradicts every ffn tensor: the first one is named.
        let marian2 = try marianCopy()
        let npz2 = marian2.appendingPathComponent("model.npz")
        try replaceModelYAML(in: npz2) { $0.replacingOccurrences(of: "transformer-dim-ffn: 64", with: "transformer-dim-ffn: 48") }
        assertError(try ModelFolder.open(marian2), mentions: [npz2.path, "'encoder_l1_ffn_W1'", "[24, 48]", "[24, 64]"])
        // dim-vocabs that contradicts the embedding.
        try replaceModelYAML(in: npz2) { $0.replacingOccurrences(of: "  - 999\n  - 999", with: "  - 998\n  - 998").replacingOccurrences(of: "transformer-dim-ffn: 48", with: "transformer-dim-ffn: 64") }
        assertError(try ModelFolder.open(marian2), mentions: [npz2.path, "'Wemb'", "[998, 24]", "dim-vocabs"])

        let hf = try hfCopy()
        let config = hf.appendingPathComponent("config.json")
        let text = try String(contentsOf: config, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"decoder_ffn_dim\": 64", with: "\"decoder_ffn_dim\": 32").utf8).write(to: config)
        assertError(try ModelFolder.open(hf), mentions: [hf.appendingPathComponent("model.safetensors").path,
                                                         "'model.decoder.layers.0.fc1.weight'", "[32, 24]", "decoder_ffn_dim"])
        // A vocabulary whose size contradicts the configuration.
        try Data(text.utf8).write(to: config)
        let vocab = hf.appendingPathComponent("target_vocab.json")
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: vocab)) as? [String: Int])
        object = object.filter { $0.value < 700 }
        try JSONSerialization.data(withJSONObject: object).write(to: vocab)
        assertError(try ModelFolder.open(hf), mentions: [vocab.path, "700 pieces", "decoder_vocab_size", "800"])

        // A Marian vocabulary one piece short of dim-vocabs.
        let marian3 = try marianCopy()
        let yml = marian3.appendingPathComponent("opus.spm1k-spm1k.vocab.yml")
        let lines = try String(contentsOf: yml, encoding: .utf8).split(separator: "\n").filter { !$0.hasSuffix(": 998") }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: yml)
        assertError(try ModelFolder.open(marian3), mentions: [yml.path, "998 pieces", "'dim-vocabs'", "999"])
    }

    func testUnknownActivationAndBadOptions() throws {
        let marian = try marianCopy()
        let npz = marian.appendingPathComponent("model.npz")
        try replaceModelYAML(in: npz) { $0.replacingOccurrences(of: "transformer-ffn-activation: relu", with: "transformer-ffn-activation: tanh") }
        assertError(try ModelFolder.open(marian), mentions: [npz.path, "special:model.yml", "'transformer-ffn-activation'", "'tanh'"])
        try replaceModelYAML(in: npz) {
            $0.replacingOccurrences(of: "transformer-ffn-activation: tanh", with: "transformer-ffn-activation: relu")
                .replacingOccurrences(of: "transformer-postprocess: dan", with: "transformer-postprocess: da")
        }
        assertError(try ModelFolder.open(marian), mentions: [npz.path, "'transformer-postprocess'", "post-norm"])
        try replaceModelYAML(in: npz) {
            $0.replacingOccurrences(of: "transformer-postprocess: da\n", with: "transformer-postprocess: dan\n")
                .replacingOccurrences(of: "transformer-heads: 4", with: "transformer-heads: 5")
        }
        assertError(try ModelFolder.open(marian), mentions: [npz.path, "'transformer-heads'", "5 heads"])
        try replaceModelYAML(in: npz) { $0.replacingOccurrences(of: "transformer-heads: 5\n", with: "") }
        assertError(try ModelFolder.open(marian), mentions: [npz.path, "'transformer-heads'", "missing"])

        let hf = try hfCopy()
        let config = hf.appendingPathComponent("config.json")
        let text = try String(contentsOf: config, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"quick_gelu\"", with: "\"tanh\"").utf8).write(to: config)
        assertError(try ModelFolder.open(hf), mentions: [config.path, "'activation_function'", "'tanh'"])
        try Data(text.replacingOccurrences(of: "\"d_model\": 24", with: "\"d_model\": \"24\"").utf8).write(to: config)
        assertError(try ModelFolder.open(hf), mentions: [config.path, "'d_model'", "integer"])
    }

    func testHuggingFaceActivationNames() throws {
        let hf = try hfCopy("joint-tied-postnorm-relu")
        let config = hf.appendingPathComponent("config.json")
        let text = try String(contentsOf: config, encoding: .utf8)
        let expected: [String: RowOps.Activation] = ["gelu": .gelu, "gelu_new": .geluTanh, "quick_gelu": .geluSigmoid, "silu": .swish, "swish": .swish, "relu": .relu]
        for (name, activation) in expected {
            try Data(text.replacingOccurrences(of: "\"activation_function\": \"relu\"", with: "\"activation_function\": \"\(name)\"").utf8).write(to: config)
            XCTAssertEqual(try ModelFolder.open(hf).config.activation, activation, name)
        }
    }

    func testMissingFiles() throws {
        let marian = try marianCopy("separate-tied-postnorm-gelu")
        let target = marian.appendingPathComponent("opus.spm1k-spm1k.trg.vocab.yml")
        try FileManager.default.removeItem(at: target)
        assertError(try ModelFolder.open(marian), mentions: [target.path, "vocabs[1]", "missing"])
        let source = marian.appendingPathComponent("opus.spm1k-spm1k.src.vocab.yml")
        try FileManager.default.removeItem(at: source)
        assertError(try ModelFolder.open(marian), mentions: [source.path, "vocabs[0]", "missing"])

        let marian2 = try marianCopy()
        try FileManager.default.removeItem(at: marian2.appendingPathComponent("target.spm"))
        assertError(try ModelFolder.open(marian2), mentions: [marian2.appendingPathComponent("target.spm").path, "SentencePiece"])
        try FileManager.default.removeItem(at: marian2.appendingPathComponent("model.npz"))
        assertError(try ModelFolder.open(marian2), mentions: [marian2.appendingPathComponent("model.npz").path, "models[0]"])

        let hf = try hfCopy()
        try FileManager.default.removeItem(at: hf.appendingPathComponent("target_vocab.json"))
        assertError(try ModelFolder.open(hf), mentions: [hf.appendingPathComponent("target_vocab.json").path, "separate_vocabs"])
        try FileManager.default.removeItem(at: hf.appendingPathComponent("vocab.json"))
        assertError(try ModelFolder.open(hf), mentions: [hf.appendingPathComponent("vocab.json").path, "missing"])
        try FileManager.default.removeItem(at: hf.appendingPathComponent("model.safetensors"))
        assertError(try ModelFolder.open(hf), mentions: [hf.appendingPathComponent("model.safetensors").path, "missing"])
    }

    /// A sharded HF checkpoint (index + two shards) loads to the same weights as the single file.
    func testShardedHuggingFaceFolder() throws {
        let hf = try hfCopy()
        let single = hf.appendingPathComponent("model.safetensors")
        let items = try TestSafetensors.items(of: single)
        let half = items.count / 2
        try Data(TestSafetensors.file(Array(items[..<half]))).write(to: hf.appendingPathComponent("model-00001-of-00002.safetensors"))
        try Data(TestSafetensors.file(Array(items[half...]))).write(to: hf.appendingPathComponent("model-00002-of-00002.safetensors"))
        var map: [String: String] = [:]
        for (i, item) in items.enumerated() { map[item.name] = i < half ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors" }
        try JSONSerialization.data(withJSONObject: ["metadata": ["total_size": 0], "weight_map": map]).write(to: hf.appendingPathComponent("model.safetensors.index.json"))
        try FileManager.default.removeItem(at: single)
        let sharded = try ModelFolder.load(hf)
        let reference = try ModelFolder.load(Fixtures.huggingFace("separate-tied-postnorm-gelu"))
        XCTAssertEqual(sharded.weights, reference.weights)
        XCTAssertEqual(sharded.config, reference.config)
    }

    /// Marian's `decoder_ff_logit_out_W` ([d, V], transposed on load) and learned `Wpos`.
    func testOutputProjectionAndLearnedPositionVariants() throws {
        let marian = try marianCopy("separate-untied-prenorm-swish")
        let npz = marian.appendingPathComponent("model.npz")
        let original = try ModelFolder.load(Fixtures.marian("separate-untied-prenorm-swish"))
        let wt = try MappedWeights.openNPZ(Fixtures.marian("separate-untied-prenorm-swish").appendingPathComponent("model.npz")).tensor("decoder_ff_logit_out_Wt")
        var transposed = [Float](repeating: 0, count: wt.count)
        for v in 0..<799 { for i in 0..<24 { transposed[i * 799 + v] = wt[row: v, column: i] } }
        let positions = (0..<(50 * 24)).map { Float($0) / 100 }
        try rewriteNPZ(npz) { members in
            members.removeAll { $0.name == "decoder_ff_logit_out_Wt" }
            members.append((name: "decoder_ff_logit_out_W", npy: NPY.floats(transposed, shape: [24, 799])))
            members.append((name: "Wpos", npy: NPY.floats(positions, shape: [50, 24])))
        }
        let edited = try ModelFolder.load(marian)
        XCTAssertEqual(edited.config.tying, .none)
        XCTAssertEqual(edited.config.positionEncoding, .learned(rows: 50))
        XCTAssertEqual(edited.weights.output.weight, original.weights.output.weight)
        XCTAssertEqual(edited.weights.encoderPositions?.storage, positions)
        XCTAssertEqual(edited.weights.decoderPositions?.shape, [50, 24])
    }
}
