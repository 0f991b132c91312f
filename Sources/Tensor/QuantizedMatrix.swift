import CKernels

/// A weight matrix [rows × columns] quantized per row to int8, symmetric, with
/// scale = 127 / max|row| (CTranslate2's int8 scheme): row r ≈ q_r / scale_r. Rows are
/// padded with zeros to a multiple of 32 bytes for the AVX2 kernel.
public struct QuantizedMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    /// Bytes per stored row (columns rounded up to 32).
    public let stride: Int
    public let values: [Int8]
    public let scales: [Float]
    /// Σ of each stored row, for the AVX-512 VNNI kernel's unsigned-activation correction.
    let rowSums: [Int32]

    public init(_ weight: Tensor) {
        let (rows, columns) = weight.matrixShape
        let stride = Self.stride(columns)
        var values = [Int8](repeating: 0, count: rows * stride)
        var scales = [Float](repeating: 1, count: rows)
        weight.storage.withUnsafeBufferPointer { w in
            values.withUnsafeMutableBufferPointer { q in
                scales.withUnsafeMutableBufferPointer { s in
                    if rows > 0 { pmt_quantize_rows(w.baseAddress!, rows, columns, q.baseAddress!, stride, s.baseAddress!) }
                }
            }
        }
        self.rows = rows
        self.columns = columns
        self.stride = stride
        self.values = values
        self.scales = scales
        var rowSums = [Int32](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { q in
            rowSums.withUnsafeMutableBufferPointer { sums in
                if rows > 0 { pmt_row_sums(q.baseAddress!, rows, stride, sums.baseAddress!) }
            }
        }
        self.rowSums = rowSums
    }

    /// Row r dequantized (q / scale) into `out` [columns].
    public func row(_ r: Int, into out: UnsafeMutablePointer<Float>) {
        let inverse = 1 / scales[r]
        values.withUnsafeBufferPointer { q in
            for i in 0..<columns { out[i] = Float(q[r * stride + i]) * inverse }
        }
    }

    public func dequantized() -> Tensor {
        var result = Tensor(shape: [rows, columns])
        result.storage.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows { row(r, into: out.baseAddress! + r * columns) }
        }
        return result
    }

    static func stride(_ columns: Int) -> Int { (columns + 31) / 32 * 32 }

    /// y [m × rows] = x [m × columns] · selfᵀ with x quantized per row on the fly (the
    /// activations' own scale, as CTranslate2 does), int32 sums, then fp32.
    public func product(_ x: UnsafePointer<Float>, m: Int, into y: UnsafeMutablePointer<Float>, threads: Int) {
        guard m > 0, rows > 0 else { return }
        var qx = [Int8](repeating: 0, count: m * stride)
        var sx = [Float](repeating: 1, count: m)
        qx.withUnsafeMutableBufferPointer { qx in
            sx.withUnsafeMutableBufferPointer { sx in
                pmt_quantize_rows(x, m, columns, qx.baseAddress!, stride, sx.baseAddress!)
            }
        }
        values.withUnsafeBufferPointer { qw in
            Kernels.splitColumns(rows, align: 64, threads: threads, work: m * rows * columns / 2) { n0, n1 in
                pmt_igemm_nt(qx, sx, qw.baseAddress!, scales, rowSums, stride, y, rows, m, n0, n1, Kernels.vnni ? 1 : 0)
            }
        }
    }
}
