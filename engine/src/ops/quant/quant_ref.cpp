// Scalar reference of the block formats: dequantisation, activation quantisation and vec_dot,
// transcribed from ggml/src/ggml-quants.c (dequantize_row_*, quantize_row_*_ref) and
// ggml-cpu/quants.c (ggml_vec_dot_*_generic). The test oracle for the AVX2 kernels.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "ops/quant/quant.h"
#include "ops/quant/quant_formats.h"

namespace farsight::quant {
namespace {

inline float h2f(uint16_t h) { return f16_to_f32(h); }

void deq_q8_0(const BlockQ8_0* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += kQK) {
        const float d = h2f(b[i].d);
        for (int j = 0; j < kQK; ++j) y[j] = b[i].qs[j] * d;
    }
}
void deq_q4_0(const BlockQ4_0* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += kQK) {
        const float d = h2f(b[i].d);
        for (int j = 0; j < kQK / 2; ++j) {
            y[j] = ((b[i].qs[j] & 0xF) - 8) * d;
            y[j + kQK / 2] = ((b[i].qs[j] >> 4) - 8) * d;
        }
    }
}
void deq_q4_1(const BlockQ4_1* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += kQK) {
        const float d = h2f(b[i].d), m = h2f(b[i].m);
        for (int j = 0; j < kQK / 2; ++j) {
            y[j] = (b[i].qs[j] & 0xF) * d + m;
            y[j + kQK / 2] = (b[i].qs[j] >> 4) * d + m;
        }
    }
}
void deq_q4_k(const BlockQ4K* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        const float d = h2f(b[i].d), mn = h2f(b[i].dmin);
        const uint8_t* q = b[i].qs;
        for (int j = 0, is = 0; j < kQKK; j += 64, is += 2, q += 32) {
            uint8_t sc, m;
            scale_min_k4(is, b[i].scales, &sc, &m);
            const float d1 = d * sc, m1 = mn * m;
            scale_min_k4(is + 1, b[i].scales, &sc, &m);
            const float d2 = d * sc, m2 = mn * m;
            for (int l = 0; l < 32; ++l) *y++ = d1 * (q[l] & 0xF) - m1;
            for (int l = 0; l < 32; ++l) *y++ = d2 * (q[l] >> 4) - m2;
        }
    }
}
void deq_q5_k(const BlockQ5K* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        const float d = h2f(b[i].d), mn = h2f(b[i].dmin);
        const uint8_t* ql = b[i].qs;
        const uint8_t* qh = b[i].qh;
        uint8_t u1 = 1, u2 = 2;
        for (int j = 0, is = 0; j < kQKK; j += 64, is += 2, ql += 32, u1 <<= 2, u2 <<= 2) {
            uint8_t sc, m;
            scale_min_k4(is, b[i].scales, &sc, &m);
            const float d1 = d * sc, m1 = mn * m;
            scale_min_k4(is + 1, b[i].scales, &sc, &m);
            const float d2 = d * sc, m2 = mn * m;
            for (int l = 0; l < 32; ++l) *y++ = d1 * ((ql[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
            for (int l = 0; l < 32; ++l) *y++ = d2 * ((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
        }
    }
}
void deq_q6_k(const BlockQ6K* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        const float d = h2f(b[i].d);
        const uint8_t* ql = b[i].ql;
        const uint8_t* qh = b[i].qh;
        const int8_t* sc = b[i].scales;
        for (int n = 0; n < kQKK; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; ++l) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * sc[is] * q1;
                y[l + 32] = d * sc[is + 2] * q2;
                y[l + 64] = d * sc[is + 4] * q3;
                y[l + 96] = d * sc[is + 6] * q4;
            }
        }
    }
}

// The 6-bit q value of element l of 128-chunk n in a q6_k block, already offset by −32.
inline int q6_value(const BlockQ6K& b, int idx) {
    const int n = idx / 128, r = idx % 128, part = r / 32, l = r % 32;
    const uint8_t* ql = b.ql + n * 64;
    const uint8_t* qh = b.qh + n * 32;
    const int lo = part & 1 ? ql[l + 32] : ql[l];
    const int nib = part < 2 ? (lo & 0xF) : (lo >> 4);
    return (nib | (((qh[l] >> (2 * part)) & 3) << 4)) - 32;
}

}  // namespace

namespace ref {

void dequantize(DType type, const void* src, float* dst, int64_t n) {
    switch (type) {
        case DType::q8_0: deq_q8_0(static_cast<const BlockQ8_0*>(src), dst, n / kQK); return;
        case DType::q4_0: deq_q4_0(static_cast<const BlockQ4_0*>(src), dst, n / kQK); return;
        case DType::q4_1: deq_q4_1(static_cast<const BlockQ4_1*>(src), dst, n / kQK); return;
        case DType::q4_k: deq_q4_k(static_cast<const BlockQ4K*>(src), dst, n / kQKK); return;
        case DType::q5_k: deq_q5_k(static_cast<const BlockQ5K*>(src), dst, n / kQKK); return;
        case DType::q6_k: deq_q6_k(static_cast<const BlockQ6K*>(src), dst, n / kQKK); return;
        default: convert_to_f32(type, src, dst, n); return;
    }
}

void quantize_q8_0(const float* x, void* dst, int64_t k) {
    auto* y = static_cast<BlockQ8_0*>(dst);
    for (int64_t i = 0; i < k / kQK; ++i, x += kQK) {
        float amax = 0;
        for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
        y[i].d = f32_to_f16(d);
        for (int j = 0; j < kQK; ++j) y[i].qs[j] = static_cast<int8_t>(std::roundf(x[j] * id));
    }
}

void quantize_q8_1(const float* x, void* dst, int64_t k) {
    auto* y = static_cast<BlockQ8_1*>(dst);
    for (int64_t i = 0; i < k / kQK; ++i, x += kQK) {
        float amax = 0;
        for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
        y[i].d = f32_to_f16(d);
        int sum = 0;
        for (int j = 0; j < kQK; ++j) {
            y[i].qs[j] = static_cast<int8_t>(std::roundf(x[j] * id));
            sum += y[i].qs[j];
        }
        y[i].s = f32_to_f16(static_cast<float>(sum) * d);
    }
}

void quantize_q8_k(const float* x, void* dst, int64_t k) {
    auto* y = static_cast<BlockQ8K*>(dst);
    for (int64_t i = 0; i < k / kQKK; ++i, x += kQKK) {
        float max = 0, amax = 0;
        for (int j = 0; j < kQKK; ++j) {
            const float ax = std::fabs(x[j]);
            if (ax > amax) {
                amax = ax;
                max = x[j];
            }
        }
        if (amax == 0) {
            y[i].d = 0;
            std::memset(y[i].qs, 0, sizeof y[i].qs);
            std::memset(y[i].bsums, 0, sizeof y[i].bsums);
            continue;
        }
        const float iscale = -127.0f / max;  // ggml maps the signed extreme to −127
        for (int j = 0; j < kQKK; ++j) {
            const int v = static_cast<int>(std::nearbyint(iscale * x[j]));
            y[i].qs[j] = static_cast<int8_t>(std::min(127, v));
        }
        for (int j = 0; j < kQKK / 16; ++j) {
            int sum = 0;
            for (int l = 0; l < 16; ++l) sum += y[i].qs[j * 16 + l];
            y[i].bsums[j] = static_cast<int16_t>(sum);
        }
        y[i].d = 1.0f / iscale;
    }
}

float vec_dot(DType weight, int64_t k, const void* w_row, const void* act_row) {
    float sum = 0;
    switch (weight) {
        case DType::q8_0: {
            const auto* w = static_cast<const BlockQ8_0*>(w_row);
            const auto* a = static_cast<const BlockQ8_0*>(act_row);
            for (int64_t i = 0; i < k / kQK; ++i) {
                int s = 0;
                for (int j = 0; j < kQK; ++j) s += w[i].qs[j] * a[i].qs[j];
                sum += static_cast<float>(s) * (h2f(w[i].d) * h2f(a[i].d));
            }
            return sum;
        }
        case DType::q4_0: {
            const auto* w = static_cast<const BlockQ4_0*>(w_row);
            const auto* a = static_cast<const BlockQ8_0*>(act_row);
            for (int64_t i = 0; i < k / kQK; ++i) {
                int s = 0;
                for (int j = 0; j < kQK / 2; ++j)
                    s += ((w[i].qs[j] & 0xF) - 8) * a[i].qs[j] + ((w[i].qs[j] >> 4) - 8) * a[i].qs[j + kQK / 2];
                sum += static_cast<float>(s) * (h2f(w[i].d) * h2f(a[i].d));
            }
            return sum;
        }
        case DType::q4_1: {
            const auto* w = static_cast<const BlockQ4_1*>(w_row);
            const auto* a = static_cast<const BlockQ8_1*>(act_row);
            for (int64_t i = 0; i < k / kQK; ++i) {
                int s = 0;
                for (int j = 0; j < kQK / 2; ++j) s += (w[i].qs[j] & 0xF) * a[i].qs[j] + (w[i].qs[j] >> 4) * a[i].qs[j + kQK / 2];
                sum += (h2f(w[i].d) * h2f(a[i].d)) * static_cast<float>(s) + h2f(w[i].m) * h2f(a[i].s);
            }
            return sum;
        }
        case DType::q4_k:
        case DType::q5_k: {
            const auto* a = static_cast<const BlockQ8K*>(act_row);
            for (int64_t i = 0; i < k / kQKK; ++i) {
                float d, dmin;
                const uint8_t* scales;
                float xq[kQKK];  // unsigned quant values (before scale and min)
                if (weight == DType::q4_k) {
                    const auto& b = static_cast<const BlockQ4K*>(w_row)[i];
                    d = h2f(b.d), dmin = h2f(b.dmin), scales = b.scales;
                    for (int j = 0; j < 4; ++j)
                        for (int l = 0; l < 32; ++l) {
                            xq[j * 64 + l] = b.qs[j * 32 + l] & 0xF;
                            xq[j * 64 + 32 + l] = b.qs[j * 32 + l] >> 4;
                        }
                } else {
                    const auto& b = static_cast<const BlockQ5K*>(w_row)[i];
                    d = h2f(b.d), dmin = h2f(b.dmin), scales = b.scales;
                    for (int j = 0; j < 4; ++j)
                        for (int l = 0; l < 32; ++l) {
                            xq[j * 64 + l] = (b.qs[j * 32 + l] & 0xF) + ((b.qh[l] >> (2 * j)) & 1) * 16;
                            xq[j * 64 + 32 + l] = (b.qs[j * 32 + l] >> 4) + ((b.qh[l] >> (2 * j + 1)) & 1) * 16;
                        }
                }
                int sumi = 0, summ = 0;
                for (int j = 0; j < 8; ++j) {
                    uint8_t sc, m;
                    scale_min_k4(j, scales, &sc, &m);
                    int s = 0;
                    for (int l = 0; l < 32; ++l) s += static_cast<int>(xq[j * 32 + l]) * a[i].qs[j * 32 + l];
                    sumi += sc * s;
                    summ += m * (a[i].bsums[2 * j] + a[i].bsums[2 * j + 1]);
                }
                sum += a[i].d * (d * static_cast<float>(sumi) - dmin * static_cast<float>(summ));
            }
            return sum;
        }
        case DType::q6_k: {
            const auto* w = static_cast<const BlockQ6K*>(w_row);
            const auto* a = static_cast<const BlockQ8K*>(act_row);
            for (int64_t i = 0; i < k / kQKK; ++i) {
                int sumi = 0;
                for (int g = 0; g < 16; ++g) {
                    int s = 0;
                    for (int l = 0; l < 16; ++l) s += q6_value(w[i], g * 16 + l) * a[i].qs[g * 16 + l];
                    // Sub-block g covers elements 16g … 16g+15; its scale index follows ggml's layout.
                    const int n = g / 8, r = (g % 8) * 16, part = r / 32, half = (r % 32) / 16;
                    sumi += w[i].scales[n * 8 + part * 2 + half] * s;
                }
                sum += h2f(w[i].d) * a[i].d * static_cast<float>(sumi);
            }
            return sum;
        }
        default: return 0;
    }
}

}  // namespace ref
}  // namespace farsight::quant
