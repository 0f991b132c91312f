// Symmetric int8 products: rows quantized with scale 127 / max|row| (CTranslate2's
// scheme), int32 sums, fp32 out. Both paths compute the exact int32 sums, so they give the
// same floats:
// - AVX2 has no signed×signed byte product, so each product is |x| · (w with x's sign)
//   through vpmaddubsw (unsigned × signed bytes): with both magnitudes at most 127 a pair
//   sums to at most 32,258, below int16 saturation.
// - AVX-512 VNNI (vpdpbusd: four unsigned × signed byte products into int32, no
//   saturation) takes x + 128 as unsigned and subtracts 128 · Σw, precomputed per row.
#include "CKernels.h"
#include <immintrin.h>
#include <math.h>

void pmt_quantize_rows(const float *x, long m, long k, int8_t *q, long ldq, float *scale) {
    for (long r = 0; r < m; r++) {
        const float *row = x + r * k;
        int8_t *out = q + r * ldq;
        float amax = 0;
        for (long i = 0; i < k; i++) { float a = fabsf(row[i]); amax = a > amax ? a : amax; }
        float s = amax > 0 ? 127.0f / amax : 1.0f;
        scale[r] = s;
        long i = 0;
        __m256 sv = _mm256_set1_ps(s);
        for (; i + 8 <= k; i += 8) {
            __m256i v = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + i), sv));   // round to nearest even
            __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);
            __m128i w16 = _mm_packs_epi32(lo, hi);
            __m128i w8 = _mm_packs_epi16(w16, w16);
            _mm_storel_epi64((__m128i *)(out + i), w8);
        }
        for (; i < k; i++) out[i] = (int8_t)nearbyintf(row[i] * s);
        for (; i < ldq; i++) out[i] = 0;
    }
}

static inline int32_t hsum32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

static inline __attribute__((always_inline)) void block(
    const int MR, const int NR, const int8_t *qx, const float *sx, const int8_t *qw, const float *sw,
    long ldq, float *y, long ldy) {
    __m256i acc[2][4];
    const __m256i ones = _mm256_set1_epi16(1);
    for (int r = 0; r < MR; r++)
        for (int c = 0; c < NR; c++) acc[r][c] = _mm256_setzero_si256();
    for (long p = 0; p < ldq; p += 32) {
        __m256i wv[4];
        for (int c = 0; c < NR; c++) wv[c] = _mm256_loadu_si256((const __m256i *)(qw + c * ldq + p));
        for (int r = 0; r < MR; r++) {
            __m256i xv = _mm256_loadu_si256((const __m256i *)(qx + r * ldq + p));
            __m256i ax = _mm256_abs_epi8(xv);
            for (int c = 0; c < NR; c++) {
                __m256i pairs = _mm256_maddubs_epi16(ax, _mm256_sign_epi8(wv[c], xv));
                acc[r][c] = _mm256_add_epi32(acc[r][c], _mm256_madd_epi16(pairs, ones));
            }
        }
    }
    for (int r = 0; r < MR; r++)
        for (int c = 0; c < NR; c++) y[r * ldy + c] = (float)hsum32(acc[r][c]) / (sx[r] * sw[c]);
}

#define IBLOCK(MR, NR) block(MR, NR, qx + i * ldq, sx + i, qw + j * ldq, sw + j, ldq, y + i * ldy + j, ldy)

static void igemm_avx2(const int8_t *qx, const float *sx, const int8_t *qw, const float *sw, long ldq,
                       float *y, long ldy, long m, long n0, long n1) {
    enum { NB = 64 };
    for (long nb = n0; nb < n1; nb += NB) {
        long nbEnd = nb + NB < n1 ? nb + NB : n1;
        for (long i = 0; i < m; i += 2) {
            int mr = m - i < 2 ? 1 : 2;
            for (long j = nb; j < nbEnd; j += 4) {
                int nr = nbEnd - j < 4 ? (int)(nbEnd - j) : 4;
                switch (mr * 8 + nr) {
                case 2 * 8 + 4: IBLOCK(2, 4); break;
                case 2 * 8 + 3: IBLOCK(2, 3); break;
                case 2 * 8 + 2: IBLOCK(2, 2); break;
                case 2 * 8 + 1: IBLOCK(2, 1); break;
                case 1 * 8 + 4: IBLOCK(1, 4); break;
                case 1 * 8 + 3: IBLOCK(1, 3); break;
                case 1 * 8 + 2: IBLOCK(1, 2); break;
                case 1 * 8 + 1: IBLOCK(1, 1); break;
                }
            }
        }
    }
}

void pmt_row_sums(const int8_t *q, long rows, long ldq, int32_t *sums) {
    for (long r = 0; r < rows; r++) {
        int32_t s = 0;
        for (long i = 0; i < ldq; i++) s += q[r * ldq + i];
        sums[r] = s;
    }
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vnni"))), apply_to = function)

static inline __attribute__((always_inline)) void vnni_block(
    const int MR, const int NR, const int8_t *qx, const float *sx, const int8_t *qw, const float *sw,
    const int32_t *wsum, long ldq, float *y, long ldy) {
    __m512i acc[4][4];
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    for (int r = 0; r < MR; r++)
        for (int c = 0; c < NR; c++) acc[r][c] = _mm512_setzero_si512();
    for (long p = 0; p < ldq; p += 64) {
        // ldq is a multiple of 32: the last step may hold 32 bytes, the rest read as zeros
        // (x + 128 there meets w = 0).
        __mmask64 live = ldq - p >= 64 ? ~0ULL : 0xFFFFFFFFULL;
        __m512i wv[4];
        for (int c = 0; c < NR; c++) wv[c] = _mm512_maskz_loadu_epi8(live, qw + c * ldq + p);
        for (int r = 0; r < MR; r++) {
            __m512i xv = _mm512_xor_si512(_mm512_maskz_loadu_epi8(live, qx + r * ldq + p), flip);
            for (int c = 0; c < NR; c++) acc[r][c] = _mm512_dpbusd_epi32(acc[r][c], xv, wv[c]);
        }
    }
    // Four accumulators reduced together: pairs interleaved, then quads, then the four
    // 128-bit lanes added, giving [Σ0, Σ1, Σ2, Σ3] in one vector (unused ones are zero).
    int32_t wsums[4] = {0, 0, 0, 0};
    float wscales[4] = {1, 1, 1, 1};
    for (int c = 0; c < NR; c++) { wsums[c] = wsum[c]; wscales[c] = sw[c]; }
    const __m128i correction = _mm_slli_epi32(_mm_loadu_si128((const __m128i *)wsums), 7);
    const __m128 scales = _mm_loadu_ps(wscales);
    for (int r = 0; r < MR; r++) {
        for (int c = NR; c < 4; c++) acc[r][c] = _mm512_setzero_si512();
        __m512i a01 = _mm512_add_epi32(_mm512_unpacklo_epi32(acc[r][0], acc[r][1]), _mm512_unpackhi_epi32(acc[r][0], acc[r][1]));
        __m512i a23 = _mm512_add_epi32(_mm512_unpacklo_epi32(acc[r][2], acc[r][3]), _mm512_unpackhi_epi32(acc[r][2], acc[r][3]));
        __m512i quad = _mm512_add_epi32(_mm512_unpacklo_epi64(a01, a23), _mm512_unpackhi_epi64(a01, a23));
        __m256i half = _mm256_add_epi32(_mm512_castsi512_si256(quad), _mm512_extracti64x4_epi64(quad, 1));
        __m128i sums = _mm_add_epi32(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
        __m128 out = _mm_div_ps(_mm_cvtepi32_ps(_mm_sub_epi32(sums, correction)), _mm_mul_ps(_mm_set1_ps(sx[r]), scales));
        float lanes[4];
        _mm_storeu_ps(lanes, out);
        for (int c = 0; c < NR; c++) y[r * ldy + c] = lanes[c];
    }
}

#define VBLOCK(MR, NR) vnni_block(MR, NR, qx + i * ldq, sx + i, qw + j * ldq, sw + j, wsum + j, ldq, y + i * ldy + j, ldy)

static void igemm_vnni(const int8_t *qx, const float *sx, const int8_t *qw, const float *sw, const int32_t *wsum,
                       long ldq, float *y, long ldy, long m, long n0, long n1) {
    enum { NB = 64 };
    for (long nb = n0; nb < n1; nb += NB) {
        long nbEnd = nb + NB < n1 ? nb + NB : n1;
        for (long i = 0; i < m; i += 4) {
            int mr = m - i < 4 ? (int)(m - i) : 4;
            for (long j = nb; j < nbEnd; j += 4) {
                int nr = nbEnd - j < 4 ? (int)(nbEnd - j) : 4;
                switch (mr * 8 + nr) {
                case 4 * 8 + 4: VBLOCK(4, 4); break;
                case 4 * 8 + 3: VBLOCK(4, 3); break;
                case 4 * 8 + 2: VBLOCK(4, 2); break;
                case 4 * 8 + 1: VBLOCK(4, 1); break;
                case 3 * 8 + 4: VBLOCK(3, 4); break;
                case 3 * 8 + 3: VBLOCK(3, 3); break;
                case 3 * 8 + 2: VBLOCK(3, 2); break;
                case 3 * 8 + 1: VBLOCK(3, 1); break;
                case 2 * 8 + 4: VBLOCK(2, 4); break;
                case 2 * 8 + 3: VBLOCK(2, 3); break;
                case 2 * 8 + 2: VBLOCK(2, 2); break;
                case 2 * 8 + 1: VBLOCK(2, 1); break;
                case 1 * 8 + 4: VBLOCK(1, 4); break;
                case 1 * 8 + 3: VBLOCK(1, 3); break;
                case 1 * 8 + 2: VBLOCK(1, 2); break;
                case 1 * 8 + 1: VBLOCK(1, 1); break;
                }
            }
        }
    }
}

#pragma clang attribute pop
#endif

void pmt_igemm_nt(const int8_t *qx, const float *sx, const int8_t *qw, const float *sw, const int32_t *wsum,
                  long ldq, float *y, long ldy, long m, long n0, long n1, int vnni) {
#if defined(__x86_64__)
    if (vnni && wsum) {
        igemm_vnni(qx, sx, qw, sw, wsum, ldq, y, ldy, m, n0, n1);
        return;
    }
#endif
    igemm_avx2(qx, sx, qw, sw, ldq, y, ldy, m, n0, n1);
}
