// End-to-end CPU speed of the MiniMax text model: prefill and decode tokens/s for the fixture
// shapes and for a MiniMax-shaped model scaled to fit a 24 GB machine (real per-layer shapes:
// hidden 6144, 64 heads × 128, 8 KV heads, experts of 9216, 7 lightning + 1 softmax layer,
// 2 experts (top-2), vocabulary 200,064; random bf16 weights). Each figure is set against its
// floor from the same run: compute floor = FLOPs / measured sgemm rate, decode floor = bytes
// read per token / measured read bandwidth.
// Usage: bench_cpu_model [--fixtures DIR] [--big] [--threads N] [--json FILE]
#include <cstring>
#include <filesystem>

#include "bench_util.h"
#include "generate/generator.h"
#include "generate/sampler.h"
#include "io/model_config.h"
#include "models/minimax_text.h"

using namespace farsight;

namespace {

struct Row {
    std::string model;
    int64_t prompt = 0, decode = 0;
    double prefill_tps = 0, decode_tps = 0, prefill_floor_tps = 0, decode_floor_tps = 0;
    double weights_gib = 0;
};

// Per-token matmul FLOPs and bytes of weights read per decoded token (active parameters).
void cost_per_token(const MiniMaxText& m, double* flops, double* bytes) {
    const ModelConfig& c = m.config();
    ModelInfo info;
    m.describe(info);
    const double active_matmul = static_cast<double>(info.n_active_params) - static_cast<double>(c.n_vocab * c.n_embd);
    *flops = 2.0 * active_matmul;
    const double bytes_per_param = static_cast<double>(m.weights().lm_head.nbytes()) / static_cast<double>(c.n_vocab * c.n_embd);
    *bytes = active_matmul * bytes_per_param;
}

Row run(const std::string& name, const MiniMaxText& m, int64_t prompt_len, int64_t n_decode, ThreadPool& pool,
        double bw, double gemm) {
    OpContext ctx{Device::cpu, &pool, nullptr};
    const ModelConfig& c = m.config();
    std::vector<int32_t> prompt(static_cast<size_t>(prompt_len));
    for (int64_t i = 0; i < prompt_len; ++i) prompt[static_cast<size_t>(i)] = static_cast<int32_t>((i * 7919 + 13) % c.n_vocab);
    auto state = SequenceState::create(m.state_layout(), prompt_len + n_decode + 1).value();
    Workspace ws;
    Generator gen(m, ctx);
    std::vector<float> logits;
    const double t0 = bench::now_s();
    Status st = gen.prefill(state, ws, prompt, 512, nullptr, {}, &logits);
    const double t_prefill = bench::now_s() - t0;
    if (!st.ok()) std::fprintf(stderr, "%s: %s\n", name.c_str(), st.to_string().c_str());
    int32_t tok = argmax(logits);
    const double t1 = bench::now_s();
    for (int64_t k = 0; k < n_decode; ++k) {
        const int32_t one[1] = {tok};
        st = m.forward(ctx, state, ws, one, LogitsMode::last, logits.data());
        tok = argmax(logits);
    }
    const double t_decode = bench::now_s() - t1;
    double flops, bytes;
    cost_per_token(m, &flops, &bytes);
    Row r;
    r.model = name;
    r.prompt = prompt_len;
    r.decode = n_decode;
    r.prefill_tps = static_cast<double>(prompt_len) / t_prefill;
    r.decode_tps = static_cast<double>(n_decode) / t_decode;
    r.prefill_floor_tps = gemm / flops;
    r.decode_floor_tps = bw / bytes;
    r.weights_gib = static_cast<double>(m.weight_bytes()) / (1u << 30);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 0;
    bool big = false;
    std::string json_path, fixtures = std::string(FARSIGHT_SOURCE_DIR) + "/tests/fixtures/minimax-text";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json_path = argv[++i];
        else if (!std::strcmp(argv[i], "--fixtures") && i + 1 < argc) fixtures = argv[++i];
        else if (!std::strcmp(argv[i], "--big")) big = true;
    }
    ThreadPool pool(threads);
    const double bw = bench::measure_read_bandwidth(pool), gemm = bench::measure_sgemm_flops(pool);
    std::printf("threads=%d read_bandwidth_GBps=%.2f sgemm_GFLOPs=%.1f\n", pool.size(), bw / 1e9, gemm / 1e9);
    std::vector<Row> rows;
    for (const char* f : {"a1-tiny-hybrid", "a2-tiny-bf16"}) {
        const std::string dir = fixtures + "/" + f;
        auto cfg = load_model_config(dir + "/config.json");
        auto store = WeightStore::open(dir);
        if (!cfg.ok() || !store.ok()) {
            std::fprintf(stderr, "skipping %s: %s\n", f, (cfg.ok() ? store.status() : cfg.status()).to_string().c_str());
            continue;
        }
        auto m = MiniMaxText::create(cfg.value(), std::make_shared<WeightStore>(std::move(store).value()));
        for (int64_t len : {512, 4096}) rows.push_back(run(f, *m.value(), len, 128, pool, bw, gemm));
    }
    if (big) {
        ModelConfig c;
        c.architecture = "minimax_text";
        c.model_type = "minimax_m1";
        c.n_embd = 6144; c.n_head = 64; c.n_head_kv = 8; c.head_dim = 128; c.n_ff = 9216; c.n_vocab = 200064;
        c.n_expert = 2; c.n_expert_used = 2; c.n_layer = 8; c.rotary_dim = 64; c.rope_theta = 1e7;
        c.n_ctx_train = 1 << 20;
        c.layer_kinds.assign(8, LayerKind::lightning);
        c.layer_kinds[7] = LayerKind::softmax;
        c.alpha_lightning = c.alpha_softmax = c.alpha_mlp = 3.5565588200778455;
        std::printf("building the MiniMax-shaped model (random bf16 weights)...\n");
        auto m = MiniMaxText::create_synthetic(c, 1);
        if (!m.ok()) {
            std::fprintf(stderr, "cannot build the big model: %s\n", m.status().to_string().c_str());
        } else {
            rows.push_back(run("minimax-shaped-8L-2E", *m.value(), 128, 4, pool, bw, gemm));
            rows.push_back(run("minimax-shaped-8L-2E", *m.value(), 512, 4, pool, bw, gemm));
        }
    }
    std::printf("\n%-22s %7s %7s | %10s %10s %6s | %10s %10s %6s\n", "model", "prompt", "decode", "prefill/s", "floor/s",
                "ratio", "decode/s", "floor/s", "ratio");
    nlohmann::json out = nlohmann::json::array();
    for (const Row& r : rows) {
        std::printf("%-22s %7lld %7lld | %10.1f %10.1f %6.2f | %10.2f %10.2f %6.2f\n", r.model.c_str(), (long long)r.prompt,
                    (long long)r.decode, r.prefill_tps, r.prefill_floor_tps, r.prefill_tps / r.prefill_floor_tps, r.decode_tps,
                    r.decode_floor_tps, r.decode_tps / r.decode_floor_tps);
        out.push_back({{"model", r.model}, {"prompt_tokens", r.prompt}, {"decode_tokens", r.decode},
                       {"prefill_tok_s", r.prefill_tps}, {"prefill_compute_floor_tok_s", r.prefill_floor_tps},
                       {"decode_tok_s", r.decode_tps}, {"decode_bandwidth_floor_tok_s", r.decode_floor_tps},
                       {"weights_gib", r.weights_gib}});
    }
    bench::write_json(json_path, {{"bench", "cpu_model"}, {"threads", pool.size()}, {"read_bandwidth_gbps", bw / 1e9},
                                  {"sgemm_gflops", gemm / 1e9}, {"rows", out}});
    return 0;
}
