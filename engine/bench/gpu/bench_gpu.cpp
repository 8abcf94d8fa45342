// GPU benchmarks of the CUDA backend (H100/H200): lightning prefill and decode, softmax attention,
// GEMM/GEMV on MiniMax shapes, and end to end on a MiniMax-shaped model with random weights.
// Prints a table and writes JSON; the same-run baselines (PyTorch chunked lightning, SDPA,
// torch.matmul, device copy) come from baselines.py and are joined by report.py.
// Usage: bench_gpu [--json FILE] [--quick] [--only lightning|decode|attention|gemm|e2e]
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/buffer.h"
#include "kv/sequence_state.h"
#include "models/minimax_text.h"
#include "ops/cuda/attention_cuda.h"
#include "ops/cuda/cuda_ops.h"
#include "ops/cuda/lightning_cuda.h"
#include "ops/lightning_attention.h"
#include "ops/matmul.h"
#include "ops/softmax_attention.h"
#include "runtime/cuda/gpu_context.h"

using namespace farsight;
using nlohmann::json;

namespace {

#define CHECK_OK(expr)                                                                          \
    do {                                                                                        \
        ::farsight::Status s_ = (expr);                                                         \
        if (!s_.ok()) {                                                                         \
            std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, s_.to_string().c_str());    \
            std::exit(1);                                                                       \
        }                                                                                       \
    } while (0)

struct Bench {
    std::shared_ptr<GpuContext> gpu;
    OpContext ctx;
    std::vector<Buffer> keep;

    TensorView alloc(DType dt, std::initializer_list<int64_t> dims, float stddev = 0.5f, float mean = 0.0f) {
        TensorView t(nullptr, dt, dims, Device::cuda);
        auto b = Buffer::allocate_on(Device::cuda, t.nbytes(), stddev == 0.0f);
        CHECK_OK(b.status());
        t.data = b->data();
        if (stddev != 0.0f && (dt == DType::f32 || dt == DType::bf16)) CHECK_OK(cuda::fill_random(ctx, t, keep.size() + 1, mean, stddev));
        keep.push_back(std::move(b).value());
        return t;
    }
    void release() {
        CHECK_OK(gpu_synchronize(*gpu));
        keep.clear();
    }
    // Median milliseconds of `reps` timed runs after `warm` warm-up runs (CUDA events).
    double time_ms(const std::function<void()>& fn, int reps = 7, int warm = 2) {
        for (int i = 0; i < warm; ++i) fn();
        cudaEvent_t a, b;
        cudaEventCreate(&a);
        cudaEventCreate(&b);
        std::vector<double> t;
        for (int i = 0; i < reps; ++i) {
            cudaEventRecord(a, gpu->stream);
            fn();
            cudaEventRecord(b, gpu->stream);
            cudaEventSynchronize(b);
            float ms = 0;
            cudaEventElapsedTime(&ms, a, b);
            t.push_back(ms);
        }
        cudaEventDestroy(a);
        cudaEventDestroy(b);
        CHECK_OK(cuda_status(cudaGetLastError(), "benchmark"));
        std::sort(t.begin(), t.end());
        return t[t.size() / 2];
    }
};

double copy_bandwidth(Bench& B) {
    const int64_t n = int64_t{1} << 30;  // 2 GiB of bf16 each way
    TensorView a = B.alloc(DType::bf16, {n}), b = B.alloc(DType::bf16, {n}, 0.0f);
    const double ms = B.time_ms([&] { cudaMemcpyAsync(b.data, a.data, a.nbytes(), cudaMemcpyDeviceToDevice, B.gpu->stream); });
    B.release();
    return 2.0 * static_cast<double>(a.nbytes()) / (ms * 1e-3);
}

json bench_lightning(Bench& B, bool quick, double copy_bw) {
    json rows = json::array();
    std::printf("\nlightning prefill (B=1, d=128, bf16 q/k/v/o, f32 state)\n%-4s %-9s %-10s %-14s %-10s\n", "H", "T", "ms",
                "Gtok*head/s", "of floor");
    struct Case { int64_t h, t; };
    std::vector<Case> cases = {{64, 8192}, {64, 32768}, {64, 131072}, {8, 8192}, {8, 131072}, {8, 1048576}};
    if (!quick) { cases.push_back({64, 524288}); cases.push_back({8, 262144}); }
    for (auto c : cases) {
        TensorView qkv = B.alloc(DType::bf16, {c.t, c.h, 384}, 0.5f);
        TensorView st = B.alloc(DType::f32, {c.h, 128, 128}, 0.0f);
        TensorView out = B.alloc(DType::bf16, {c.t, c.h * 128}, 0.0f);
        auto lam = lightning_decay(c.h, 3, 80);
        OpContext bf = B.ctx;
        bf.precision = Precision::bf16;
        const double ms = B.time_ms([&] { CHECK_OK(cuda::lightning_chunked_bf16(bf, qkv, st, lam, true, out)); }, 5, 1);
        const double rate = static_cast<double>(c.t * c.h) / (ms * 1e-3);
        const double floor_rate = copy_bw / 1024.0;  // 1 KB of q, k, v, o per token·head
        std::printf("%-4lld %-9lld %-10.3f %-14.3f %-10.2f\n", (long long)c.h, (long long)c.t, ms, rate / 1e9, rate / floor_rate);
        rows.push_back({{"heads", c.h}, {"tokens", c.t}, {"ms", ms}, {"token_heads_per_s", rate}, {"hbm_floor_token_heads_per_s", floor_rate}});
        B.release();
    }
    return rows;
}

json bench_decode(Bench& B) {
    json rows = json::array();
    std::printf("\nlightning decode (H=64, d=128, f32 state read+written)\n%-6s %-10s %-10s\n", "batch", "us", "TB/s");
    for (int64_t b : {1, 4, 16, 64, 256}) {
        const int64_t heads = 64 * b;
        TensorView qkv = B.alloc(DType::f32, {1, heads, 384}, 0.5f);
        TensorView st = B.alloc(DType::f32, {heads, 128, 128}, 0.1f);
        TensorView out = B.alloc(DType::f32, {1, heads * 128}, 0.0f);
        auto lam = lightning_decay(64, 3, 80);
        const double ms = B.time_ms([&] { CHECK_OK(cuda::lightning_recurrence(B.ctx, qkv, st, lam, true, out)); }, 20, 3);
        const double bytes = static_cast<double>(heads) * 128 * 128 * 4 * 2;
        std::printf("%-6lld %-10.2f %-10.3f\n", (long long)b, ms * 1e3, bytes / (ms * 1e-3) / 1e12);
        rows.push_back({{"batch", b}, {"us", ms * 1e3}, {"state_tb_per_s", bytes / (ms * 1e-3) / 1e12}});
        B.release();
    }
    return rows;
}

json bench_attention(Bench& B) {
    json rows = json::array();
    std::printf("\nsoftmax attention (causal GQA 64/8, d=128, bf16 KV cache)\n%-8s %-8s %-10s %-10s\n", "T", "S", "ms", "TFLOP/s");
    struct Case { int64_t t, past, h; };
    for (auto c : {Case{4096, 0, 64}, Case{8192, 0, 64}, Case{1, 131071, 64}, Case{1, 8191, 64}}) {
        const int64_t s = c.past + c.t;
        TensorView q = B.alloc(DType::f32, {c.t, c.h, 128}, 1.0f);
        TensorView k = B.alloc(DType::bf16, {s, 8, 128}, 1.0f), v = B.alloc(DType::bf16, {s, 8, 128}, 1.0f);
        TensorView o = B.alloc(DType::f32, {c.t, c.h * 128}, 0.0f);
        const double ms = B.time_ms([&] { CHECK_OK(softmax_attention(B.ctx, q, k, v, c.past, 0.088f, o)); }, 3, 1);
        // causal: query i sees past + i + 1 keys; 4·d FLOPs per (query, key) per head
        const double pairs = static_cast<double>(c.t) * c.past + static_cast<double>(c.t) * (c.t + 1) / 2.0;
        const double flops = 4.0 * 128 * pairs * c.h;
        std::printf("%-8lld %-8lld %-10.3f %-10.2f\n", (long long)c.t, (long long)s, ms, flops / (ms * 1e-3) / 1e12);
        rows.push_back({{"q_tokens", c.t}, {"kv_tokens", s}, {"heads", c.h}, {"ms", ms}, {"tflops", flops / (ms * 1e-3) / 1e12}});
        B.release();
    }
    return rows;
}

json bench_gemm(Bench& B) {
    json rows = json::array();
    std::printf("\nGEMM / GEMV (bf16 weights, f32 activations in and out)\n%-24s %-6s %-10s %-10s %-8s\n", "shape n x k", "m", "ms",
                "TFLOP/s", "TB/s");
    struct Shape { const char* name; int64_t n, k; };
    const Shape shapes[] = {{"qkv 24576x6144", 24576, 6144}, {"out 6144x8192", 6144, 8192}, {"expert 9216x6144", 9216, 6144},
                            {"down 6144x9216", 6144, 9216},  {"lm_head 200064x6144", 200064, 6144}};
    OpContext bf = B.ctx;
    bf.precision = Precision::bf16;
    for (const Shape& s : shapes) {
        TensorView w = B.alloc(DType::bf16, {s.n, s.k}, 0.02f);
        for (int64_t m : {1, 16, 4096}) {
            TensorView x = B.alloc(DType::f32, {m, s.k}, 1.0f), y = B.alloc(DType::f32, {m, s.n}, 0.0f);
            const double ms = B.time_ms([&] { CHECK_OK(matmul(bf, x, w, y)); }, 10, 2);
            const double tflops = 2.0 * m * s.n * s.k / (ms * 1e-3) / 1e12;
            const double tbps = static_cast<double>(w.nbytes()) / (ms * 1e-3) / 1e12;
            std::printf("%-24s %-6lld %-10.4f %-10.1f %-8.3f\n", s.name, (long long)m, ms, tflops, tbps);
            rows.push_back({{"shape", s.name}, {"n", s.n}, {"k", s.k}, {"m", m}, {"ms", ms}, {"tflops", tflops}, {"weight_tb_per_s", tbps}});
            B.keep.pop_back();
            B.keep.pop_back();
        }
        B.release();
    }
    return rows;
}

json bench_e2e(Bench& B, bool quick, double copy_bw, double gemm_peak) {
    json rows = json::array();
    ModelConfig c;
    c.architecture = "minimax_text";
    c.model_type = "minimax_m1";
    c.n_embd = 6144; c.n_head = 64; c.n_head_kv = 8; c.head_dim = 128; c.n_ff = 9216; c.n_vocab = 200064;
    c.n_expert = 8; c.n_expert_used = 2; c.n_layer = 8; c.rotary_dim = 64; c.rope_theta = 1e7; c.n_ctx_train = 1 << 20;
    c.layer_kinds.assign(8, LayerKind::lightning);
    c.layer_kinds[7] = LayerKind::softmax;
    c.alpha_lightning = c.alpha_softmax = c.alpha_mlp = 3.5565588200778455;
    OpContext bf = B.ctx;
    bf.precision = Precision::bf16;
    size_t free0 = 0, total = 0;
    cudaMemGetInfo(&free0, &total);
    auto model = MiniMaxText::create_synthetic_on_device(c, bf, 7);
    CHECK_OK(model.status());
    CHECK_OK(gpu_synchronize(*B.gpu));
    ModelInfo info;
    (*model)->describe(info);
    const double weight_bytes = static_cast<double>((*model)->weight_bytes());
    // Bytes a decode step must read: the active matrices (the embedding table contributes one row).
    const double active_bytes = 2.0 * static_cast<double>(info.n_active_params - c.n_vocab * c.n_embd);
    std::printf("\nend to end: MiniMax-shaped model, %lld layers (7 lightning + 1 softmax), %lld experts top-2, %.1f GiB bf16\n",
                (long long)c.n_layer, (long long)c.n_expert, weight_bytes / (1u << 30));
    std::printf("%-10s %-10s %-12s %-12s %-10s\n", "prompt", "TTFT s", "prefill t/s", "floor t/s", "ratio");
    std::vector<int64_t> lengths = quick ? std::vector<int64_t>{8192, 131072} : std::vector<int64_t>{8192, 131072, 1048576};
    for (int64_t len : lengths) {
        auto state = SequenceState::create((*model)->state_layout(), len + 64, Device::cuda, DType::bf16);
        CHECK_OK(state.status());
        Workspace ws(Device::cuda);
        std::vector<int32_t> prompt(static_cast<size_t>(len));
        for (int64_t i = 0; i < len; ++i) prompt[static_cast<size_t>(i)] = static_cast<int32_t>((i * 7919) % c.n_vocab);
        std::vector<float> logits(static_cast<size_t>(c.n_vocab));
        const int64_t chunk = 8192;
        cudaEvent_t a, b;
        cudaEventCreate(&a);
        cudaEventCreate(&b);
        cudaEventRecord(a, B.gpu->stream);
        for (int64_t done = 0; done < len; done += chunk) {
            const int64_t n = std::min(chunk, len - done);
            const bool last = done + n == len;
            CHECK_OK((*model)->forward(bf, *state, ws, std::span<const int32_t>(prompt).subspan(done, n),
                                       last ? LogitsMode::last : LogitsMode::none, last ? logits.data() : nullptr));
        }
        cudaEventRecord(b, B.gpu->stream);
        cudaEventSynchronize(b);
        float ms = 0;
        cudaEventElapsedTime(&ms, a, b);
        // compute floor: 2 FLOPs per active parameter per token + attention (causal, 1 softmax layer)
        const double attn_flops = 4.0 * 128 * 64 * (static_cast<double>(len) * len / 2.0);
        const double flops = 2.0 * static_cast<double>(info.n_active_params) * len + attn_flops;
        const double floor_s = flops / gemm_peak;
        const double tps = len / (ms * 1e-3);
        std::printf("%-10lld %-10.3f %-12.0f %-12.0f %-10.2f\n", (long long)len, ms * 1e-3, tps, len / floor_s, (ms * 1e-3) / floor_s);
        json row = {{"prompt_tokens", len}, {"ttft_s", ms * 1e-3}, {"prefill_tok_s", tps}, {"compute_floor_tok_s", len / floor_s}};
        // decode at batch 1 from this state
        std::vector<float> step(static_cast<size_t>(c.n_vocab));
        int32_t tok = 1;
        auto decode_one = [&] {
            const int32_t one[1] = {tok};
            CHECK_OK((*model)->forward(bf, *state, ws, one, LogitsMode::last, step.data()));
        };
        decode_one();
        const int n_dec = 16;
        cudaEventRecord(a, B.gpu->stream);
        for (int i = 0; i < n_dec; ++i) decode_one();
        cudaEventRecord(b, B.gpu->stream);
        cudaEventSynchronize(b);
        cudaEventElapsedTime(&ms, a, b);
        const double dec_tps = n_dec / (ms * 1e-3);
        const double kv_bytes = static_cast<double>(len) * 2 * 8 * 128 * 2;
        const double dec_floor = copy_bw / (active_bytes + kv_bytes + 7.0 * 64 * 128 * 128 * 4 * 2);
        std::printf("  decode batch 1 at %lld context: %.1f tok/s (bandwidth floor %.1f, time %.2fx the floor)\n", (long long)len,
                    dec_tps, dec_floor, dec_floor / dec_tps);
        row["decode_tok_s_batch1"] = dec_tps;
        row["decode_bandwidth_floor_tok_s"] = dec_floor;
        size_t free1 = 0;
        cudaMemGetInfo(&free1, &total);
        row["device_memory_used_gib"] = static_cast<double>(free0 - free1) / (1u << 30);
        rows.push_back(row);
        cudaEventDestroy(a);
        cudaEventDestroy(b);
    }
    return rows;
}

}  // namespace

int main(int argc, char** argv) {
    std::string json_path, only;
    bool quick = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json_path = argv[++i];
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!std::strcmp(argv[i], "--quick")) quick = true;
    }
    auto g = create_gpu_context(0);
    if (!g.ok()) {
        std::fprintf(stderr, "bench_gpu: %s\n", g.status().to_string().c_str());
        return 77;
    }
    Bench B;
    B.gpu = std::move(g).value();
    B.ctx = OpContext{Device::cuda, nullptr, B.gpu.get(), Precision::fp32};
    auto info = gpu_info(0).value();
    const double bw = copy_bandwidth(B);
    std::printf("device=%s sms=%d copy_bandwidth_TBps=%.3f tensor_core_layout_verified=%d\n", info.name.c_str(), info.sm_count,
                bw / 1e12, int(cuda::accumulator_layout_verified(B.ctx)));
    json out = {{"device", info.name}, {"copy_bandwidth_tbps", bw / 1e12}};
    auto want = [&](const char* n) { return only.empty() || only == n; };
    if (want("lightning")) out["lightning_prefill"] = bench_lightning(B, quick, bw);
    if (want("decode")) out["lightning_decode"] = bench_decode(B);
    if (want("attention")) out["attention"] = bench_attention(B);
    double gemm_peak = 795e12;
    if (want("gemm")) {
        out["gemm"] = bench_gemm(B);
        double best = 0;
        for (const auto& r : out["gemm"]) best = std::max(best, r["tflops"].get<double>() * 1e12);
        if (best > 0) gemm_peak = best;  // the compute ceiling for the end-to-end floor
    }
    if (want("e2e")) out["e2e"] = bench_e2e(B, quick, bw, gemm_peak);
    if (!json_path.empty()) {
        FILE* f = std::fopen(json_path.c_str(), "w");
        if (f) {
            const std::string s = out.dump(2);
            std::fwrite(s.data(), 1, s.size(), f);
            std::fclose(f);
        }
    }
    return 0;
}
