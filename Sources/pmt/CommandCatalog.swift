/// Every command of the CLI contract (DESIGN.md), with its flags and help.
enum CommandCatalog {
    static let version = "0.1.0"

    static let engineIssue = "issue #4, the inference engine"
    static let tokenizerIssue = "issue #3, SentencePiece in Swift"
    static let speedIssue = "issue #9, faster than CTranslate2"

    static let dbOption = OptionSpec("--db", "DB", "the glossary's SQLite file")
    static let queueOption = OptionSpec("--queue", "URL", "sqlite:PATH (default sqlite:pmt-queue.db) or postgres://…")
    static let langOptions = [
        OptionSpec("--source-lang", "L", "source language code (e.g. en)"),
        OptionSpec("--target-lang", "L", "target language code (e.g. ko)"),
    ]

    static let translate = CommandSpec(
        ["translate"], summary: "Translate documents or text lines into the target language.",
        usage: "translate [FILE…] --model DIR [options]",
        options: [
            OptionSpec("--model", "DIR", "model folder: Marian release, Hugging Face Marian or NLLB/M2M-100"),
            OptionSpec("--format", "F", "input format: auto (default), text, xml, jsonl"),
            OptionSpec("-o", "PATH", "write the output here instead of stdout"),
            OptionSpec("--beam-size", "N", "beam width (default: the model's decoder.yml, else 4)"),
            OptionSpec("--max-length", "N", "at most N generated tokens per segment, end of sentence not counted"),
            OptionSpec("--length-penalty", "A", "final score = sum of log-probabilities / length^A (default 1)"),
            OptionSpec("--n-best", "N", "hypotheses per segment in jsonl output"),
            OptionSpec("--output-format", "F", "text (default) or jsonl"),
            OptionSpec("--glossary", "DB", "force the approved terms of this glossary store (read-only) into the output"),
            OptionSpec("--domain", "CODE", "glossary domain or IPC class of the input (unscoped terms always apply)"),
            OptionSpec("--no-glossary", nil, "apply no glossary (even with --glossary)"),
        ] + langOptions + [
            OptionSpec("--threads", "N", "compute threads"),
            OptionSpec("--max-batch-tokens", "N", "token budget of one batch"),
            OptionSpec("--compute-type", "T", "float32 (default) or int8 (int8 linear layers, as CTranslate2's int8)"),
            OptionSpec("--max-batch-size", "N", "sentences in one batch at most (default 32)"),
            OptionSpec("--progress", nil, "show progress on stderr even when it is not a terminal"),
            OptionSpec("--no-progress", nil, "never show progress"),
            OptionSpec("--memory", "DB", "translation memory (SQLite): reuse and record segment translations"),
            OptionSpec("--timings", nil, "documents: print on stderr where the time went (reading, pipeline, engine)"),
        ],
        positionals: 0...Int.max,
        details: """
        With no FILE, or with text files, translates text lines: one output line per input line. \
        XML filings (USPTO, EP ST.36, WIPO ST.96, JPO, CNIPA) and JSONL files are translated as documents: \
        the same document comes back with only its text translated, its markup and protected spans \
        (numbers, reference signs, figure and claim references, formulas) kept. One document goes to stdout \
        or -o FILE; several need -o DIR, an existing folder (each written as NAME.ko.EXT). Outputs are written \
        atomically; a bad document is an error naming it and leaves no output. --format xml|jsonl forces a \
        reader, --format text the line mode. With --output-format jsonl, documents give one object per segment \
        (path, source, target, score, spans kept and restored, from memory). \
        With --glossary, the approved terms of the language pair (--source-lang/--target-lang, default en and ko; \
        documents also by their IPC classes) found in a segment are forced into its translation by the beam search \
        (beam size 2 or more), once per occurrence, when they fit within --max-length; Korean particles after them \
        are made to agree; jsonl output lists per segment "terms": [{source, target, applied}].
        """)

    static let tokenize = CommandSpec(
        ["tokenize"], summary: "Cut stdin lines into SentencePiece pieces (or ids), one output line per input line.",
        usage: "tokenize --spm FILE [--ids] [--decode] [--threads N]",
        options: [
            OptionSpec("--spm", "FILE", "the SentencePiece .model/.spm file"),
            OptionSpec("--ids", nil, "write ids instead of pieces (with --decode: read ids)"),
            OptionSpec("--decode", nil, "read pieces (or ids) and write text"),
            OptionSpec("--threads", "N", "encoding threads (default: the available cores)"),
        ],
        details: "Pieces or ids are separated by single spaces; an empty input line gives an empty output line.")

    static let modelInfo = CommandSpec(
        ["model", "info"], summary: "Describe a model folder: layout, architecture, vocabularies.",
        usage: "model info DIR", positionals: 1...1)
    static let modelVerify = CommandSpec(
        ["model", "verify"], summary: "Check every file, tensor, shape and vocabulary of a model folder.",
        usage: "model verify DIR", positionals: 1...1,
        details: "Reads every tensor, checks shapes against the configuration and that each vocabulary belongs to its SentencePiece model. Exit 1 with the problems listed when the folder would not translate correctly.")
    static let modelFetch = CommandSpec(
        ["model", "fetch"], summary: "Download a published model into a folder (needs a network).",
        usage: "model fetch NAME --to DIR",
        options: [OptionSpec("--to", "DIR", "destination folder")],
        positionals: 1...1, pendingIssue: engineIssue)

    static func queue(_ verb: String, _ summary: String, usage: String, options: [OptionSpec] = [], positionals: ClosedRange<Int> = 0...0, details: String = "") -> CommandSpec {
        CommandSpec(["queue", verb], summary: summary, usage: "queue \(verb) [--queue URL] \(usage)",
                    options: [queueOption] + options, positionals: positionals, details: details)
    }

    static let queueFormatOption = OptionSpec("--format", "F", "text (default) or jsonl: one JSON object per job")
    static let queueLimitOption = OptionSpec("--limit", "N", "at most N jobs (default 1000)")

    static let queueCommands: [CommandSpec] = [
        queue("enqueue", "Add filings (files or folders) to the queue.", usage: "FILE|DIR…",
              options: [OptionSpec("--model", "DIR", "model folder: only workers with a model of this name take the job"),
                        OptionSpec("--glossary", "DB", "glossary store applied to the job's documents (an absolute path the workers can open)"),
                        OptionSpec("--domain", "CODE", "glossary domain"), OptionSpec("--priority", "N", "higher runs first")],
              positionals: 1...Int.max,
              details: "Folders are walked recursively (hidden files skipped). The queue keeps each file's content, so it may be moved once enqueued. A filing already in the queue with the same content and options is the same job (not added twice)."),
        queue("status", "Count jobs by state.", usage: "[--format F]", options: [queueFormatOption]),
        queue("list", "List jobs.", usage: "[--state S] [--limit N] [--format F]",
              options: [OptionSpec("--state", "S", "queued, running, succeeded, failed-retrying or dead"), queueLimitOption, queueFormatOption]),
        queue("retry", "Put dead or failed jobs back in the queue.", usage: "ID…", positionals: 1...Int.max,
              details: "Their attempts start again from zero."),
        queue("dead", "List dead jobs with their last error.", usage: "[--limit N] [--format F]", options: [queueLimitOption, queueFormatOption]),
    ]

    static let worker = CommandSpec(
        ["worker"], summary: "Translate queued filings until stopped (SIGTERM/SIGINT stop it gracefully).",
        usage: "worker --queue URL --model DIR --out DIR [--concurrency N] [--inbox DIR] [options]",
        options: [queueOption, OptionSpec("--model", "DIR", "model folder (loaded once)"), OptionSpec("--out", "DIR", "output folder (must exist)"),
                  OptionSpec("--concurrency", "N", "documents translated at once (default 1)"),
                  OptionSpec("--inbox", "DIR", "watch this folder: enqueue what arrives, then move it to DIR/archive"),
                  OptionSpec("--archive", "DIR", "where inbox files go once enqueued (default INBOX/archive; same file system)"),
                  OptionSpec("--lease-seconds", "S", "a job's lease, renewed every S/3 seconds while it runs (default 60)"),
                  OptionSpec("--max-attempts", "N", "attempts before a job is dead (default 5)"),
                  OptionSpec("--retry-delay", "S", "back-off after the first failure, doubling each time, with jitter (default 10)"),
                  OptionSpec("--threads", "N", "compute threads per document (default 2, or 1 with --concurrency above 1)"),
                  OptionSpec("--memory", "DB", "translation memory (SQLite) shared by the jobs")],
        details: "Logs JSON lines on stderr (job.started, job.succeeded, job.failed, job.dead, worker.throughput, …). The first SIGTERM or SIGINT lets the jobs in hand finish and takes no more; a second gives them back to the queue at once. XML and JSONL filings are translated as documents (<name>.ko.xml, <name>.ko.jsonl); plain text line by line (<name>.ko.txt). Outputs are written atomically in the output folder.")

    static let bench = CommandSpec(
        ["bench"], summary: "Measure translation speed on a file of sentences.",
        usage: "bench --model DIR --input FILE [--beam-size N] [--threads N] [--compute-type T] [--one-at-a-time]",
        options: [OptionSpec("--model", "DIR", "model folder"), OptionSpec("--input", "FILE", "one sentence per line"),
                  OptionSpec("--beam-size", "N", "beam width"), OptionSpec("--threads", "N", "compute threads"),
                  OptionSpec("--max-length", "N", "at most N generated tokens per sentence, end of sentence not counted"),
                  OptionSpec("--compute-type", "T", "float32 (default) or int8"),
                  OptionSpec("--source-lang", "L", "source language (NLLB / M2M-100 models)"),
                  OptionSpec("--one-at-a-time", nil, "translate each line alone and report its latency")],
        details: "Loads the model once, translates the lines (in batches, or one at a time) and prints one JSON object: load_s, translate_s, target_tokens, tokens_per_s and, one at a time, latency_ms (mean, median, p90).")

    /// Groups that take a sub-command, in help order.
    static let groups: [(name: String, summary: String, commands: [CommandSpec])] = [
        ("model", "inspect, verify or fetch model folders", [modelInfo, modelVerify, modelFetch]),
        ("glossary", "maintain the terminology store", glossaryCommands),
        ("queue", "enqueue and inspect translation jobs", queueCommands),
    ]

    static let topLevel: [CommandSpec] = [translate, tokenize, worker, bench]

    static var helpText: String {
        var text = """
        usage: pmt COMMAND [options]

        PatentMT: patent filings translated into Korean on the CPU.

        commands:

        """
        var rows = topLevel.map { ($0.name, $0.summary) }
        rows.insert(contentsOf: groups.map { ("\($0.name) \($0.commands.map { $0.path[1] }.joined(separator: "|"))", $0.summary) }, at: 2)
        let width = rows.map(\.0.count).max() ?? 0
        for (name, summary) in rows {
            text += "  " + name + String(repeating: " ", count: width - name.count + 2) + summary + "\n"
        }
        text += "\n  pmt COMMAND --help    details of one command\n  pmt --version         the version\n"
        return text
    }
}
