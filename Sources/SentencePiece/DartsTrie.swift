/// A reader of the Darts-clone double array stored in a model's `precompiled_charsmap`.
/// Each unit is a little-endian UInt32: label in the low byte (bit 31 marks a value
/// unit), a has-leaf flag at bit 8, and a child offset in the high bits.
struct DartsTrie: Sendable {
    private let units: [UInt32]

    init(units: [UInt32]) { self.units = units }

    /// The longest key that is a prefix of `bytes[start..<end]`, as (length, value).
    /// Like the reference, only the first 32 matches along the path are considered.
    @inline(__always)
    func longestPrefix(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (length: Int, value: Int)? {
        units.withUnsafeBufferPointer { array -> (Int, Int)? in
            guard !array.isEmpty else { return nil }
            @inline(__always) func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }
            var id = offset(array[0])
            var best: (Int, Int)?
            var matches = 0
            var i = start
            while i < end {
                let label = UInt32(bytes[i])
                id ^= Int(label)
                guard id < array.count else { return best }
                let unit = array[id]
                guard unit & ((1 << 31) | 0xFF) == label else { return best }
                id ^= offset(unit)
                if (unit >> 8) & 1 == 1 {
                    if matches < 32, id < array.count {
                        best = (i - start + 1, Int(array[id] & ((1 << 31) - 1)))
                    }
                    matches += 1
                }
                i += 1
            }
            return best
        }
    }
}
