// Quantized weights in the matrix kernels: dequantisation against the `gguf` package's reference
// (tests/fixtures/llama/quant, scripts/parity/make_quant_fixture.py), q8_0 activation bytes against
// the same package, vec_dot (scalar reference and AVX2) against float64 dots of the dequantised
// blocks, and matmul/embedding with quantized weights on both strategies (GEMV and panels + BLAS).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "io/gguf.h"
#include "io/safetensors.h"
#include "ops/embedding.h"
#include "ops/matmul.h"
#include "ops/quant/quant.h"

using namespace farsight;

namespace {

const std::string kDir = std::string(FARSIGHT_TEST_DATA) + "/fixtures/llama/quant/";

struct Fixture {
    GgufFile gguf;
    SafetensorsFile ref;
    std::vector<float> f32(const std::string& name) const {
        const TensorInfo* t = ref.find(name);
        EXPECT_NE(t, nullptr) << name;
        if (!t) return {};
        std::vector<float> v(static_cast<size_t>(t->numel()));
        std::memcpy(v.data(), ref.data(*t), t->n_bytes);
        return v;
    }
};

const Fixture& fixture() {
    static Fixture f = [] {
        auto g = GgufFile::open(kDir + "quant.gguf");
        auto r = SafetensorsFile::open(kDir + "ref.safetensors");
        EXPECT_TRUE(g.ok() && r.ok());
        return Fixture{std::move(g).value(), std::move(r).value()};
    }();
    return f;
}

const char* kTypes[] = {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q4_k", "q5_k", "q6_k"};
const char* kQuantTypes[] = {"q8_0", "q4_0", "q4_1", "q4_k", "q5_k", "q6_k"};

double dot64(const float* a, const float* b, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}
double abs_dot64(const float* a, const float* b, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += std::fabs(static_cast<double>(a[i]) * b[i]);
    return s;
}

// The activation row as the integer kernels see it: quantized, then dequantised.
std::vector<float> act_roundtrip(DType w, const float* x, int64_t k, std::vector<uint8_t>* bytes) {
    bytes->assign(quant::activation_row_bytes(w, k), 0);
    quant::quantize_activations(w, x, bytes->data(), k);
    std::vector<float> out(static_cast<size_t>(k));
    const quant::ActType at = quant::activation_type(w);
    const uint8_t* p = bytes->data();
    if (at == quant::ActType::q8_k) {
        for (int64_t b = 0; b < k / 256; ++b, p += 292) {
            float d;
            std::memcpy(&d, p, 4);
            for (int j = 0; j < 256; ++j) out[static_cast<size_t>(b * 256 + j)] = d * static_cast<int8_t>(p[4 + j]);
        }
    } else {
        const int stride = at == quant::ActType::q8_1 ? 36 : 34, qoff = at == quant::ActType::q8_1 ? 4 : 2;
        for (int64_t b = 0; b < k / 32; ++b, p += stride) {
            uint16_t h;
            std::memcpy(&h, p, 2);
            for (int j = 0; j < 32; ++j) out[static_cast<size_t>(b * 32 + j)] = f16_to_f32(h) * static_cast<int8_t>(p[qoff + j]);
        }
    }
    return out;
}

}  // namespace

TEST(Quant, DequantiseMatchesTheGgufPackage) {
    const Fixture& f = fixture();
    for (const char* type : kTypes) {
        const std::string name = std::string("w.") + type;
        const GgufTensorInfo* t = f.gguf.find(name);
        ASSERT_NE(t, nullptr) << name;
        const std::vector<float> want = f.f32(name);
        std::vector<float> got(want.size());
        quant::dequantize(t->dtype, f.gguf.data(*t), got.data(), static_cast<int64_t>(got.size()));
        for (size_t i = 0; i < want.size(); ++i)
            ASSERT_NEAR(got[i], want[i], 1e-6 * std::max(1.0f, std::fabs(want[i]))) << name << " element " << i;
        // Row-wise decode through the matmul helper gives the same values.
        TensorView w = f.gguf.view(*t);
        std::vector<float> rows(2 * 512);
        decode_rows_f32(w, 2, 2, rows.data());
        for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(rows[i], got[2 * 512 + i]) << name;
    }
}

TEST(Quant, Q8_0ActivationBytesMatchTheGgufPackage) {
    const Fixture& f = fixture();
    const std::vector<float> x = f.f32("x");
    const TensorInfo* want = f.ref.find("x.q8_0");
    ASSERT_NE(want, nullptr);
    std::vector<uint8_t> got(quant::activation_row_bytes(DType::q8_0, 512) * 2);
    quant::ref::quantize_q8_0(x.data(), got.data(), 512);
    quant::ref::quantize_q8_0(x.data() + 512, got.data() + got.size() / 2, 512);
    ASSERT_EQ(got.size(), want->n_bytes);
    EXPECT_EQ(std::memcmp(got.data(), f.ref.data(*want), got.size()), 0);
}

TEST(Quant, VecDotReferenceAndAvx2MatchFloat64) {
    const Fixture& f = fixture();
    const std::vector<float> x = f.f32("x");
    for (const char* type : kQuantTypes) {
        const std::string name = std::string("w.") + type;
        const GgufTensorInfo* t = f.gguf.find(name);
        const std::vector<float> wd = f.f32(name);
        for (int xr = 0; xr < 2; ++xr) {
            std::vector<uint8_t> act;
            const std::vector<float> xq = act_roundtrip(t->dtype, x.data() + xr * 512, 512, &act);
            for (int r = 0; r < 4; ++r) {
                const uint8_t* wrow = f.gguf.data(*t) + r * (t->n_bytes / 4);
                const double want = dot64(wd.data() + r * 512, xq.data(), 512);
                const double scale = abs_dot64(wd.data() + r * 512, xq.data(), 512) + 1e-6;
                const float ref = quant::ref::vec_dot(t->dtype, 512, wrow, act.data());
                float fast = 0;
                ASSERT_TRUE(quant::avx2::vec_dot(t->dtype, 512, wrow, act.data(), &fast));
                // q8_1 keeps Σq·d as f16: allow that rounding for q4_1.
                const double tol = (t->dtype == DType::q4_1 ? 2e-3 : 1e-5) * scale;
                EXPECT_NEAR(ref, want, tol) << name << " row " << r << " x " << xr;
                EXPECT_NEAR(fast, ref, 1e-5 * scale) << name << " row " << r << " x " << xr;
            }
        }
    }
}

TEST(Quant, RandomBlocksAvx2MatchesReference) {
    // Random bytes (finite scales) exercise every bit pattern of the packed formats.
    std::mt19937 rng(7);
    for (DType t : {DType::q8_0, DType::q4_0, DType::q4_1, DType::q4_k, DType::q5_k, DType::q6_k}) {
        const int64_t k = 1024;
        uint64_t nbytes = 0;
        ASSERT_TRUE(dtype_bytes(t, k, &nbytes));
        std::vector<uint8_t> w(nbytes);
        for (auto& b : w) b = static_cast<uint8_t>(rng());
        const uint32_t be = dtype_info(t).block_elems, bb = dtype_info(t).block_bytes;
        for (uint64_t b = 0; b < nbytes / bb; ++b) {
            const uint16_t d = f32_to_f16(0.01f + 0.001f * static_cast<float>(b % 7));
            const size_t at = t == DType::q6_k ? b * bb + bb - 2 : b * bb;
            std::memcpy(&w[at], &d, 2);
            if (t == DType::q4_1 || t == DType::q4_k || t == DType::q5_k) std::memcpy(&w[b * bb + 2], &d, 2);
        }
        (void)be;
        std::vector<float> x(k);
        std::normal_distribution<float> nd;
        for (auto& v : x) v = nd(rng);
        std::vector<uint8_t> act(quant::activation_row_bytes(t, k));
        quant::quantize_activations(t, x.data(), act.data(), k);
        const float ref = quant::ref::vec_dot(t, k, w.data(), act.data());
        float fast = 0;
        ASSERT_TRUE(quant::avx2::vec_dot(t, k, w.data(), act.data(), &fast));
        EXPECT_NEAR(fast, ref, 1e-4 * std::max(1.0f, std::fabs(ref))) << dtype_name(t);
    }
}

TEST(Quant, FourRowKernelIsBitIdenticalToOneRow) {
    // Prefill (vec_dot4) and decode (vec_dot) must give a token the same logits.
    std::mt19937 rng(11);
    std::normal_distribution<float> nd;
    for (DType t : {DType::q8_0, DType::q4_0, DType::q4_1, DType::q4_k}) {
        const int64_t k = 512;
        const Fixture& f = fixture();
        const GgufTensorInfo* w = f.gguf.find(std::string("w.") + std::string(dtype_name(t)));
        ASSERT_NE(w, nullptr);
        std::vector<std::vector<uint8_t>> acts(4, std::vector<uint8_t>(quant::activation_row_bytes(t, k)));
        const void* rows[4];
        for (int r = 0; r < 4; ++r) {
            std::vector<float> x(k);
            for (auto& v : x) v = nd(rng);
            quant::quantize_activations(t, x.data(), acts[static_cast<size_t>(r)].data(), k);
            rows[r] = acts[static_cast<size_t>(r)].data();
        }
        float four[4];
        quant::vec_dot4(t, k, f.gguf.data(*w), rows, four);
        for (int r = 0; r < 4; ++r) EXPECT_EQ(four[r], quant::vec_dot(t, k, f.gguf.data(*w), rows[r])) << dtype_name(t);
    }
}

TEST(Quant, MatmulWithQuantizedWeightsBothStrategies) {
    const Fixture& f = fixture();
    std::vector<float> x(8 * 512);
    std::mt19937 rng(3);
    std::normal_distribution<float> nd;
    for (auto& v : x) v = nd(rng);
    ThreadPool pool(2);
    OpContext ctx{Device::cpu, &pool, nullptr};
    for (const char* type : kQuantTypes) {
        const std::string name = std::string("w.") + type;
        const TensorView w = f.gguf.view(*f.gguf.find(name));
        const std::vector<float> wd = f.f32(name);
        for (int64_t m : {1, 3, 8}) {
            std::vector<float> y(static_cast<size_t>(m * 4));
            ASSERT_TRUE(matmul(ctx, TensorView(x.data(), DType::f32, {m, 512}), w, TensorView(y.data(), DType::f32, {m, 4})).ok());
            const bool integer_path = cpu::matmul_strategy(m, w.dtype) == cpu::MatmulStrategy::gemv;
            for (int64_t r = 0; r < m; ++r)
                for (int64_t j = 0; j < 4; ++j) {
                    const double want = dot64(wd.data() + j * 512, x.data() + r * 512, 512);
                    const double scale = abs_dot64(wd.data() + j * 512, x.data() + r * 512, 512);
                    // The integer path quantizes x to 8 bits (≈ 0.4% per element, averaging out).
                    EXPECT_NEAR(y[static_cast<size_t>(r * 4 + j)], want, (integer_path ? 1e-2 : 1e-5) * scale)
                        << name << " m=" << m;
                }
            // The dequantised-panel strategy (sgemm on f32 panels) is exact up to f32 rounding.
            std::vector<float> yp(static_cast<size_t>(m * 4));
            cpu::matmul_with(cpu::MatmulStrategy::blas_panels, ctx, x.data(), m, 512, w, yp.data());
            for (int64_t r = 0; r < m; ++r)
                for (int64_t j = 0; j < 4; ++j)
                    EXPECT_NEAR(yp[static_cast<size_t>(r * 4 + j)], dot64(wd.data() + j * 512, x.data() + r * 512, 512),
                                1e-5 * abs_dot64(wd.data() + j * 512, x.data() + r * 512, 512)) << name << " panels m=" << m;
        }
    }
}

TEST(Quant, EmbeddingRowsOfAQuantizedTable) {
    const Fixture& f = fixture();
    const TensorView table = f.gguf.view(*f.gguf.find("w.q4_k"));
    const std::vector<float> wd = f.f32("w.q4_k");
    std::vector<float> out(2 * 512);
    const int32_t ids[] = {3, 1};
    OpContext ctx;
    ASSERT_TRUE(embedding(ctx, table, ids, TensorView(out.data(), DType::f32, {2, 512})).ok());
    for (int i = 0; i < 512; ++i) {
        EXPECT_EQ(out[static_cast<size_t>(i)], wd[static_cast<size_t>(3 * 512 + i)]);
        EXPECT_EQ(out[static_cast<size_t>(512 + i)], wd[static_cast<size_t>(512 + i)]);
    }
}
