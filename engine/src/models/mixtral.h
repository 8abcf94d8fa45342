// Mixtral 8x7B-style MoE (transformers' modeling_mixtral; in GGUF it is general.architecture
// "llama" with expert_count): the Llama decoder whose MLP is a top-k mixture of SwiGLU experts
// (softmax → top-k → renormalise: blocks.h moe_block, shared with MiniMax).
#pragma once

#include <memory>
#include <vector>

#include "models/decoder_lm.h"
#include "models/minimax_text.h"  // ExpertWeights, the expert triple moe_block takes

namespace farsight {

struct MixtralLayerWeights {
    TensorView attn_norm;  // [n_embd]
    AttentionWeights attn;
    TensorView ffn_norm;   // [n_embd]
    TensorView router;     // [n_expert, n_embd]
    std::vector<ExpertWeights> experts;  // w1 gate / w3 up [n_ff, n_embd], w2 down [n_embd, n_ff]
};

struct MixtralWeights {
    DecoderCommonWeights common;
    std::vector<MixtralLayerWeights> layers;
};

class MixtralModel final : public DecoderLM {
public:
    static Result<std::unique_ptr<MixtralModel>> create(LlamaConfig config, std::unique_ptr<LlamaTensors> tensors);
    const MixtralWeights& weights() const { return m_w; }

protected:
    const DecoderCommonWeights& common() const override { return m_w.common; }
    const TensorView& attn_norm(int64_t l) const override { return m_w.layers[static_cast<size_t>(l)].attn_norm; }
    const TensorView& ffn_norm(int64_t l) const override { return m_w.layers[static_cast<size_t>(l)].ffn_norm; }
    Status attention(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, int64_t pos0, SequenceState& state,
                     const TensorView& a) const override;
    Status mlp(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, const TensorView& a) const override;
    int64_t active_mlp_params() const override {
        return m_config.n_expert * m_config.n_embd + m_config.n_expert_used * 3 * m_config.n_ff * m_config.n_embd;
    }
    int64_t total_mlp_params() const override {
        return m_config.n_expert * m_config.n_embd + m_config.n_expert * 3 * m_config.n_ff * m_config.n_embd;
    }

private:
    using DecoderLM::DecoderLM;
    MixtralWeights m_w;
};

}  // namespace farsight
