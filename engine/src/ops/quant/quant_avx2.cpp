// AVX2 vec_dot kernels for the quantized weight types, after ggml-cpu/arch/x86/quants.c: unpack the
// weight's nibbles/bits to bytes, multiply with the int8 activations via maddubs (u8 × s8 → i16
// pairs) and accumulate in f32 per block. Checked against quant_ref.cpp in tests/engine/ops.
#include <immintrin.h>

#include <cstring>

#include "ops/quant/quant.h"
#include "ops/quant/quant_formats.h"

namespace farsight::quant::avx2 {
namespace {

inline float h2f(uint16_t h) { return _cvtsh_ss(h); }  // inline F16C: a call here spills the ymm accumulators

inline float hsum(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}
inline int hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}
// u8 × s8 products summed to 8 i32 lanes.
// With VNNI (a -march=native build on a CPU that has it) one dpbusd does both steps; the weight
// ranges here never saturate maddubs' i16 pairs, so both forms give the same integers.
inline __m256i dot_us8(__m256i u, __m256i s) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#elif defined(__AVXVNNI__)
    return _mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), u, s);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}
// s8 × s8 via the sign trick (maddubs needs one unsigned side).
inline __m256i dot_ss8(__m256i x, __m256i y) { return dot_us8(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x)); }
// 32 nibbles of 16 bytes: low nibbles in the low lane, high nibbles in the high lane (q4 layout).
inline __m256i nibbles32(const uint8_t* p) {
    const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m256i b = _mm256_insertf128_si256(_mm256_castsi128_si256(t), _mm_srli_epi16(t, 4), 1);
    return _mm256_and_si256(b, _mm256_set1_epi8(0x0F));
}
inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

float dot_q8_0(int64_t nb, const BlockQ8_0* w, const BlockQ8_0* a) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m256 d = _mm256_set1_ps(h2f(w[i].d) * h2f(a[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_ss8(load256(w[i].qs), load256(a[i].qs))), acc);
    }
    return hsum(acc);
}

float dot_q4_0(int64_t nb, const BlockQ4_0* w, const BlockQ8_0* a) {
    __m256 acc = _mm256_setzero_ps();
    const __m256i off = _mm256_set1_epi8(8);
    for (int64_t i = 0; i < nb; ++i) {
        const __m256 d = _mm256_set1_ps(h2f(w[i].d) * h2f(a[i].d));
        const __m256i q = _mm256_sub_epi8(nibbles32(w[i].qs), off);
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_ss8(q, load256(a[i].qs))), acc);
    }
    return hsum(acc);
}

float dot_q4_1(int64_t nb, const BlockQ4_1* w, const BlockQ8_1* a) {
    __m256 acc = _mm256_setzero_ps();
    float summs = 0;
    for (int64_t i = 0; i < nb; ++i) {
        summs += h2f(w[i].m) * h2f(a[i].s);
        const __m256 d = _mm256_set1_ps(h2f(w[i].d) * h2f(a[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_us8(nibbles32(w[i].qs), load256(a[i].qs))), acc);
    }
    return hsum(acc) + summs;
}

// Unpacked 6-bit scales and mins of a q4_k/q5_k block.
inline void kscales(const uint8_t* packed, uint8_t sc[8], uint8_t mn[8]) {
    for (int j = 0; j < 8; ++j) scale_min_k4(j, packed, &sc[j], &mn[j]);
}

// q4_k / q5_k: 4 chunks of 64 (two sub-blocks of 32, low then high nibbles).
template <bool Q5>
float dot_q45_k(int64_t nb, const void* wv, const BlockQ8K* a) {
    float sum = 0;
    const __m256i m4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    for (int64_t i = 0; i < nb; ++i) {
        const uint8_t *qs, *scales, *qh = nullptr;
        float d, dmin;
        if constexpr (Q5) {
            const auto& b = static_cast<const BlockQ5K*>(wv)[i];
            qs = b.qs, scales = b.scales, qh = b.qh, d = h2f(b.d), dmin = h2f(b.dmin);
        } else {
            const auto& b = static_cast<const BlockQ4K*>(wv)[i];
            qs = b.qs, scales = b.scales, d = h2f(b.d), dmin = h2f(b.dmin);
        }
        uint8_t sc[8], mn[8];
        kscales(scales, sc, mn);
        int summ = 0;
        for (int j = 0; j < 8; ++j) summ += mn[j] * (a[i].bsums[2 * j] + a[i].bsums[2 * j + 1]);
        __m256i hbits = Q5 ? load256(qh) : _mm256_setzero_si256();
        __m256i acc = _mm256_setzero_si256();
        for (int j = 0; j < 4; ++j) {
            const __m256i q = load256(qs + 32 * j);
            __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
            if constexpr (Q5) {
                lo = _mm256_add_epi8(lo, _mm256_slli_epi16(_mm256_and_si256(hbits, one), 4));
                hi = _mm256_add_epi8(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 1), one), 4));
                hbits = _mm256_srli_epi16(hbits, 2);
            }
            const __m256i plo = dot_us8(lo, load256(a[i].qs + 64 * j));
            const __m256i phi = dot_us8(hi, load256(a[i].qs + 64 * j + 32));
            acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(plo, _mm256_set1_epi32(sc[2 * j])));
            acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(phi, _mm256_set1_epi32(sc[2 * j + 1])));
        }
        sum += a[i].d * (d * static_cast<float>(hsum_i32(acc)) - dmin * static_cast<float>(summ));
    }
    return sum;
}

float dot_q6_k(int64_t nb, const BlockQ6K* w, const BlockQ8K* a) {
    float sum = 0;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(3);
    for (int64_t i = 0; i < nb; ++i) {
        const BlockQ6K& b = w[i];
        // Σ (q − 32)·a = Σ q·a − 32·Σ a, with Σ a per 16 from bsums.
        int sum_off = 0;
        for (int g = 0; g < 16; ++g) sum_off += b.scales[g] * a[i].bsums[g];
        __m256i acc = _mm256_setzero_si256();
        for (int n = 0; n < 2; ++n) {
            const __m256i ql0 = load256(b.ql + 64 * n), ql1 = load256(b.ql + 64 * n + 32);
            const __m256i qh = load256(b.qh + 32 * n);
            const __m256i q[4] = {
                _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m3), 4)),
                _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m3), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m3), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m3), 4)),
            };
            for (int part = 0; part < 4; ++part) {
                const __m256i p = dot_us8(q[part], load256(a[i].qs + 128 * n + 32 * part));  // 8 lanes: 4 per 16
                const int s0 = b.scales[8 * n + 2 * part], s1 = b.scales[8 * n + 2 * part + 1];
                const __m256i s = _mm256_setr_epi32(s0, s0, s0, s0, s1, s1, s1, s1);
                acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(p, s));
            }
        }
        sum += h2f(b.d) * a[i].d * static_cast<float>(hsum_i32(acc) - 32 * sum_off);
    }
    return sum;
}

// Four activation rows against one weight row: the weight block is unpacked once and reused; each
// row's arithmetic (and so its result) is exactly that of the one-row kernels above.
template <class WBlock, class ABlock, int Kind>  // Kind: 0 q8_0, 1 q4_0, 2 q4_1
void dot4_32(int64_t nb, const WBlock* w, const void* const act[4], float out[4]) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    float summs[4] = {0, 0, 0, 0};
    const ABlock* a[4];
    for (int r = 0; r < 4; ++r) a[r] = static_cast<const ABlock*>(act[r]);
    for (int64_t i = 0; i < nb; ++i) {
        const float dw = h2f(w[i].d);
        __m256i q;
        if constexpr (Kind == 0) q = load256(w[i].qs);
        else if constexpr (Kind == 1) q = _mm256_sub_epi8(nibbles32(w[i].qs), _mm256_set1_epi8(8));
        else q = nibbles32(w[i].qs);
        for (int r = 0; r < 4; ++r) {
            const __m256 d = _mm256_set1_ps(dw * h2f(a[r][i].d));
            __m256i p;
            if constexpr (Kind == 2) p = dot_us8(q, load256(a[r][i].qs));
            else p = dot_ss8(q, load256(a[r][i].qs));
            acc[r] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc[r]);
            if constexpr (Kind == 2) summs[r] += h2f(w[i].m) * h2f(reinterpret_cast<const BlockQ8_1&>(a[r][i]).s);
        }
    }
    for (int r = 0; r < 4; ++r) out[r] = hsum(acc[r]) + summs[r];
}

}  // namespace

bool vec_dot(DType weight, int64_t k, const void* w, const void* act, float* out) {
    switch (weight) {
        case DType::q8_0: *out = dot_q8_0(k / kQK, static_cast<const BlockQ8_0*>(w), static_cast<const BlockQ8_0*>(act)); return true;
        case DType::q4_0: *out = dot_q4_0(k / kQK, static_cast<const BlockQ4_0*>(w), static_cast<const BlockQ8_0*>(act)); return true;
        case DType::q4_1: *out = dot_q4_1(k / kQK, static_cast<const BlockQ4_1*>(w), static_cast<const BlockQ8_1*>(act)); return true;
        case DType::q4_k: *out = dot_q45_k<false>(k / kQKK, w, static_cast<const BlockQ8K*>(act)); return true;
        case DType::q5_k: *out = dot_q45_k<true>(k / kQKK, w, static_cast<const BlockQ8K*>(act)); return true;
        case DType::q6_k: *out = dot_q6_k(k / kQKK, static_cast<const BlockQ6K*>(w), static_cast<const BlockQ8K*>(act)); return true;
        default: return false;
    }
}

bool vec_dot4(DType weight, int64_t k, const void* w, const void* const act[4], float out[4]) {
    switch (weight) {
        case DType::q8_0: dot4_32<BlockQ8_0, BlockQ8_0, 0>(k / kQK, static_cast<const BlockQ8_0*>(w), act, out); return true;
        case DType::q4_0: dot4_32<BlockQ4_0, BlockQ8_0, 1>(k / kQK, static_cast<const BlockQ4_0*>(w), act, out); return true;
        case DType::q4_1: dot4_32<BlockQ4_1, BlockQ8_1, 2>(k / kQK, static_cast<const BlockQ4_1*>(w), act, out); return true;
        default: return false;
    }
}

}  // namespace farsight::quant::avx2
