// swift-tools-version:6.0
import PackageDescription

// The module graph of DESIGN.md: the engine (Tensor … Translator) never sees documents,
// glossaries or queues, and Decoding never sees Transformer.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "PatentMT",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pmt", targets: ["pmt"]),
    ],
    targets: [
        // System libraries (Debian -dev packages installed by Scripts/setup).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres"),
        .target(
            name: "ICUShim",
            path: "Sources/ICUShim",
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),

        // The engine. CKernels: AVX2/FMA C kernels (single-row fp32 products, int8 products
        // with AVX-512 VNNI where present), the helper-thread pool and allocator settings;
        // Tensor checks the CPU before using them.
        .target(name: "CKernels", path: "Sources/CKernels", cSettings: [.unsafeFlags(["-mavx2", "-mfma", "-O3"])]),
        .target(name: "Tensor", dependencies: ["CBLAS", "CKernels"], swiftSettings: optimizedInDebug),
        // The engine is optimized even in debug builds: its parity tests run every line of
        // the shared corpora through many models, which unoptimized code makes take minutes.
        .target(name: "SentencePiece", swiftSettings: optimizedInDebug),
        .target(name: "Transformer", dependencies: ["Tensor"], swiftSettings: optimizedInDebug),
        .target(name: "Decoding", dependencies: ["Tensor"], swiftSettings: optimizedInDebug),
        .target(name: "Translator", dependencies: ["Transformer", "Decoding", "SentencePiece"], swiftSettings: optimizedInDebug),

        // Documents, terminology, queues.
        .target(name: "Glossary", dependencies: ["CSQLite", "ICUShim"]),
        // Optimized in debug too: its tests read and write a 50 MB filing.
        .target(name: "PatentDocuments", dependencies: ["ICUShim"], swiftSettings: optimizedInDebug),
        .target(name: "Pipeline", dependencies: ["Translator", "Glossary", "PatentDocuments"]),
        .target(name: "JobQueue", dependencies: ["CSQLite", "CPostgres", "Pipeline", "Glossary"]),

        .executableTarget(name: "pmt", dependencies: ["Translator", "Glossary", "PatentDocuments", "Pipeline", "JobQueue", "SentencePiece"]),

        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "SentencePieceTests", dependencies: ["SentencePiece"]),
        .testTarget(name: "TransformerTests", dependencies: ["Transformer"]),
        .testTarget(name: "DecodingTests", dependencies: ["Decoding"]),
        .testTarget(name: "TranslatorTests", dependencies: ["Translator"]),
        .testTarget(name: "GlossaryTests", dependencies: ["Glossary"]),
        .testTarget(name: "PatentDocumentsTests", dependencies: ["PatentDocuments"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Glossary"]),
        .testTarget(name: "JobQueueTests", dependencies: ["JobQueue", "Pipeline"]),
        .testTarget(name: "pmtTests", dependencies: ["pmt"]),
    ],
    swiftLanguageModes: [.v6]
)
