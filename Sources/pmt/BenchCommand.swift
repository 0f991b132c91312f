import Foundation
import Translator

/// `pmt bench`: loads a model once and translates the lines of a file, all at once in
/// batches (as `translate` does) or, with `--one-at-a-time`, each line alone (latency).
/// Prints one JSON object on stdout: load time, translation time, target tokens, tokens/s
/// and, one at a time, per-sentence latency (mean, median, 90th percentile).
enum BenchCommand {
    static func run(_ arguments: ParsedArguments) throws {
        guard let model = arguments.value("--model") else { throw CLIError.usage("bench: --model DIR is required") }
        guard let input = arguments.value("--input") else { throw CLIError.usage("bench: --input FILE is required") }
        let computeType = ComputeType(rawValue: try arguments.choice("--compute-type", from: ComputeType.allCases.map(\.rawValue)) ?? "float32")!
        guard let data = FileManager.default.contents(atPath: input) else {
            throw CLIError.failure("bench: \(input): cannot read the file")
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        let lines = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        let loadStart = Date()
        let translator: Translator
        do {
            translator = try Translator(modelDirectory: URL(fileURLWithPath: model), computeType: computeType)
        } catch {
            throw CLIError.failure("bench: \(error)")
        }
        let loadSeconds = Date().timeIntervalSince(loadStart)
        var options = translator.defaultOptions
        options.computeType = computeType
        if let beam = try arguments.integer("--beam-size", in: 1...64) { options.search.beamSize = beam }
        if let length = try arguments.integer("--max-length", in: 1...4096) {
            options.search.maxDecodingLength = length + 1 + (translator.multilingual == nil ? 0 : 1)
        }
        if let threads = try arguments.integer("--threads", in: 1...256) { options.threads = threads }
        options.sourceLanguage = arguments.value("--source-lang")
        let oneAtATime = arguments.has("--one-at-a-time")

        var latencies: [Double] = []
        var tokens = 0
        let start = Date()
        do {
            if oneAtATime {
                for line in lines {
                    let t0 = Date()
                    let result = try translator.translate([line], options: options)
                    latencies.append(Date().timeIntervalSince(t0) * 1000)
                    tokens += result.first?.best?.tokens.count ?? 0
                }
            } else {
                tokens = try translator.translate(lines, options: options).reduce(0) { $0 + ($1.best?.tokens.count ?? 0) }
            }
        } catch {
            throw CLIError.failure("bench: \(error)")
        }
        let seconds = Date().timeIntervalSince(start)
        var report: [String: Any] = [
            "sentences": lines.count, "target_tokens": tokens, "load_s": loadSeconds, "translate_s": seconds,
            "tokens_per_s": seconds > 0 ? Double(tokens) / seconds : 0, "beam_size": options.search.beamSize,
            "threads": options.threads, "compute_type": computeType.rawValue, "one_at_a_time": oneAtATime,
        ]
        if !latencies.isEmpty {
            let sorted = latencies.sorted()
            report["latency_ms"] = ["mean": latencies.reduce(0, +) / Double(latencies.count),
                                    "median": sorted[sorted.count / 2],
                                    "p90": sorted[min(sorted.count - 1, sorted.count * 9 / 10)]]
        }
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        FileHandle.standardOutput.write(json + Data("\n".utf8))
    }
}
