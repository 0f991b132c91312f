// Helpers for passing Swift text to ICU.

/// ICU reports warnings as negative statuses; only positive ones are failures.
@inline(__always) func icuSucceeded(_ status: Int32) -> Bool { status <= 0 }

/// Calls `body` with `text` as UTF-16 units and an `Int32` length, the way ICU takes text.
func withICUText<R>(
    _ text: some StringProtocol, operation: String,
    _ body: (UnsafeBufferPointer<UInt16>, Int32) throws -> R
) throws -> R {
    let units = Array(text.utf16)
    guard let length = Int32(exactly: units.count) else {
        throw ICUError.textTooLong(operation: operation, utf16Count: units.count)
    }
    return try units.withUnsafeBufferPointer { try body($0, length) }
}
