// Vision ops (layer_norm, linear, attention_full, patchify) against float64 references. Built twice:
// test_vision_ops (CPU backend) and test_vision_ops_gpu (VISION_OPS_GPU: the same cases on the CUDA
// backend in fp32 and bf16 precision; skips without a device; CTest label `gpu`).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/buffer.h"
#include "ops/attention_full.h"
#include "ops/layer_norm.h"
#include "ops/linear.h"
#include "ops/patch_embed.h"
#include "runtime/runtime.h"
#include "vision_reference_ops.h"

using namespace farsight;

namespace {

double max_rel_err(const std::vector<float>& got, const std::vector<double>& want) {
    double num = 0, den = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        num = std::max(num, std::abs(static_cast<double>(got[i]) - want[i]));
        den = std::max(den, std::abs(want[i]));
    }
    return num / std::max(den, 1e-30);
}

// Host data placed where the backend under test reads it, in dtype dt (f32 or bf16).
struct Placed {
    Buffer buf;
    TensorView view;
};

class VisionOps : public ::testing::Test {
protected:
    void SetUp() override {
#ifdef VISION_OPS_GPU
        if (gpu_count() == 0) GTEST_SKIP() << "no CUDA device";
        auto g = create_gpu_context(0);
        ASSERT_TRUE(g.ok()) << g.status().to_string();
        m_gpu = std::move(g).value();
        ctx.device = Device::cuda;
        ctx.stream = m_gpu.get();
#endif
    }

    Placed place(const std::vector<float>& v, std::initializer_list<int64_t> dims, DType dt = DType::f32) {
        std::vector<uint16_t> half;
        const void* src = v.data();
        if (dt == DType::bf16) {
            half.resize(v.size());
            for (size_t i = 0; i < v.size(); ++i) half[i] = f32_to_bf16(v[i]);
            src = half.data();
        }
        Placed p;
        p.buf = Buffer::allocate_on(ctx.device, std::max<uint64_t>(1, v.size()) * dtype_info(dt).block_bytes).value();
        p.view = TensorView(p.buf.data(), dt, dims, ctx.device);
        EXPECT_TRUE(copy_bytes(p.buf.data(), ctx.device, src, Device::cpu, v.size() * dtype_info(dt).block_bytes).ok());
        return p;
    }
    std::vector<float> fetch(const Placed& p) {
#ifdef VISION_OPS_GPU
        EXPECT_TRUE(gpu_synchronize(*m_gpu).ok());
#endif
        const auto n = static_cast<size_t>(p.view.numel());
        std::vector<float> out(n);
        if (p.view.dtype == DType::f32) {
            EXPECT_TRUE(copy_bytes(out.data(), Device::cpu, p.buf.data(), ctx.device, n * 4).ok());
        } else {
            std::vector<uint16_t> h(n);
            EXPECT_TRUE(copy_bytes(h.data(), Device::cpu, p.buf.data(), ctx.device, n * 2).ok());
            for (size_t i = 0; i < n; ++i) out[i] = bf16_to_f32(h[i]);
        }
        return out;
    }
    static std::vector<float> rounded(std::vector<float> v, DType dt) {
        if (dt == DType::bf16)
            for (auto& x : v) x = round_bf16(x);
        return v;
    }
    // Activation dtypes exercised: f32 everywhere (CPU, GPU fp32) and bf16 operands (GPU bf16).
    std::vector<std::pair<Precision, DType>> modes() const {
#ifdef VISION_OPS_GPU
        return {{Precision::fp32, DType::f32}, {Precision::bf16, DType::bf16}};
#else
        return {{Precision::fp32, DType::f32}};
#endif
    }
    static double tol(DType dt) { return dt == DType::bf16 ? 4e-2 : 2e-5; }

    ThreadPool pool{2};
    OpContext ctx{Device::cpu, &pool, nullptr};
    std::shared_ptr<GpuContext> m_gpu;
};

}  // namespace

TEST_F(VisionOps, LayerNormMatchesReference) {
    uint32_t seed = 10;
    for (auto [prec, dt] : modes())
        for (const auto& c : vref::norm_cases()) {
            ctx.precision = prec;
            auto x = vref::random_vec(size_t(c.m * c.d), seed++, 3.0f);
            for (size_t i = 0; i < x.size(); ++i) x[i] += 5.0f;  // a large mean: cancellation must not hurt
            auto w = rounded(vref::random_vec(size_t(c.d), seed++), DType::bf16);
            auto b = rounded(vref::random_vec(size_t(c.d), seed++), DType::bf16);
            auto want = vref::layer_norm(x, c.m, c.d, w, b, c.eps);
            Placed px = place(x, {c.m, c.d}), pw = place(w, {c.d}, DType::bf16), pb = place(b, {c.d}, DType::bf16);
            Placed py = place(std::vector<float>(x.size()), {c.m, c.d}, dt);
            ASSERT_TRUE(layer_norm(ctx, px.view, pw.view, pb.view, float(c.eps), py.view).ok());
            EXPECT_LT(max_rel_err(fetch(py), want), tol(dt)) << c.m << "x" << c.d << " " << dtype_name(dt);
        }
}

TEST_F(VisionOps, LinearMatchesReference) {
    uint32_t seed = 100;
    for (auto [prec, dt] : modes())
        for (const auto& c : vref::linear_cases())
            for (DType wdt : {DType::f32, DType::bf16}) {
                // The GPU takes weights in the GEMM's dtype (models convert them at upload).
                if (ctx.device == Device::cuda && (wdt == DType::bf16) != (prec == Precision::bf16)) continue;
                ctx.precision = prec;
                auto x = rounded(vref::random_vec(size_t(c.m * c.k), seed++), dt);
                auto w = rounded(vref::random_vec(size_t(c.n * c.k), seed++, 0.2f), wdt);
                auto b = c.bias ? rounded(vref::random_vec(size_t(c.n), seed++), wdt) : std::vector<float>();
                auto r = c.residual ? vref::random_vec(size_t(c.m * c.n), seed++) : std::vector<float>();
                auto want = vref::linear(x, w, b, c.act, r, c.m, c.k, c.n);
                Placed px = place(x, {c.m, c.k}, dt), pw = place(w, {c.n, c.k}, wdt);
                Placed pb = place(b, {c.n}, wdt), pr = place(r, {c.m, c.n});
                // Residual outputs stay f32 (the ViT's residual stream); others follow the mode.
                const DType ydt = c.residual ? DType::f32 : dt;
                Placed py = place(std::vector<float>(size_t(c.m * c.n)), {c.m, c.n}, ydt);
                Status st = linear(ctx, px.view, pw.view, c.bias ? pb.view : TensorView(), c.act,
                                   c.residual ? pr.view : TensorView(), py.view);
                ASSERT_TRUE(st.ok()) << st.to_string();
                EXPECT_LT(max_rel_err(fetch(py), want), tol(dt)) << c.m << "x" << c.k << "x" << c.n << " act "
                                                                 << int(c.act) << " w " << dtype_name(wdt);
            }
}

TEST_F(VisionOps, LinearRejectsAliasedResidual) {
    auto v = vref::random_vec(16, 1);
    Placed x = place(v, {4, 4}), w = place(v, {4, 4}), y = place(v, {4, 4});
    EXPECT_EQ(linear(ctx, x.view, w.view, TensorView(), Activation::none, y.view, y.view).code(),
              ErrorCode::invalid_argument);
}

TEST_F(VisionOps, AttentionFullMatchesReference) {
    uint32_t seed = 1000;
    for (auto [prec, dt] : modes())
        for (const auto& c : vref::attention_cases()) {
            ctx.precision = prec;
            const int64_t row = 3 * c.heads * c.d;
            auto qkv = rounded(vref::random_vec(size_t(c.batch * c.t * row), seed++, 1.0f), dt);
            const double scale = 1.0 / std::sqrt(double(c.d));
            auto want = vref::attention_full(qkv, c.batch, c.t, c.heads, c.d, scale);
            Placed pq = place(qkv, {c.batch, c.t, row}, dt);
            Placed po = place(std::vector<float>(want.size()), {c.batch, c.t, c.heads * c.d}, dt);
            Status st = attention_full(ctx, pq.view, c.heads, float(scale), po.view);
            ASSERT_TRUE(st.ok()) << st.to_string();
            EXPECT_LT(max_rel_err(fetch(po), want), tol(dt))
                << c.batch << "x" << c.t << " heads " << c.heads << " d " << c.d << " " << dtype_name(dt);
        }
}

TEST_F(VisionOps, PatchifyIsTheConvolutionLayout) {
    for (auto [b, s, p] : {std::tuple<int64_t, int64_t, int64_t>{2, 28, 14}, {1, 8, 4}, {3, 12, 2}}) {
        auto px = vref::random_vec(size_t(b * 3 * s * s), 7);
        const int64_t g = s / p;
        Placed in = place(px, {b, 3, s, s}), out = place(std::vector<float>(px.size()), {b, g * g, 3 * p * p});
        ASSERT_TRUE(patchify(ctx, in.view, p, out.view).ok());
        auto got = fetch(out);
        for (int64_t bi = 0; bi < b; ++bi)
            for (int64_t n = 0; n < g * g; ++n)
                for (int64_t c = 0; c < 3; ++c)
                    for (int64_t y = 0; y < p; ++y)
                        for (int64_t x = 0; x < p; ++x)
                            ASSERT_EQ(got[((bi * g * g + n) * 3 + c) * p * p + y * p + x],
                                      px[((bi * 3 + c) * s + (n / g) * p + y) * s + (n % g) * p + x]);
    }
}
