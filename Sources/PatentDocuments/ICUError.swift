import ICUShim

/// A failure in the ICU layer, saying which operation failed and where.
public enum ICUError: Error, CustomStringConvertible, Sendable, Equatable {
    /// An ICU call failed; `status` is ICU's `UErrorCode`.
    case failed(operation: String, status: Int32)
    /// Custom break rules did not compile: 1-based `line` and `offset` (column) where ICU
    /// stopped, and the rule text just before and after that point.
    case invalidRules(line: Int, offset: Int, status: Int32, before: String, after: String)
    /// ICU measures text in `Int32` UTF-16 units.
    case textTooLong(operation: String, utf16Count: Int)

    /// ICU's name for a status code, e.g. `U_BRK_RULE_SYNTAX`.
    public static func statusName(_ status: Int32) -> String {
        pmt_error_name(status).map { String(cString: $0) } ?? "ICU status \(status)"
    }

    public var description: String {
        switch self {
        case let .failed(operation, status):
            return "\(operation): \(Self.statusName(status))"
        case let .invalidRules(line, offset, status, before, after):
            return "break rules: line \(line), offset \(offset): \(Self.statusName(status))"
                + " near \"\(before)\" ^ \"\(after)\""
        case let .textTooLong(operation, count):
            return "\(operation): text of \(count) UTF-16 units exceeds ICU's limit of \(Int32.max)"
        }
    }
}
