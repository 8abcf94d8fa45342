// Every CUDA op against the CPU reference over the shared case tables (label `gpu`; skipped
// without a device). fp32 precision must match to f32 rounding; bf16 operands to bf16 noise.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/buffer.h"
#include "ops/activations.h"
#include "ops/embedding.h"
#include "ops/kv_store.h"
#include "ops/lightning_attention.h"
#include "ops/matmul.h"
#include "ops/moe_experts.h"
#include "ops/moe_routing.h"
#include "ops/rms_norm.h"
#include "ops/rope.h"
#include "ops/softmax_attention.h"
#include "reference_ops.h"
#include "runtime/runtime.h"

using namespace farsight;
namespace ref = farsight::testref;

namespace {

class OpsCuda : public ::testing::Test {
protected:
    void SetUp() override {
        if (gpu_count() == 0) GTEST_SKIP() << "no CUDA device";
        auto g = create_gpu_context(0);
        ASSERT_TRUE(g.ok()) << g.status().to_string();
        m_gpu = std::move(g).value();
        gpu_ctx = OpContext{Device::cuda, nullptr, m_gpu.get(), Precision::fp32};
    }
    // Host data -> device tensor of `dtype` (converted on the host).
    TensorView dev(const std::vector<float>& v, DType dtype, std::initializer_list<int64_t> dims) {
        TensorView t(nullptr, dtype, dims, Device::cuda);
        auto b = Buffer::allocate_on(Device::cuda, t.nbytes(), false).value();
        std::vector<uint8_t> bytes(t.nbytes());
        convert_from_f32(v.data(), dtype, bytes.data(), static_cast<int64_t>(v.size()));
        EXPECT_TRUE(copy_bytes(b.data(), Device::cuda, bytes.data(), Device::cpu, bytes.size()).ok());
        t.data = b.data();
        m_keep.push_back(std::move(b));
        return t;
    }
    TensorView dev_zero(DType dtype, std::initializer_list<int64_t> dims) {
        TensorView t(nullptr, dtype, dims, Device::cuda);
        auto b = Buffer::allocate_on(Device::cuda, t.nbytes(), true).value();
        t.data = b.data();
        m_keep.push_back(std::move(b));
        return t;
    }
    std::vector<float> host(const TensorView& t) {
        EXPECT_TRUE(gpu_synchronize(*m_gpu).ok());
        std::vector<uint8_t> bytes(t.nbytes());
        EXPECT_TRUE(copy_bytes(bytes.data(), Device::cpu, t.data, Device::cuda, bytes.size()).ok());
        std::vector<float> f(static_cast<size_t>(t.numel()));
        convert_to_f32(t.dtype, bytes.data(), f.data(), t.numel());
        return f;
    }
    static double rel_err(const std::vector<float>& got, const std::vector<float>& want) {
        double num = 0, den = 0;
        for (size_t i = 0; i < got.size(); ++i) {
            if (!std::isfinite(got[i])) return INFINITY;
            num = std::max(num, double(std::abs(got[i] - want[i])));
            den = std::max(den, double(std::abs(want[i])));
        }
        return num / std::max(den, 1e-30);
    }
    std::shared_ptr<GpuContext> m_gpu;
    OpContext gpu_ctx;
    OpContext cpu_ctx{Device::cpu, nullptr, nullptr, Precision::fp32};
    std::vector<Buffer> m_keep;
};

}  // namespace

TEST_F(OpsCuda, MatmulFp32AndBf16) {
    uint32_t seed = 100;
    for (const auto& c : ref::matmul_cases()) {
        if (c.w == DType::f16) continue;
        auto x = ref::random_vec(c.m * c.k, seed++);
        auto w = ref::random_vec(c.n * c.k, seed++, 0.1f);
        std::vector<float> want(static_cast<size_t>(c.m * c.n));
        ASSERT_TRUE(matmul(cpu_ctx, TensorView(x.data(), DType::f32, {c.m, c.k}), TensorView(w.data(), DType::f32, {c.n, c.k}),
                           TensorView(want.data(), DType::f32, {c.m, c.n})).ok());
        for (Precision p : {Precision::fp32, Precision::bf16}) {
            OpContext ctx = gpu_ctx;
            ctx.precision = p;
            const DType wd = p == Precision::fp32 ? DType::f32 : DType::bf16;
            TensorView y = dev_zero(DType::f32, {c.m, c.n});
            Status st = matmul(ctx, dev(x, DType::f32, {c.m, c.k}), dev(w, wd, {c.n, c.k}), y);
            ASSERT_TRUE(st.ok()) << st.to_string();
            EXPECT_LT(rel_err(host(y), want), p == Precision::fp32 ? 1e-5 : 2e-2) << "m=" << c.m << " k=" << c.k << " n=" << c.n;
        }
    }
    // Large shapes take the cuBLAS path.
    const int64_t m = 300, k = 512, n = 384;
    auto x = ref::random_vec(m * k, 1), w = ref::random_vec(n * k, 2, 0.05f);
    std::vector<float> want(static_cast<size_t>(m * n));
    ASSERT_TRUE(matmul(cpu_ctx, TensorView(x.data(), DType::f32, {m, k}), TensorView(w.data(), DType::f32, {n, k}),
                       TensorView(want.data(), DType::f32, {m, n})).ok());
    OpContext b = gpu_ctx;
    b.precision = Precision::bf16;
    TensorView y = dev_zero(DType::f32, {m, n});
    ASSERT_TRUE(matmul(b, dev(x, DType::f32, {m, k}), dev(w, DType::bf16, {n, k}), y).ok());
    EXPECT_LT(rel_err(host(y), want), 2e-2);
    TensorView y32 = dev_zero(DType::f32, {m, n});
    ASSERT_TRUE(matmul(gpu_ctx, dev(x, DType::f32, {m, k}), dev(w, DType::f32, {n, k}), y32).ok());
    EXPECT_LT(rel_err(host(y32), want), 1e-5);
}

TEST_F(OpsCuda, NormActivationsRopeEmbeddingKvStore) {
    const int64_t m = 7, d = 96;
    auto x = ref::random_vec(m * d, 3, 2.0f), w = ref::random_vec(d, 4), g = ref::random_vec(m * d, 5);
    std::vector<float> want(x.size());
    ASSERT_TRUE(rms_norm(cpu_ctx, TensorView(x.data(), DType::f32, {m, d}), TensorView(w.data(), DType::f32, {d}), 1e-6f,
                         TensorView(want.data(), DType::f32, {m, d})).ok());
    TensorView y = dev_zero(DType::f32, {m, d});
    ASSERT_TRUE(rms_norm(gpu_ctx, dev(x, DType::f32, {m, d}), dev(w, DType::bf16, {d}), 1e-6f, y).ok());
    EXPECT_LT(rel_err(host(y), want), 1e-2);  // weight rounded to bf16 on the device side
    TensorView yf = dev_zero(DType::f32, {m, d});
    ASSERT_TRUE(rms_norm(gpu_ctx, dev(x, DType::f32, {m, d}), dev(w, DType::f32, {d}), 1e-6f, yf).ok());
    EXPECT_LT(rel_err(host(yf), want), 1e-6);

    auto a = x, b2 = g;
    std::vector<float> sw(x.size());
    ASSERT_TRUE(swiglu(cpu_ctx, TensorView(a.data(), DType::f32, {m * d}), TensorView(b2.data(), DType::f32, {m * d}),
                       TensorView(sw.data(), DType::f32, {m * d})).ok());
    TensorView ys = dev_zero(DType::f32, {m * d});
    ASSERT_TRUE(swiglu(gpu_ctx, dev(x, DType::f32, {m * d}), dev(g, DType::f32, {m * d}), ys).ok());
    EXPECT_LT(rel_err(host(ys), sw), 1e-6);
    auto gate_cpu = x;
    ASSERT_TRUE(sigmoid_gate(cpu_ctx, TensorView(gate_cpu.data(), DType::f32, {m * d}), TensorView(g.data(), DType::f32, {m * d})).ok());
    TensorView gd = dev(x, DType::f32, {m * d});
    ASSERT_TRUE(sigmoid_gate(gpu_ctx, gd, dev(g, DType::f32, {m * d})).ok());
    EXPECT_LT(rel_err(host(gd), gate_cpu), 1e-6);
    auto res_cpu = x;
    ASSERT_TRUE(scaled_residual(cpu_ctx, TensorView(x.data(), DType::f32, {m * d}), 2.5f, TensorView(g.data(), DType::f32, {m * d}),
                                1.0f, TensorView(res_cpu.data(), DType::f32, {m * d})).ok());
    TensorView rd = dev_zero(DType::f32, {m * d});
    ASSERT_TRUE(scaled_residual(gpu_ctx, dev(x, DType::f32, {m * d}), 2.5f, dev(g, DType::f32, {m * d}), 1.0f, rd).ok());
    EXPECT_LT(rel_err(host(rd), res_cpu), 1e-6);

    const int64_t t = 5, h = 4, hd = 24;
    auto rq = ref::random_vec(t * h * hd, 6);
    auto rq_cpu = rq;
    ASSERT_TRUE(rope_neox(cpu_ctx, TensorView(rq_cpu.data(), DType::f32, {t, h, hd}), 600, 8, 1e7).ok());
    TensorView rqd = dev(rq, DType::f32, {t, h, hd});
    ASSERT_TRUE(rope_neox(gpu_ctx, rqd, 600, 8, 1e7).ok());
    EXPECT_LT(rel_err(host(rqd), rq_cpu), 1e-5);

    auto table = ref::random_vec(10 * 8, 7);
    std::vector<int32_t> ids = {3, 9, 0, 3};
    std::vector<float> emb(4 * 8);
    ASSERT_TRUE(embedding(cpu_ctx, TensorView(table.data(), DType::f32, {10, 8}), ids, TensorView(emb.data(), DType::f32, {4, 8})).ok());
    TensorView ed = dev_zero(DType::f32, {4, 8});
    ASSERT_TRUE(embedding(gpu_ctx, dev(table, DType::f32, {10, 8}), ids, ed).ok());
    EXPECT_EQ(host(ed), emb);

    auto kv = ref::random_vec(3 * 16, 8);
    TensorView cache = dev_zero(DType::bf16, {10, 2, 8});
    ASSERT_TRUE(kv_store(gpu_ctx, dev(kv, DType::f32, {3, 16}), cache, 4).ok());
    auto back = host(cache);
    for (int i = 0; i < 48; ++i) EXPECT_EQ(back[4 * 16 + i], round_bf16(kv[i]));
}

TEST_F(OpsCuda, MoeRoutingAndExperts) {
    const int64_t e = 6, k = 2, n_embd = 32, n_ff = 48;
    ExpertTable cpu_table, gpu_table32, gpu_table16;
    std::vector<std::vector<float>> weights;
    for (int64_t x = 0; x < e; ++x) {
        auto w1 = ref::random_vec(n_ff * n_embd, 200 + uint32_t(x) * 3, 0.2f);
        auto w3 = ref::random_vec(n_ff * n_embd, 201 + uint32_t(x) * 3, 0.2f);
        auto w2 = ref::random_vec(n_embd * n_ff, 202 + uint32_t(x) * 3, 0.2f);
        weights.push_back(w1);
        weights.push_back(w3);
        weights.push_back(w2);
    }
    for (int64_t x = 0; x < e; ++x) {
        auto& w1 = weights[3 * x];
        auto& w3 = weights[3 * x + 1];
        auto& w2 = weights[3 * x + 2];
        cpu_table.experts.push_back({TensorView(w1.data(), DType::f32, {n_ff, n_embd}), TensorView(w3.data(), DType::f32, {n_ff, n_embd}),
                                     TensorView(w2.data(), DType::f32, {n_embd, n_ff})});
        gpu_table32.experts.push_back({dev(w1, DType::f32, {n_ff, n_embd}), dev(w3, DType::f32, {n_ff, n_embd}), dev(w2, DType::f32, {n_embd, n_ff})});
        gpu_table16.experts.push_back({dev(w1, DType::bf16, {n_ff, n_embd}), dev(w3, DType::bf16, {n_ff, n_embd}), dev(w2, DType::bf16, {n_embd, n_ff})});
    }
    ASSERT_TRUE(build_device_tables(gpu_table32).ok());
    ASSERT_TRUE(build_device_tables(gpu_table16).ok());
    for (int64_t t : {1, 3, 8, 40}) {  // decode path (<= 8) and grouped-GEMM prefill path
        auto h = ref::random_vec(t * n_embd, 300 + uint32_t(t));
        auto logits = ref::random_vec(t * e, 400 + uint32_t(t), 2.0f);
        std::vector<float> w(t * k), out_cpu(t * n_embd);
        std::vector<int32_t> id(t * k);
        ASSERT_TRUE(moe_routing(cpu_ctx, TensorView(logits.data(), DType::f32, {t, e}), k, TensorView(w.data(), DType::f32, {t, k}),
                                TensorView(id.data(), DType::i32, {t, k})).ok());
        Workspace ws_cpu, ws_gpu(Device::cuda);
        ASSERT_TRUE(moe_experts(cpu_ctx, ws_cpu, cpu_table, TensorView(w.data(), DType::f32, {t, k}), TensorView(id.data(), DType::i32, {t, k}),
                                TensorView(h.data(), DType::f32, {t, n_embd}), TensorView(out_cpu.data(), DType::f32, {t, n_embd})).ok());
        TensorView wd = dev_zero(DType::f32, {t, k}), idd = dev_zero(DType::i32, {t, k});
        ASSERT_TRUE(moe_routing(gpu_ctx, dev(logits, DType::f32, {t, e}), k, wd, idd).ok());
        EXPECT_LT(rel_err(host(wd), w), 1e-6);
        std::vector<int32_t> id_gpu(t * k);
        ASSERT_TRUE(copy_bytes(id_gpu.data(), Device::cpu, idd.data, Device::cuda, id_gpu.size() * 4).ok());
        EXPECT_EQ(id_gpu, id);
        for (Precision p : {Precision::fp32, Precision::bf16}) {
            OpContext ctx = gpu_ctx;
            ctx.precision = p;
            TensorView out = dev_zero(DType::f32, {t, n_embd});
            Status st = moe_experts(ctx, ws_gpu, p == Precision::fp32 ? gpu_table32 : gpu_table16, wd, idd,
                                    dev(h, DType::f32, {t, n_embd}), out);
            ASSERT_TRUE(st.ok()) << st.to_string();
            EXPECT_LT(rel_err(host(out), out_cpu), p == Precision::fp32 ? 1e-5 : 3e-2) << "t=" << t;
        }
    }
}

TEST_F(OpsCuda, LightningRecurrenceAndChunked) {
    uint32_t seed = 500;
    auto cases = ref::lightning_cases();
    cases.push_back({300, 4, 128, 64, true});   // the tensor-core kernel's shape: several chunks + a partial one
    cases.push_back({64, 3, 128, 64, false});
    if (!std::getenv("FARSIGHT_SANITIZER_RUN")) {  // long cases: too slow under racecheck
        cases.push_back({4200, 4, 128, 64, true});  // 66 chunks: two segments chained by phase B
        cases.push_back({8500, 2, 128, 64, true});  // 133 chunks: four segments, a partial last one
    }
    for (const auto& c : cases) {
        auto qkv = ref::random_vec(c.t * c.h * 3 * c.d, seed++, 0.5f);
        std::vector<float> lambda(static_cast<size_t>(c.h));
        for (int64_t i = 0; i < c.h; ++i) lambda[i] = 0.3f / float(i + 1);
        auto s0 = c.initial_state ? ref::random_vec(c.h * c.d * c.d, seed++) : std::vector<float>(c.h * c.d * c.d, 0.0f);
        auto s_cpu = s0;
        std::vector<float> out_cpu(c.t * c.h * c.d);
        ASSERT_TRUE(lightning_prefill(cpu_ctx, TensorView(qkv.data(), DType::f32, {c.t, c.h, 3 * c.d}),
                                      TensorView(s_cpu.data(), DType::f32, {c.h, c.d, c.d}), lambda,
                                      TensorView(out_cpu.data(), DType::f32, {c.t, c.h * c.d}), QkvActivation::silu).ok());
        // f32 recurrence on the GPU
        TensorView s = dev(s0, DType::f32, {c.h, c.d, c.d}), out = dev_zero(DType::f32, {c.t, c.h * c.d});
        ASSERT_TRUE(lightning_prefill(gpu_ctx, dev(qkv, DType::f32, {c.t, c.h, 3 * c.d}), s, lambda, out, QkvActivation::silu).ok());
        EXPECT_LT(rel_err(host(out), out_cpu), 2e-5) << "t=" << c.t << " d=" << c.d;
        EXPECT_LT(rel_err(host(s), s_cpu), 2e-5);
        if (c.d != 128) continue;
        // bf16 tensor-core chunked kernel (inputs rounded to bf16 for the reference too)
        std::vector<float> qkv16(qkv.size());
        for (size_t i = 0; i < qkv.size(); ++i) qkv16[i] = round_bf16(qkv[i]);
        auto s_ref = s0;
        std::vector<float> out_ref(out_cpu.size());
        ASSERT_TRUE(lightning_prefill(cpu_ctx, TensorView(qkv16.data(), DType::f32, {c.t, c.h, 3 * c.d}),
                                      TensorView(s_ref.data(), DType::f32, {c.h, c.d, c.d}), lambda,
                                      TensorView(out_ref.data(), DType::f32, {c.t, c.h * c.d}), QkvActivation::silu).ok());
        OpContext b = gpu_ctx;
        b.precision = Precision::bf16;
        for (int rep = 0; rep < 3; ++rep) {  // a moving error would be a race
            TensorView sb = dev(s0, DType::f32, {c.h, c.d, c.d});
            TensorView ob = dev_zero(DType::f32, {c.t, c.h * c.d});
            ASSERT_TRUE(lightning_prefill(b, dev(qkv, DType::bf16, {c.t, c.h, 3 * c.d}), sb, lambda, ob, QkvActivation::silu).ok());
            EXPECT_LT(rel_err(host(ob), out_ref), 3e-2) << "chunked t=" << c.t;
            EXPECT_LT(rel_err(host(sb), s_ref), 2e-2) << "chunked state t=" << c.t;
        }
    }
}

TEST_F(OpsCuda, LightningDecodeSteps) {
    // Several single-token steps through the coalesced head_dim-128 decode kernel.
    const int64_t h = 5, d = 128;
    std::vector<float> lambda = {0.9f, 0.5f, 0.1f, 0.01f, 0.003f};
    auto s0 = ref::random_vec(h * d * d, 901);
    auto s_cpu = s0;
    TensorView s = dev(s0, DType::f32, {h, d, d});
    for (int step = 0; step < 4; ++step) {
        auto qkv = ref::random_vec(h * 3 * d, 910 + uint32_t(step), 0.5f);
        std::vector<float> out_cpu(h * d);
        ASSERT_TRUE(lightning_decode(cpu_ctx, TensorView(qkv.data(), DType::f32, {1, h, 3 * d}), TensorView(s_cpu.data(), DType::f32, {h, d, d}),
                                     lambda, TensorView(out_cpu.data(), DType::f32, {1, h * d}), QkvActivation::silu).ok());
        TensorView out = dev_zero(DType::f32, {1, h * d});
        ASSERT_TRUE(lightning_decode(gpu_ctx, dev(qkv, DType::f32, {1, h, 3 * d}), s, lambda, out, QkvActivation::silu).ok());
        EXPECT_LT(rel_err(host(out), out_cpu), 1e-5) << "step " << step;
    }
    EXPECT_LT(rel_err(host(s), s_cpu), 1e-5);
}

TEST_F(OpsCuda, SoftmaxAttentionF32AndBf16Cache) {
    uint32_t seed = 700;
    auto cases = ref::attention_cases();
    cases.push_back({3, 8, 2, 128, 1500});  // several key splits (flash-decoding merge)
    cases.push_back({200, 8, 2, 128, 50});  // tensor-core flash kernel: partial query block, offset
    cases.push_back({64, 4, 4, 128, 0});    // flash kernel, one full block, no history
    cases.push_back({1, 16, 2, 128, 3000}); // decode with 8 query heads per KV head (grouped kernel)
    cases.push_back({3, 8, 1, 64, 700});    // grouped kernel, several queries, head_dim 64
    for (const auto& c : cases) {
        const int64_t n = c.n_past + c.t;
        auto q = ref::random_vec(c.t * c.h * c.d, seed++), k = ref::random_vec(n * c.hkv * c.d, seed++),
             v = ref::random_vec(n * c.hkv * c.d, seed++);
        const float scale = 1.0f / std::sqrt(float(c.d));
        std::vector<float> want(c.t * c.h * c.d);
        ASSERT_TRUE(softmax_attention(cpu_ctx, TensorView(q.data(), DType::f32, {c.t, c.h, c.d}),
                                      TensorView(k.data(), DType::f32, {n, c.hkv, c.d}), TensorView(v.data(), DType::f32, {n, c.hkv, c.d}),
                                      c.n_past, scale, TensorView(want.data(), DType::f32, {c.t, c.h * c.d})).ok());
        for (DType kd : {DType::f32, DType::bf16}) {
            TensorView out = dev_zero(DType::f32, {c.t, c.h * c.d});
            Status st = softmax_attention(gpu_ctx, dev(q, DType::f32, {c.t, c.h, c.d}), dev(k, kd, {n, c.hkv, c.d}),
                                          dev(v, kd, {n, c.hkv, c.d}), c.n_past, scale, out);
            ASSERT_TRUE(st.ok()) << st.to_string();
            EXPECT_LT(rel_err(host(out), want), kd == DType::f32 ? 1e-5 : 2e-2) << "n_past=" << c.n_past;
        }
    }
}
