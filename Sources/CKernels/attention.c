// One query row's multi-head attention over a list of key/value rows, all heads in one
// pass over each row: decoding attends one new position to a few dozen rows, where a
// BLAS call per head and hypothesis costs more than the arithmetic.
#include "CKernels.h"
#include <immintrin.h>
#include <math.h>

static inline float dot(const float *a, const float *b, long n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    __m256 v = _mm256_add_ps(s0, s1);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    float r = _mm_cvtss_f32(s);
    for (; i < n; i++) r += a[i] * b[i];
    return r;
}

static inline void axpy(float a, const float *x, float *y, long n) {
    __m256 av = _mm256_set1_ps(a);
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * x[i];
}

void pmt_attend(const float *q, const float *keys, const float *values, const int64_t *offsets, long stride,
                long length, long heads, long dh, float scale, float *scratch, float *out) {
    for (long i = 0; i < heads * dh; i++) out[i] = 0;
    if (length <= 0) return;
    for (long t = 0; t < length; t++) {
        const float *k = keys + (offsets ? offsets[t] : t * stride);
        for (long h = 0; h < heads; h++) scratch[h * length + t] = scale * dot(q + h * dh, k + h * dh, dh);
    }
    for (long h = 0; h < heads; h++) {
        float *s = scratch + h * length;
        float m = s[0];
        for (long t = 1; t < length; t++) m = s[t] > m ? s[t] : m;
        float sum = 0;
        for (long t = 0; t < length; t++) { s[t] = expf(s[t] - m); sum += s[t]; }
        float inverse = 1 / sum;
        for (long t = 0; t < length; t++) s[t] *= inverse;
    }
    for (long t = 0; t < length; t++) {
        const float *v = values + (offsets ? offsets[t] : t * stride);
        for (long h = 0; h < heads; h++) axpy(scratch[h * length + t], v + h * dh, out + h * dh, dh);
    }
}
