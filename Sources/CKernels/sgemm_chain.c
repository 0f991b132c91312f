// y = x · wᵀ summed in OpenBLAS's order, without its packing: each output is one FMA chain
// over k in blocks (q long; a remainder between q and 2q is halved, rounded up to `unit`),
// the blocks added in order onto a zeroed y. That is how OpenBLAS's sgemm sums on the CPUs
// where `Kernels` found it to be so (a start-up check compares the two bit for bit), so
// this kernel can stand in for it where packing the weights costs most: a few dozen rows.
// Lanes are 16 rows of x (x transposed, xT [k × ldt]); six weight rows are broadcast along k.
#include "CKernels.h"
#include <immintrin.h>

static inline long next_block(long rest, long q, long unit) {
    if (rest >= 2 * q) return q;
    if (rest > q) return ((rest / 2 + unit - 1) / unit) * unit;
    return rest;
}

void pmt_transpose(const float *x, long rows, long columns, long ldx, float *t, long ldt) {
    for (long i = 0; i < rows; i++)
        for (long p = 0; p < columns; p++) t[p * ldt + i] = x[i * ldx + p];
    for (long p = 0; p < columns; p++)
        for (long i = rows; i < ldt; i++) t[p * ldt + i] = 0;
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)

static inline __attribute__((always_inline)) void chain_block(
    const int NR, const int V, const float *xT, long ldt, const float *w, long ldw,
    float *y, long ldy, long rows, long k0, long k1) {
    __m512 acc[6][4];
    for (int c = 0; c < NR; c++)
        for (int v = 0; v < V; v++) acc[c][v] = _mm512_setzero_ps();
    for (long p = k0; p < k1; p++) {
        __m512 xv[4];
        for (int v = 0; v < V; v++) xv[v] = _mm512_loadu_ps(xT + p * ldt + 16 * v);
        for (int c = 0; c < NR; c++) {
            __m512 wb = _mm512_set1_ps(w[c * ldw + p]);
            for (int v = 0; v < V; v++) acc[c][v] = _mm512_fmadd_ps(xv[v], wb, acc[c][v]);
        }
    }
    for (int v = 0; v < V; v++) {
        float lanes[6][16];
        for (int c = 0; c < NR; c++) _mm512_storeu_ps(lanes[c], acc[c][v]);
        for (int l = 0; l < 16 && 16 * v + l < rows; l++)
            for (int c = 0; c < NR; c++) y[(16 * v + l) * ldy + c] += lanes[c][l];
    }
}

void pmt_sgemm_chain(const float *xT, long ldt, const float *w, long ldw, float *y, long ldy,
                     long m, long n0, long n1, long k, long q, long unit) {
    for (long i = 0; i < m; i++)
        for (long j = n0; j < n1; j++) y[i * ldy + j] = 0;
    for (long k0 = 0; k0 < k;) {
        long k1 = k0 + next_block(k - k0, q, unit);
        for (long i0 = 0; i0 < m; i0 += 64) {
            long rows = m - i0 < 64 ? m - i0 : 64;
            int V = (int)((rows + 15) / 16);
            for (long j = n0; j < n1; j += 6) {
                int nr = n1 - j < 6 ? (int)(n1 - j) : 6;
                const float *xs = xT + i0;
                const float *ws = w + j * ldw;
                float *ys = y + i0 * ldy + j;
                switch (V * 8 + nr) {
#define CHAIN(V_, N_) case V_ * 8 + N_: chain_block(N_, V_, xs, ldt, ws, ldw, ys, ldy, rows, k0, k1); break;
                CHAIN(4, 6) CHAIN(4, 5) CHAIN(4, 4) CHAIN(4, 3) CHAIN(4, 2) CHAIN(4, 1)
                CHAIN(3, 6) CHAIN(3, 5) CHAIN(3, 4) CHAIN(3, 3) CHAIN(3, 2) CHAIN(3, 1)
                CHAIN(2, 6) CHAIN(2, 5) CHAIN(2, 4) CHAIN(2, 3) CHAIN(2, 2) CHAIN(2, 1)
                CHAIN(1, 6) CHAIN(1, 5) CHAIN(1, 4) CHAIN(1, 3) CHAIN(1, 2) CHAIN(1, 1)
#undef CHAIN
                }
            }
        }
        k0 = k1;
    }
}

#pragma clang attribute pop
#endif
