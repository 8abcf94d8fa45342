// CPU ops against the float64 references of reference_ops.h, over each op's case table.
#include <gtest/gtest.h>

#include <algorithm>

#include "ops/activations.h"
#include "ops/embedding.h"
#include "ops/lightning_attention.h"
#include "ops/matmul.h"
#include "ops/moe_routing.h"
#include "ops/rms_norm.h"
#include "ops/rope.h"
#include "ops/softmax_attention.h"
#include "reference_ops.h"

using namespace farsight;
namespace ref = farsight::testref;

namespace {

double max_rel_err(const std::vector<float>& got, const std::vector<double>& want) {
    double num = 0, den = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        num = std::max(num, std::abs(static_cast<double>(got[i]) - want[i]));
        den = std::max(den, std::abs(want[i]));
    }
    return num / std::max(den, 1e-30);
}

// Stores f32 values in dtype `dt` and returns the values actually stored (for the reference).
std::vector<float> store(const std::vector<float>& v, DType dt, std::vector<uint16_t>& half) {
    if (dt == DType::f32) return v;
    half.resize(v.size());
    std::vector<float> back(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
        half[i] = dt == DType::bf16 ? f32_to_bf16(v[i]) : f32_to_f16(v[i]);
        back[i] = dt == DType::bf16 ? bf16_to_f32(half[i]) : f16_to_f32(half[i]);
    }
    return back;
}

class OpsCpu : public ::testing::Test {
protected:
    ThreadPool pool{3};
    OpContext ctx{Device::cpu, &pool, nullptr};
};

}  // namespace

TEST_F(OpsCpu, MatmulBothStrategiesMatchReference) {
    uint32_t seed = 1;
    for (const auto& c : ref::matmul_cases()) {
        auto x = ref::random_vec(static_cast<size_t>(c.m * c.k), seed++);
        std::vector<uint16_t> half;
        auto wv = store(ref::random_vec(static_cast<size_t>(c.n * c.k), seed++, 0.1f), c.w, half);
        void* wdata = c.w == DType::f32 ? static_cast<void*>(wv.data()) : half.data();
        TensorView w(wdata, c.w, {c.n, c.k});
        auto want = ref::matmul(x, wv, c.m, c.k, c.n);
        for (auto s : {cpu::MatmulStrategy::gemv, cpu::MatmulStrategy::blas_panels}) {
            std::vector<float> y(static_cast<size_t>(c.m * c.n), NAN);
            cpu::matmul_with(s, ctx, x.data(), c.m, c.k, w, y.data());
            EXPECT_LT(max_rel_err(y, want), 1e-5) << "m=" << c.m << " k=" << c.k << " n=" << c.n << " strategy " << int(s);
        }
        std::vector<float> y(static_cast<size_t>(c.m * c.n), NAN);
        ASSERT_TRUE(matmul(ctx, TensorView(x.data(), DType::f32, {c.m, c.k}), w, TensorView(y.data(), DType::f32, {c.m, c.n})).ok());
        EXPECT_LT(max_rel_err(y, want), 1e-5);
    }
}

TEST_F(OpsCpu, MatmulRejectsMismatchedShapes) {
    std::vector<float> x(12), w(12), y(12);
    Status s = matmul(ctx, TensorView(x.data(), DType::f32, {3, 4}), TensorView(w.data(), DType::f32, {4, 3}),
                      TensorView(y.data(), DType::f32, {3, 4}));
    EXPECT_EQ(s.code(), ErrorCode::invalid_argument);
}

TEST_F(OpsCpu, RmsNorm) {
    const int64_t m = 5, d = 96;
    auto x = ref::random_vec(m * d, 3, 3.0f);
    auto w = ref::random_vec(d, 4);
    std::vector<float> y(x.size());
    ASSERT_TRUE(rms_norm(ctx, TensorView(x.data(), DType::f32, {m, d}), TensorView(w.data(), DType::f32, {d}), 1e-6f,
                         TensorView(y.data(), DType::f32, {m, d})).ok());
    std::vector<double> want(x.size());
    for (int64_t r = 0; r < m; ++r) {
        double ss = 0;
        for (int64_t i = 0; i < d; ++i) ss += double(x[r * d + i]) * x[r * d + i];
        const double inv = 1.0 / std::sqrt(ss / d + 1e-6);
        for (int64_t i = 0; i < d; ++i) want[r * d + i] = w[i] * x[r * d + i] * inv;
    }
    EXPECT_LT(max_rel_err(y, want), 1e-6);
}

TEST_F(OpsCpu, RopeRotatesOnlyTheFirstRotaryDims) {
    const int64_t t = 6, h = 3, d = 24, rot = 8, pos0 = 100;
    const double theta = 1e7;
    auto x = ref::random_vec(t * h * d, 5);
    auto y = x;
    ASSERT_TRUE(rope_neox(ctx, TensorView(y.data(), DType::f32, {t, h, d}), pos0, rot, theta).ok());
    std::vector<double> want(x.begin(), x.end());
    for (int64_t ti = 0; ti < t; ++ti)
        for (int64_t hh = 0; hh < h; ++hh)
            for (int64_t i = 0; i < rot / 2; ++i) {
                const double ang = double(pos0 + ti) * std::pow(theta, -2.0 * i / rot);
                const double a = x[(ti * h + hh) * d + i], b = x[(ti * h + hh) * d + i + rot / 2];
                want[(ti * h + hh) * d + i] = a * std::cos(ang) - b * std::sin(ang);
                want[(ti * h + hh) * d + i + rot / 2] = b * std::cos(ang) + a * std::sin(ang);
            }
    EXPECT_LT(max_rel_err(y, want), 2e-5);  // f32 angles at position ~100
}

TEST_F(OpsCpu, LightningPrefillAndDecodeMatchTheRecurrence) {
    uint32_t seed = 10;
    for (const auto& c : ref::lightning_cases()) {
        auto qkv = ref::random_vec(c.t * c.h * 3 * c.d, seed++, 0.5f);
        std::vector<float> lambda(static_cast<size_t>(c.h));
        for (int64_t i = 0; i < c.h; ++i) lambda[i] = 0.9f / float(i + 1);
        auto s0 = c.initial_state ? ref::random_vec(c.h * c.d * c.d, seed++) : std::vector<float>(c.h * c.d * c.d, 0.0f);
        std::vector<double> want_state(s0.begin(), s0.end()), want_out;
        ref::lightning(qkv, c.t, c.h, c.d, want_state, lambda, want_out);
        for (bool prefill : {true, false}) {
            auto state = s0;
            std::vector<float> out(static_cast<size_t>(c.t * c.h * c.d), NAN);
            TensorView qv(qkv.data(), DType::f32, {c.t, c.h, 3 * c.d}), sv(state.data(), DType::f32, {c.h, c.d, c.d}),
                ov(out.data(), DType::f32, {c.t, c.h * c.d});
            Status st = prefill ? lightning_prefill(ctx, qv, sv, lambda, ov, QkvActivation::none, c.block) : lightning_decode(ctx, qv, sv, lambda, ov);
            ASSERT_TRUE(st.ok()) << st.to_string();
            EXPECT_LT(max_rel_err(out, want_out), 2e-5) << "t=" << c.t << " prefill=" << prefill;
            EXPECT_LT(max_rel_err(state, want_state), 2e-5) << "t=" << c.t << " prefill=" << prefill;
        }
    }
}

TEST(Lightning, SlopesFollowTheAlibiRecipe) {
    auto s = lightning_slopes(64);
    EXPECT_NEAR(s[0], 0.917004, 1e-6);
    EXPECT_FLOAT_EQ(s[7], 0.5f);
    EXPECT_NEAR(s[63], 0.00390625, 1e-9);
    auto s6 = lightning_slopes(6);  // non-power-of-two heads: ALiBi interleaving
    EXPECT_FLOAT_EQ(s6[0], 0.25f);
    EXPECT_FLOAT_EQ(s6[4], 0.5f);
    auto d = lightning_decay(64, 1, 80);
    EXPECT_NEAR(d[0] / s[0], 0.987352, 1e-6);
}

TEST_F(OpsCpu, SoftmaxAttentionMatchesReference) {
    uint32_t seed = 30;
    for (const auto& c : ref::attention_cases()) {
        const int64_t n = c.n_past + c.t;
        auto q = ref::random_vec(c.t * c.h * c.d, seed++);
        auto k = ref::random_vec(n * c.hkv * c.d, seed++);
        auto v = ref::random_vec(n * c.hkv * c.d, seed++);
        const double scale = 1.0 / std::sqrt(double(c.d));
        std::vector<float> out(static_cast<size_t>(c.t * c.h * c.d), NAN);
        ASSERT_TRUE(softmax_attention(ctx, TensorView(q.data(), DType::f32, {c.t, c.h, c.d}),
                                      TensorView(k.data(), DType::f32, {n, c.hkv, c.d}),
                                      TensorView(v.data(), DType::f32, {n, c.hkv, c.d}), c.n_past, float(scale),
                                      TensorView(out.data(), DType::f32, {c.t, c.h * c.d})).ok());
        EXPECT_LT(max_rel_err(out, ref::attention(q, k, v, c.t, c.h, c.hkv, c.d, c.n_past, scale)), 1e-5);
    }
}

TEST_F(OpsCpu, MoeRoutingRenormalisesTopK) {
    std::vector<float> logits = {0.1f, 2.0f, -1.0f, 1.5f, /*row 2: tie*/ 1.0f, 1.0f, 0.0f, 0.0f};
    std::vector<float> w(4);
    std::vector<int32_t> e(4);
    ASSERT_TRUE(moe_routing(ctx, TensorView(logits.data(), DType::f32, {2, 4}), 2, TensorView(w.data(), DType::f32, {2, 2}),
                            TensorView(e.data(), DType::i32, {2, 2})).ok());
    EXPECT_EQ(e[0], 1);
    EXPECT_EQ(e[1], 3);
    EXPECT_NEAR(w[0], 1.0 / (1.0 + std::exp(-0.5)), 1e-6);  // softmax over the two chosen logits
    EXPECT_NEAR(w[0] + w[1], 1.0, 1e-6);
    EXPECT_EQ(e[2], 0);
    EXPECT_EQ(e[3], 1);
}

TEST_F(OpsCpu, ElementwiseAndEmbedding) {
    std::vector<float> a = {-2.f, 0.f, 3.f}, b = {1.f, 2.f, 3.f}, y(3);
    ASSERT_TRUE(swiglu(ctx, TensorView(a.data(), DType::f32, {3}), TensorView(b.data(), DType::f32, {3}),
                       TensorView(y.data(), DType::f32, {3})).ok());
    EXPECT_NEAR(y[2], 3.0 / (1 + std::exp(-3.0)) * 3.0, 1e-6);
    EXPECT_EQ(y[1], 0.0f);
    std::vector<uint16_t> table = {f32_to_bf16(1.f), f32_to_bf16(2.f), f32_to_bf16(3.f), f32_to_bf16(4.f)};
    std::vector<int32_t> ids = {1, 0};
    std::vector<float> out(4);
    ASSERT_TRUE(embedding(ctx, TensorView(table.data(), DType::bf16, {2, 2}), ids, TensorView(out.data(), DType::f32, {2, 2})).ok());
    EXPECT_EQ(out, (std::vector<float>{3, 4, 1, 2}));
    std::vector<int32_t> bad = {2};
    EXPECT_EQ(embedding(ctx, TensorView(table.data(), DType::bf16, {2, 2}), bad, TensorView(out.data(), DType::f32, {1, 2})).code(),
              ErrorCode::invalid_argument);
}
