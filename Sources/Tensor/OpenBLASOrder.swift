import CBLAS
import CKernels
import Glibc

/// OpenBLAS's sgemm sums each output as one FMA chain over k, in blocks whose length its
/// build chose for the CPU. Where `pmt_sgemm_chain` with some blocking gives OpenBLAS's
/// results bit for bit (checked once, on probe products, at first use), it stands in for
/// OpenBLAS at a few dozen rows: there OpenBLAS spends a third of its time packing the
/// weights, which the chain kernel reads in place. Outputs, and so the parity with
/// CTranslate2, stay exactly those of OpenBLAS.
enum OpenBLASOrder {
    struct Blocking: Equatable {
        let q: Int
        let unit: Int
    }

    /// nil where the chain kernel cannot stand in (no AVX-512, no blocking reproduces
    /// OpenBLAS here, or PMT_DISABLE_CHAIN is set).
    static let blocking: Blocking? = find()

    /// Rows for which the chain kernel beats OpenBLAS (measured at 8–64 rows: 1.1–1.3x;
    /// at 128 rows OpenBLAS's packed kernel is ahead).
    static let rows = 5...64

    private static func find() -> Blocking? {
        guard Kernels.available, pmt_cpu_has_avx512f() != 0, getenv("PMT_DISABLE_CHAIN") == nil else { return nil }
        BLAS.keepOpenBLASSingleThreaded
        // Above OpenBLAS's small-matrix size (100³), with remainders that tell blockings apart.
        let probes = [(13, 97, 1000), (40, 50, 2048), (33, 64, 512), (17, 36, 4096)]
        let cases = probes.map { m, n, k in (m, n, k, values(m * k, seed: UInt64(m * 31 + k)), values(n * k, seed: UInt64(n * 17 + k))) }
        for q in [320, 256, 384, 192, 448, 512, 128, 640, 768] {
            for unit in [16, 8, 32, 4] {
                let blocking = Blocking(q: q, unit: unit)
                if cases.allSatisfy({ reproduces(blocking, m: $0.0, n: $0.1, k: $0.2, x: $0.3, w: $0.4) }) { return blocking }
            }
        }
        return nil
    }

    private static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 20001) / 10000 - 1
        }
    }

    private static func reproduces(_ blocking: Blocking, m: Int, n: Int, k: Int, x: [Float], w: [Float]) -> Bool {
        var reference = [Float](repeating: 0, count: m * n)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, x, Int32(k), w, Int32(k), 0, &reference, Int32(n))
        var chained = [Float](repeating: .nan, count: m * n)
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                chained.withUnsafeMutableBufferPointer { y in
                    product(x.baseAddress!, w.baseAddress!, y.baseAddress!, m: m, n: n, k: k, threads: 1, blocking: blocking)
                }
            }
        }
        return zip(reference, chained).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    /// y [m × n] = x [m × k] · wᵀ (w stored [n × k]) through `pmt_sgemm_chain`.
    static func product(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        m: Int, n: Int, k: Int, threads: Int, blocking: Blocking) {
        let ldt = (m + 15) / 16 * 16
        let transposed = [Float](unsafeUninitializedCapacity: k * ldt) { t, initialized in
            pmt_transpose(x, m, k, k, t.baseAddress!, ldt)
            initialized = k * ldt
        }
        transposed.withUnsafeBufferPointer { t in
            Kernels.splitColumns(n, align: 48, threads: threads, work: m * n * k) { n0, n1 in
                pmt_sgemm_chain(t.baseAddress!, ldt, w, k, y, n, m, n0, n1, k, blocking.q, blocking.unit)
            }
        }
    }
}
