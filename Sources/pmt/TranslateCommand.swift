import Foundation
import PatentDocuments
import Translator

/// `pmt translate` on text: stdin lines (or the lines of text files) in, one output line
/// per input line out; `--output-format jsonl` gives tokens and scores (and n-best), and
/// with `--glossary` the terms found and applied. XML and JSONL filings go to
/// `DocumentTranslateCommand`.
enum TranslateCommand {
    static func run(_ arguments: ParsedArguments) throws {
        guard let model = arguments.value("--model") else { throw CLIError.usage("translate: --model DIR is required") }
        let format = try arguments.choice("--format", from: ["auto", "text", "xml", "jsonl"]) ?? "auto"
        let outputFormat = try arguments.choice("--output-format", from: ["text", "jsonl"]) ?? "text"
        let documents = DocumentTranslateCommand.wants(arguments, format: format)
        let computeType = ComputeType(rawValue: try arguments.choice("--compute-type", from: ComputeType.allCases.map(\.rawValue)) ?? "float32")!
        let translator: Translator
        do {
            translator = try Translator(modelDirectory: URL(fileURLWithPath: model), computeType: computeType)
        } catch {
            throw CLIError.failure("translate: \(error)")
        }
        var options = translator.defaultOptions
        options.computeType = computeType
        if let beam = try arguments.integer("--beam-size", in: 1...64) { options.search.beamSize = beam }
        // The CLI's N does not count end-of-sentence nor a forced target-language token;
        // CTranslate2's max_decoding_length counts both.
        if let length = try arguments.integer("--max-length", in: 1...4096) {
            options.search.maxDecodingLength = length + 1 + (translator.multilingual == nil ? 0 : 1)
        }
        // M2M-100 / NLLB: the source language is the first source token, the target is forced
        // first (default Korean); Marian models ignore both.
        options.sourceLanguage = arguments.value("--source-lang")
        options.targetLanguage = arguments.value("--target-lang")
        if let penalty = try arguments.number("--length-penalty") { options.search.lengthPenalty = Float(penalty) }
        if let nBest = try arguments.integer("--n-best", in: 1...64) { options.search.hypotheses = nBest }
        if let threads = try arguments.integer("--threads", in: 1...256) { options.threads = threads }
        if let budget = try arguments.integer("--max-batch-tokens", in: 1...1_000_000) { options.maxBatchTokens = budget }
        if let size = try arguments.integer("--max-batch-size", in: 1...4096) { options.maxBatchSentences = size }
        guard options.search.hypotheses <= options.search.beamSize else {
            throw CLIError.usage("translate: --n-best \(options.search.hypotheses) exceeds --beam-size \(options.search.beamSize)")
        }
        let glossary = try TranslateGlossary.open(arguments)
        if glossary != nil && options.search.beamSize < 2 {
            throw CLIError.usage("translate: --glossary needs --beam-size 2 or more (terms are forced by beam search); use --no-glossary for greedy search")
        }

        if documents {
            return try DocumentTranslateCommand.run(arguments, format: format, translator: translator, options: options)
        }

        var lines: [String] = []
        if arguments.positionals.isEmpty || arguments.positionals == ["-"] {
            try LineReader.forEachLine(of: FileHandle.standardInput) { lines.append(String(decoding: $0, as: UTF8.self)) }
        } else {
            for file in arguments.positionals {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIError.failure("translate: \(file): cannot read the file")
                }
                var text = String(decoding: data, as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
                lines += text.isEmpty && data.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            }
        }

        let matches = glossary?.matches(lines) ?? []
        var results: [TranslationResult]
        do {
            // A multilingual model without --source-lang: each line's language from its script.
            let languages = lines.map { line in options.sourceLanguage ?? (translator.multilingual == nil ? nil : LanguageGuess.language(of: line) ?? "en") }
            results = try translator.translate(lines, sourceLanguages: languages, targetTerms: matches.map { $0.map(\.target) }, options: options)
        } catch {
            throw CLIError.failure("translate: \(error)")
        }
        var output = ""
        for (k, result) in results.enumerated() {
            for warning in result.warnings { standardError("pmt: warning: translate: line \(k + 1): \(warning)") }
            var terms: [TranslateGlossary.AppliedTerm]? = nil
            var texts = result.hypotheses.map(\.text)
            if let glossary {
                texts = result.hypotheses.map { glossary.agree($0, matches[k]) }
                terms = TranslateGlossary.applied(result.best ?? TranslationResult.empty.hypotheses[0], matches[k])
                if terms!.contains(where: { !$0.applied }) {
                    standardError("pmt: warning: translate: line \(k + 1): terms not applied (they do not fit within the maximum length): \(terms!.filter { !$0.applied }.map(\.source).joined(separator: ", "))")
                }
            }
            if outputFormat == "jsonl" {
                output += JSONLine.result(result, texts: texts, terms: terms, nBest: arguments.has("--n-best")) + "\n"
            } else {
                output += (texts.first ?? "") + "\n"
            }
        }
        try OutputFile.write(output, to: arguments.value("-o"))
    }
}
