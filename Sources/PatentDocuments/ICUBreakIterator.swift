import ICUShim

/// An ICU break iterator (sentence or word boundaries), built from a locale's rules, from
/// custom rule source, or from compiled rules.
///
/// Not `Sendable`: ICU iterators carry mutable position state. Share compiled rules
/// (`compiledRules()`) across threads instead and open one iterator per task.
public final class ICUBreakIterator {
    public enum Kind: Sendable {
        case sentence, word
    }

    /// A piece of text between two boundaries and the status of the rule that ended it.
    /// For word iterators, `ruleStatus` lies in ICU's ranges: [0, 100) space or punctuation,
    /// [100, 200) number, [200, 300) letters, [300, 400) kana, [400, 500) ideographs.
    public struct Segment: Sendable, Equatable {
        public let range: Range<String.Index>
        public let ruleStatus: Int32

        /// For word iterators: a word or number rather than space or punctuation.
        public var isWordLike: Bool { ruleStatus >= PMT_WORD_NONE_LIMIT }
    }

    private let handle: OpaquePointer

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { pmt_break_close(handle) }

    /// ICU's standard iterator for `locale`.
    public convenience init(_ kind: Kind, locale: String = "en_US") throws {
        let code = kind == .sentence ? PMT_BREAK_SENTENCE : PMT_BREAK_WORD
        var out: OpaquePointer?
        let status = pmt_break_open(code, locale, &out)
        guard icuSucceeded(status), let out else {
            throw ICUError.failed(operation: "open \(kind) break iterator for \(locale)", status: status)
        }
        self.init(handle: out)
    }

    /// An iterator from ICU rule source (ICU's break-rule syntax). Bad rules throw
    /// `ICUError.invalidRules` with the line and offset where ICU stopped.
    public convenience init(rules: String) throws {
        var parseError = pmt_parse_error()
        var out: OpaquePointer?
        let status = try withICUText(rules, operation: "compile break rules") { units, length in
            pmt_break_open_rules(units.baseAddress, length, &parseError, &out)
        }
        guard icuSucceeded(status), let out else {
            throw ICUError.invalidRules(
                line: Int(parseError.line), offset: Int(parseError.offset), status: status,
                before: Self.string(utf16: parseError.pre_context),
                after: Self.string(utf16: parseError.post_context))
        }
        self.init(handle: out)
    }

    /// An iterator from bytes returned by `compiledRules()` (copied; ICU checks their header).
    public convenience init(compiledRules: [UInt8]) throws {
        var out: OpaquePointer?
        let status = compiledRules.withUnsafeBufferPointer {
            pmt_break_open_binary($0.baseAddress, Int32(clamping: $0.count), &out)
        }
        guard icuSucceeded(status), let out else {
            throw ICUError.failed(operation: "open compiled break rules", status: status)
        }
        self.init(handle: out)
    }

    /// The compiled form of this iterator's rules, for `init(compiledRules:)`.
    public func compiledRules() throws -> [UInt8] {
        var status: Int32 = 0
        let size = pmt_break_binary_rules(handle, nil, 0, &status)
        guard size > 0, status == pmt_buffer_overflow_status() || icuSucceeded(status) else {
            throw ICUError.failed(operation: "read compiled break rules", status: status)
        }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        _ = bytes.withUnsafeMutableBufferPointer {
            pmt_break_binary_rules(handle, $0.baseAddress, size, &status)
        }
        guard icuSucceeded(status) else {
            throw ICUError.failed(operation: "read compiled break rules", status: status)
        }
        return bytes
    }

    /// All boundaries in `text`, including its start and end.
    public func boundaries(in text: String) throws -> [String.Index] {
        try scan(text).map(\.index)
    }

    /// The pieces of `text` between consecutive boundaries.
    public func segments(in text: String) throws -> [Segment] {
        let marks = try scan(text)
        return zip(marks, marks.dropFirst()).map {
            Segment(range: $0.index..<$1.index, ruleStatus: $1.status)
        }
    }

    /// Boundaries with the rule status that produced each (the first has status 0).
    private func scan(_ text: String) throws -> [(index: String.Index, status: Int32)] {
        // The shim copies the text, so the iterator never holds a pointer past this call.
        try withICUText(text, operation: "set break iterator text") { units, length in
            let status = pmt_break_set_text(handle, units.baseAddress, length)
            guard icuSucceeded(status) else {
                throw ICUError.failed(operation: "set break iterator text", status: status)
            }
        }
        var marks: [(index: String.Index, status: Int32)] = []
        var index = text.startIndex
        var previous: Int32 = 0
        var offset = pmt_break_first(handle)
        while offset != PMT_DONE {
            // Step from the previous boundary so the whole walk is O(n).
            index = text.utf16.index(index, offsetBy: Int(offset - previous))
            marks.append((index, marks.isEmpty ? 0 : pmt_break_rule_status(handle)))
            previous = offset
            offset = pmt_break_next(handle)
        }
        return marks
    }

    /// A NUL-terminated UTF-16 array that C hands over as a tuple.
    private static func string<Units>(utf16 units: Units) -> String {
        withUnsafeBytes(of: units) { raw in
            String(decoding: raw.bindMemory(to: UInt16.self).prefix { $0 != 0 }, as: UTF16.self)
        }
    }
}

@available(*, unavailable)
extension ICUBreakIterator: Sendable {}
