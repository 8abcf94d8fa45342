// MiniMax-Text-01 / MiniMax-M1 text model (spec §2): lightning + softmax layers, top-k MoE,
// post-norm residuals with α/β, untied f32 LM head. Weights are views into the mapped files.
#pragma once

#include <memory>
#include <vector>

#include "io/model_config.h"
#include "io/weight_store.h"
#include "models/causal_lm.h"
#include "ops/moe_experts.h"

namespace farsight {

struct LightningLayerWeights {
    TensorView qkv;   // [3·H·d, n_embd], per-head interleaved q|k|v
    TensorView gate;  // [H·d, n_embd] output gate
    TensorView norm;  // [H·d] RMSNorm weight, eps 1e-6
    TensorView out;   // [n_embd, H·d]
    std::vector<float> lambda;  // [H] decay rates for this layer
};

struct SoftmaxLayerWeights {
    TensorView q, k, v;  // [H·d, n_embd], [H_kv·d, n_embd], [H_kv·d, n_embd]
    TensorView o;        // [n_embd, H·d]
};

using ExpertWeights = ExpertView;  // w1 gate, w3 up [n_ff, n_embd]; w2 down [n_embd, n_ff]

struct MiniMaxLayerWeights {
    LayerKind kind = LayerKind::lightning;
    TensorView input_norm;  // [n_embd]
    TensorView post_norm;   // [n_embd]
    LightningLayerWeights lightning;
    SoftmaxLayerWeights softmax;
    TensorView router;      // [n_expert, n_embd] (f32 in real checkpoints)
    ExpertTable experts;
};

struct MiniMaxWeights {
    TensorView embed;    // [n_vocab, n_embd]
    TensorView norm;     // [n_embd] final RMSNorm
    TensorView lm_head;  // [n_vocab, n_embd]
    std::vector<MiniMaxLayerWeights> layers;
};

class MiniMaxText final : public CausalLM {
public:
    // Binds and checks every tensor (names of spec §3.1, optional `language_model.` prefix, HF-native
    // decay buffers ignored) against the config before anything is computed.
    static Result<std::unique_ptr<MiniMaxText>> create(const ModelConfig& config, std::shared_ptr<const WeightStore> store);
    // Random bf16 weights (N(0, std)) held in memory, for benchmarks at real shapes without files.
    static Result<std::unique_ptr<MiniMaxText>> create_synthetic(const ModelConfig& config, uint64_t seed, float std = 0.02f);
    // The same, generated directly in GPU memory (bf16 projections, f32 router) by `ctx`'s device.
    static Result<std::unique_ptr<MiniMaxText>> create_synthetic_on_device(const ModelConfig& config, const OpContext& ctx,
                                                                          uint64_t seed, float std = 0.02f);

    const ModelConfig& config() const { return m_config; }
    const MiniMaxWeights& weights() const { return m_w; }

    std::string architecture() const override { return "minimax_text"; }
    int64_t n_vocab() const override { return m_config.n_vocab; }
    int64_t n_ctx_train() const override { return m_config.n_ctx_train; }
    StateLayout state_layout() const override;
    std::string identity() const override;
    uint64_t weight_bytes() const;
    void describe(ModelInfo& info) const override;
    Status forward(const OpContext& ctx, SequenceState& state, Workspace& ws, std::span<const int32_t> tokens,
                   LogitsMode mode, float* logits, const TensorView* embeddings = nullptr) const override;

    // Moves every weight to the GPU in the dtype `precision` asks for: fp32 → all f32 (the
    // validation mode); bf16 → projections and embeddings bf16, router f32 (spec §6.2), norms as
    // stored. Afterwards forward() must be given a CUDA OpContext.
    Status to_device(Precision precision);
    Device device() const { return m_device; }

    // Hidden states after every layer for the last `n_rows` positions of the chunk (golden tests).
    void capture_hidden(std::vector<std::vector<float>>* sink, int64_t n_rows) const {
        m_capture = sink;
        m_capture_rows = n_rows;
    }

private:
    MiniMaxText(ModelConfig config, std::shared_ptr<const WeightStore> store) : m_config(std::move(config)), m_store(std::move(store)) {}
    Status bind_weights();

    ModelConfig m_config;
    std::shared_ptr<const WeightStore> m_store;
    std::vector<HostBuffer> m_owned;  // copies of tensors stored unaligned in the file
    std::vector<Buffer> m_device_owned;  // GPU copies after to_device()
    Device m_device = Device::cpu;
    MiniMaxWeights m_w;
    mutable std::vector<std::vector<float>>* m_capture = nullptr;
    mutable int64_t m_capture_rows = 0;
};

}  // namespace farsight
