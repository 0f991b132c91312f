import ICUShim

/// Unicode normalization and case folding through ICU, so every module that compares text
/// (segmenter, glossary matching) uses the same Unicode data.
public enum UnicodeNormalization {
    public enum Form: Sendable {
        /// Canonical composition: "e" + U+0301 -> "é".
        case nfc
        /// Compatibility composition: "ﬁ" -> "fi", "㎜" -> "mm", full-width -> ASCII.
        case nfkc
        /// NFKC plus case folding and removal of default-ignorables (ICU's NFKC_Casefold).
        case nfkcCasefold
    }

    public static func normalize(_ text: String, to form: Form) throws -> String {
        let code: Int32 = switch form {
        case .nfc: PMT_NFC
        case .nfkc: PMT_NFKC
        case .nfkcCasefold: PMT_NFKC_CASEFOLD
        }
        return try transform(text, operation: "normalize to \(form)") {
            pmt_normalize(code, $0, $1, $2, $3, $4)
        }
    }

    public static func nfc(_ text: String) throws -> String { try normalize(text, to: .nfc) }
    public static func nfkc(_ text: String) throws -> String { try normalize(text, to: .nfkc) }

    /// Full default case folding, for caseless matching: "Straße" -> "strasse".
    public static func caseFolded(_ text: String) throws -> String {
        try transform(text, operation: "fold case") { pmt_fold_case($0, $1, $2, $3, $4) }
    }

    /// (source, length, destination, capacity, status) -> full result length, as in ICUShim.
    private typealias Transform = (
        UnsafePointer<UInt16>, Int32, UnsafeMutablePointer<UInt16>?, Int32, UnsafeMutablePointer<Int32>
    ) -> Int32

    /// Runs an ICU string transform, growing the output buffer when ICU says it is too small.
    private static func transform(_ text: String, operation: String, _ call: Transform) throws -> String {
        if text.isEmpty { return "" }  // ICU rejects a NULL source even with length 0
        return try withICUText(text, operation: operation) { source, length in
            var capacity = Int(length) + 16  // most results are about as long as the input
            while true {
                var status: Int32 = 0
                var needed: Int32 = 0
                let output = [UInt16](unsafeUninitializedCapacity: capacity) { buffer, count in
                    let room = Int32(clamping: buffer.count)
                    needed = call(source.baseAddress!, length, buffer.baseAddress, room, &status)
                    count = icuSucceeded(status) ? min(Int(needed), buffer.count) : 0
                }
                if status == pmt_buffer_overflow_status(), Int(needed) > capacity {
                    capacity = Int(needed)
                    continue
                }
                guard icuSucceeded(status) else {
                    throw ICUError.failed(operation: operation, status: status)
                }
                return String(decoding: output, as: UTF16.self)
            }
        }
    }
}
