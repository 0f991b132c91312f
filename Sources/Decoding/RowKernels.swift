import Foundation

/// The per-row arithmetic of the search, written after CTranslate2's CPU kernels so that
/// scores agree to rounding and ties break the same way. Every function works on pointers
/// that the caller got from a scoped `withUnsafe…` call and does not keep them.
enum RowKernels {
    /// CTranslate2's disabled-token value (`DisableTokens`, `numeric_limits<float>::lowest()`).
    static let disabled = -Float.greatestFiniteMagnitude

    /// The shift c with log_softmax(x)_i = x_i + c, as CTranslate2's `cpu::softmax` (log
    /// mode) computes it: c = −max − log(Σ exp(x_i − max)); the sum runs over 8 lanes
    /// (AVX2 width) with the same horizontal reduction, then the tail in order.
    static func logSoftmaxShift(_ row: UnsafePointer<Float>, _ width: Int) -> Float {
        let maximum = rowMaximum(row, width)
        var sum: Float = 0
        if width <= 8 {
            for i in 0..<width { sum += Foundation.exp(row[i] - maximum) }
        } else {
            let body = width - width % 8
            let m = SIMD8<Float>(repeating: maximum)
            var lanes = SIMD8<Float>()
            let raw = UnsafeRawPointer(row)
            var i = 0
            while i < body {
                lanes += exp8NonPositive(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - m)
                i += 8
            }
            // reduce_m256: 128-bit swap, then 64-bit, then 32-bit.
            sum = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]))
            for j in body..<width { sum += Foundation.exp(row[j] - maximum) }
        }
        return -maximum - Foundation.log(sum)
    }

    /// The largest entry of a row (−greatestFiniteMagnitude for an empty row). Eight scalar
    /// accumulators, which the compiler packs into vector max instructions.
    static func rowMaximum(_ row: UnsafePointer<Float>, _ width: Int) -> Float {
        var m0 = -Float.greatestFiniteMagnitude, m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0
        var i = 0
        while i + 8 <= width {
            m0 = max(m0, row[i]); m1 = max(m1, row[i + 1]); m2 = max(m2, row[i + 2]); m3 = max(m3, row[i + 3])
            m4 = max(m4, row[i + 4]); m5 = max(m5, row[i + 5]); m6 = max(m6, row[i + 6]); m7 = max(m7, row[i + 7])
            i += 8
        }
        while i < width {
            m0 = max(m0, row[i])
            i += 1
        }
        return max(max(max(m0, m1), max(m2, m3)), max(max(m4, m5), max(m6, m7)))
    }

    // Lane selects and tests through sign bits: the standard library's SIMD comparisons,
    // `replacing(with:where:)` and `pointwiseMin/Max` compile to per-lane loops through
    // memory here, while these stay in vector registers.

    /// All ones in the lanes where `value` is negative (sign bit set), else zero.
    @inline(__always)
    static func negativeMask(_ value: SIMD8<Float>) -> SIMD8<Int32> {
        unsafeBitCast(value, to: SIMD8<Int32>.self) &>> 31
    }

    /// `a` where `mask` is zero, `b` where it is all ones.
    @inline(__always)
    static func select(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ mask: SIMD8<Int32>) -> SIMD8<Float> {
        let a = unsafeBitCast(a, to: SIMD8<Int32>.self), b = unsafeBitCast(b, to: SIMD8<Int32>.self)
        return unsafeBitCast((a & ~mask) | (b & mask), to: SIMD8<Float>.self)
    }

    /// Whether some lane may exceed `threshold`: never false when one does (t − x < 0 then,
    /// or NaN), sometimes true when none does (NaN lanes), which costs only a closer look.
    @inline(__always)
    static func mayExceed(_ lanes: SIMD8<Float>, _ threshold: Float) -> Bool {
        let bits = unsafeBitCast(SIMD8<Float>(repeating: threshold) - lanes, to: SIMD8<UInt32>.self)
        let half = bits.lowHalf | bits.highHalf
        let quarter = half.lowHalf | half.highHalf
        return (quarter[0] | quarter[1]) >> 31 != 0
    }

    /// exp over 8 lanes: the Cephes polynomial of `avx_mathfun.h` (`exp256_ps`), which
    /// CTranslate2's AVX2 softmax uses; within 2 ulp of exp.
    @inline(__always)
    static func exp8(_ input: SIMD8<Float>) -> SIMD8<Float> {
        let high = SIMD8<Float>(repeating: 88.3762626647949)
        return exp8NonPositive(select(input, high, negativeMask(high - input)))   // min(x, 88.376…)
    }

    /// `exp8` for inputs at most 88.376… (x − max in a softmax), where its upper clamp does
    /// nothing.
    @inline(__always)
    static func exp8NonPositive(_ input: SIMD8<Float>) -> SIMD8<Float> {
        let low = SIMD8<Float>(repeating: -88.3762626647949)
        var x = select(input, low, negativeMask(input - low))      // max(x, −88.376…)
        // floor(x·log2(e) + 0.5) without a per-lane libm call: adding and subtracting
        // 1.5·2²³ rounds to the nearest integer (|value| < 2²²), then one step down where
        // that rounded up. The same constant then holds the integer in its low bits.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let scaled = x * 1.44269504088896341 + 0.5
        var fx = (scaled + magic) - magic
        fx = fx - select(SIMD8(repeating: 0), SIMD8(repeating: 1), negativeMask(scaled - fx))
        x = x - fx * 0.693359375
        x = x - fx * -2.12194440e-4
        let z = x * x
        var y = SIMD8<Float>(repeating: 1.9875691500e-4)
        y = y * x + 1.3981999507e-3
        y = y * x + 8.3334519073e-3
        y = y * x + 4.1665795894e-2
        y = y * x + 1.6666665459e-1
        y = y * x + 5.0000001201e-1
        y = y * z + x
        y = y + 1
        // 2^fx: the integer fx sits in the low bits of fx + 1.5·2²³ (exact for |fx| ≤ 128).
        let integer = unsafeBitCast(fx + magic, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let exponent = (integer &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    }
}

/// The k best of a stream of (value, index) pairs, selected and ordered exactly as
/// CTranslate2's CPU `TopK` does it: `std::partial_sort` with `a > b` on the values, which
/// in libstdc++ is a heap select over the first k entries followed by a heap sort. Ties
/// therefore break as CTranslate2's do (not simply by index). The caller owns the storage.
struct TopKHeap {
    let values: UnsafeMutablePointer<Float>
    let indices: UnsafeMutablePointer<Int>
    let k: Int

    // libstdc++'s __push_heap with comp(a, b) = a > b on values.
    @inline(__always)
    private func pushHeap(_ hole: Int, _ top: Int, _ value: Float, _ index: Int) {
        var hole = hole
        var parent = (hole - 1) / 2
        while hole > top && values[parent] > value {
            values[hole] = values[parent]
            indices[hole] = indices[parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        values[hole] = value
        indices[hole] = index
    }

    // libstdc++'s __adjust_heap.
    @inline(__always)
    private func adjustHeap(_ hole: Int, _ length: Int, _ value: Float, _ index: Int) {
        let top = hole
        var hole = hole
        var second = hole
        while second < (length - 1) / 2 {
            second = 2 * (second + 1)
            if values[second] > values[second - 1] { second -= 1 }
            values[hole] = values[second]
            indices[hole] = indices[second]
            hole = second
        }
        if length & 1 == 0 && second == (length - 2) / 2 {
            second = 2 * (second + 1)
            values[hole] = values[second - 1]
            indices[hole] = indices[second - 1]
            hole = second - 1
        }
        pushHeap(hole, top, value, index)
    }

    /// After the first k entries were written to `values`/`indices` in stream order.
    func makeHeap() {
        guard k >= 2 else { return }
        var parent = (k - 2) / 2
        while true {
            adjustHeap(parent, k, values[parent], indices[parent])
            if parent == 0 { return }
            parent -= 1
        }
    }

    /// One later entry of the stream (the heap select's loop body).
    @inline(__always)
    func offer(_ value: Float, _ index: Int) {
        if value > values[0] { adjustHeap(0, k, value, index) }
    }

    /// Sorts the kept entries best first (libstdc++'s __sort_heap).
    func sort() {
        var last = k
        while last > 1 {
            last -= 1
            let value = values[last], index = indices[last]
            values[last] = values[0]
            indices[last] = indices[0]
            adjustHeap(0, last, value, index)
        }
    }

    /// The top k of `rows` consecutive rows of `width` logits, entry (r, j) having the value
    /// (row_r[j] + shift[r]) + offset[r] (offset omitted when nil) and the flat index
    /// r·width + j, best first in `values`/`indices`. Requires k ≤ rows·width.
    func select(rows: Int, width: Int, logits: UnsafePointer<Float>,
                shifts: UnsafePointer<Float>, offsets: UnsafePointer<Float>?) {
        precondition(k >= 1 && k <= rows * width, "top-\(k) of \(rows * width) entries")
        @inline(__always) func value(_ r: Int, _ x: Float) -> Float {
            let logProbability = x + shifts[r]
            return offsets.map { logProbability + $0[r] } ?? logProbability
        }
        // The first k entries in stream order make the heap.
        for flat in 0..<k {
            let r = flat / width
            values[flat] = value(r, logits[flat])
            indices[flat] = flat
        }
        makeHeap()
        // Every later entry is offered in stream order. Eight at a time, a lane at or below
        // the threshold at the start of its block cannot enter (the threshold only rises),
        // so only blocks with a candidate are walked lane by lane, which keeps the order.
        for r in (k / width)..<rows {
            let row = logits + r * width
            let shift = shifts[r]
            let offset = offsets?[r]
            var j = r == k / width ? k % width : 0
            while j < width && j % 8 != 0 {
                offer(value(r, row[j]), r * width + j)
                j += 1
            }
            let raw = UnsafeRawPointer(row)
            let shiftLanes = SIMD8<Float>(repeating: shift)
            if let offset {
                let offsetLanes = SIMD8<Float>(repeating: offset)
                while j + 8 <= width {
                    let lanes = (raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) + shiftLanes) + offsetLanes
                    if RowKernels.mayExceed(lanes, values[0]) {
                        for lane in 0..<8 { offer(lanes[lane], r * width + j + lane) }
                    }
                    j += 8
                }
            } else {
                while j + 8 <= width {
                    let lanes = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) + shiftLanes
                    if RowKernels.mayExceed(lanes, values[0]) {
                        for lane in 0..<8 { offer(lanes[lane], r * width + j + lane) }
                    }
                    j += 8
                }
            }
            while j < width {
                offer(value(r, row[j]), r * width + j)
                j += 1
            }
        }
        sort()
    }
}
