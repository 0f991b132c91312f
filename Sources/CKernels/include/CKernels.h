// AVX2/FMA kernels of the engine, behind plain C types so Swift sees them directly.
// Row-major fp32 throughout; no function keeps a pointer after it returns.
#ifndef PMT_CKERNELS_H
#define PMT_CKERNELS_H

#include <stdint.h>

/// 1 when the CPU runs AVX2 and FMA (the kernels below need both), else 0.
int pmt_cpu_has_avx2_fma(void);

/// y[i][j] (+)= Σ_k x[i][k] · w[j][k] for rows [0, m) and columns [n0, n1): the product
/// x · wᵀ of a linear layer whose weight w is stored [n × k] (out × in), with no
/// repacking of w; each sum runs over 8 lanes of k, then across the lanes (the order of a
/// gemv). With accumulate = 0 y is overwritten.
void pmt_sgemm_nt(const float *x, long ldx, const float *w, long ldw, float *y, long ldy,
                  long m, long n0, long n1, long k, int accumulate);

/// Per row r of x ([m × k]): scale[r] = 127 / max|x_r| (1 for a zero row) and
/// q[r][i] = round(x[r][i] · scale[r]) as int8, rows of q padded with zeros to ldq.
void pmt_quantize_rows(const float *x, long m, long k, int8_t *q, long ldq, float *scale);

/// y[i][j] = (Σ_k qx[i][k] · qw[j][k]) / (sx[i] · sw[j]) for rows [0, m) and columns
/// [n0, n1): int8 products with exact int32 sums. ldq (for both) is a multiple of 32.
/// With vnni = 1 (only where `pmt_cpu_has_avx512_vnni`) and wsum = the row sums of qw
/// (`pmt_row_sums`), AVX-512 VNNI does the products; else AVX2. Both give the same floats.
void pmt_igemm_nt(const int8_t *qx, const float *sx, const int8_t *qw, const float *sw, const int32_t *wsum,
                  long ldq, float *y, long ldy, long m, long n0, long n1, int vnni);

/// sums[r] = Σ_i q[r][i] over the ldq bytes of each row.
void pmt_row_sums(const int8_t *q, long rows, long ldq, int32_t *sums);

/// 1 when the CPU runs AVX-512 F, BW and VNNI, else 0.
int pmt_cpu_has_avx512_vnni(void);

/// t[p][i] = x[i][p] for rows [0, rows) and columns [0, columns) of x (leading dimensions
/// ldx and ldt); the lanes [rows, ldt) of each row of t are set to 0.
void pmt_transpose(const float *x, long rows, long columns, long ldx, float *t, long ldt);

/// y[i][j] = Σ_k x[i][k] · w[j][k] for rows [0, m) and columns [n0, n1), x given transposed
/// (xT [k × ldt], ldt ≥ m rounded up to 16, as `pmt_transpose` writes it): one FMA chain per
/// output over k in blocks of q (a remainder between q and 2q halved, rounded up to unit),
/// the blocks added in order onto a zeroed y. AVX-512F only (`pmt_cpu_has_avx512f`).
void pmt_sgemm_chain(const float *xT, long ldt, const float *w, long ldw, float *y, long ldy,
                     long m, long n0, long n1, long k, long q, long unit);

/// 1 when the CPU runs AVX-512 F, else 0.
int pmt_cpu_has_avx512f(void);

/// glibc: allocations of at least `bytes` get their own mapping (which also stops glibc
/// from raising that threshold by itself); no-op elsewhere.
void pmt_malloc_fix_mmap_threshold(long bytes);

/// glibc: returns free heap memory to the system; no-op elsewhere.
void pmt_malloc_trim(void);

/// A chunk of a job run by `pmt_pool_run`: chunk is in [0, chunks).
typedef void (*pmt_pool_task)(void *context, long chunk);

/// Runs task(context, c) for every c in [0, chunks): chunk 0 on the calling thread, the
/// others on the pool's helper threads (started on first use, kept for the process), and
/// returns when all are done. One caller at a time uses the helpers; a concurrent caller
/// runs its chunks itself, one after another.
void pmt_pool_run(long chunks, pmt_pool_task task, void *context);

#endif
