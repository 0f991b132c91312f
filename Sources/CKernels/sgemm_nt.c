// y = x · wᵀ for linear layers, reading w in its stored [out × in] layout: each output is
// a dot product of two contiguous rows, so the weights are never repacked (OpenBLAS packs
// the whole weight matrix on every call, which at decoding sizes costs a third of the
// product). Blocks of MR rows × NR weight rows keep MR·NR 8-lane accumulators in
// registers; k is cut into KC-long slices so the MR x rows stay in L1 while NB weight
// rows at a time stream through L2.
#include "CKernels.h"
#include <immintrin.h>

enum { KC = 512, NB = 48 };

static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline __attribute__((always_inline)) void block(
    const int MR, const int NR, const float *x, long ldx, const float *w, long ldw,
    float *y, long ldy, long k, int accumulate) {
    __m256 acc[4][6];
    for (int r = 0; r < MR; r++)
        for (int c = 0; c < NR; c++) acc[r][c] = _mm256_setzero_ps();
    long body = k & ~7L;
    for (long p = 0; p < body; p += 8) {
        __m256 wv[6];
        for (int c = 0; c < NR; c++) wv[c] = _mm256_loadu_ps(w + c * ldw + p);
        for (int r = 0; r < MR; r++) {
            __m256 xv = _mm256_loadu_ps(x + r * ldx + p);
            for (int c = 0; c < NR; c++) acc[r][c] = _mm256_fmadd_ps(xv, wv[c], acc[r][c]);
        }
    }
    for (int r = 0; r < MR; r++)
        for (int c = 0; c < NR; c++) {
            float s = hsum(acc[r][c]);
            for (long p = body; p < k; p++) s += x[r * ldx + p] * w[c * ldw + p];
            y[r * ldy + c] = accumulate ? y[r * ldy + c] + s : s;
        }
}

#define BLOCK(MR, NR) block(MR, NR, xs, ldx, ws, ldw, ys, ldy, kc, acc)

static void dispatch(int mr, int nr, const float *xs, long ldx, const float *ws, long ldw,
                     float *ys, long ldy, long kc, int acc) {
    switch (mr * 8 + nr) {
    case 4 * 8 + 3: BLOCK(4, 3); break;
    case 4 * 8 + 2: BLOCK(4, 2); break;
    case 4 * 8 + 1: BLOCK(4, 1); break;
    case 3 * 8 + 3: BLOCK(3, 3); break;
    case 3 * 8 + 2: BLOCK(3, 2); break;
    case 3 * 8 + 1: BLOCK(3, 1); break;
    case 2 * 8 + 3: BLOCK(2, 3); break;
    case 2 * 8 + 2: BLOCK(2, 2); break;
    case 2 * 8 + 1: BLOCK(2, 1); break;
    case 1 * 8 + 3: BLOCK(1, 3); break;
    case 1 * 8 + 2: BLOCK(1, 2); break;
    case 1 * 8 + 1: BLOCK(1, 1); break;
    case 1 * 8 + 6: BLOCK(1, 6); break;
    case 1 * 8 + 5: BLOCK(1, 5); break;
    case 1 * 8 + 4: BLOCK(1, 4); break;
    }
}

void pmt_sgemm_nt(const float *x, long ldx, const float *w, long ldw, float *y, long ldy,
                  long m, long n0, long n1, long k, int accumulate) {
    if (m <= 0 || n1 <= n0) return;
    if (k <= 0) {
        if (!accumulate)
            for (long i = 0; i < m; i++)
                for (long j = n0; j < n1; j++) y[i * ldy + j] = 0;
        return;
    }
    // One row: a gemv, bound by reading w; six weight rows per pass.
    const int nrMax = m == 1 ? 6 : 3;
    for (long kb = 0; kb < k; kb += KC) {
        long kc = k - kb < KC ? k - kb : KC;
        int acc = accumulate || kb > 0;
        for (long nb = n0; nb < n1; nb += NB) {
            long nbEnd = nb + NB < n1 ? nb + NB : n1;
            for (long i = 0; i < m; i += 4) {
                int mr = m - i < 4 ? (int)(m - i) : 4;
                for (long j = nb; j < nbEnd; j += nrMax) {
                    int nr = nbEnd - j < nrMax ? (int)(nbEnd - j) : nrMax;
                    dispatch(mr, nr, x + i * ldx + kb, ldx, w + j * ldw + kb, ldw, y + i * ldy + j, ldy, kc, acc);
                }
            }
        }
    }
}
