// Qwen2 / Qwen2.5 (transformers' modeling_qwen2; llama.cpp's LLM_ARCH_QWEN2): the Llama decoder
// with biases on the q/k/v projections, NeoX RoPE in both GGUF and safetensors, often tied embeddings.
#pragma once

#include <memory>
#include <vector>

#include "models/decoder_lm.h"

namespace farsight {

struct Qwen2LayerWeights {
    TensorView attn_norm;   // [n_embd]
    AttentionWeights attn;  // q/k/v/o and the q/k/v biases [H·d], [H_kv·d], [H_kv·d]
    TensorView ffn_norm;    // [n_embd]
    DenseMlpWeights mlp;
};

struct Qwen2Weights {
    DecoderCommonWeights common;
    std::vector<Qwen2LayerWeights> layers;
};

class Qwen2Model final : public DecoderLM {
public:
    static Result<std::unique_ptr<Qwen2Model>> create(LlamaConfig config, std::unique_ptr<LlamaTensors> tensors);
    const Qwen2Weights& weights() const { return m_w; }

protected:
    const DecoderCommonWeights& common() const override { return m_w.common; }
    const TensorView& attn_norm(int64_t l) const override { return m_w.layers[static_cast<size_t>(l)].attn_norm; }
    const TensorView& ffn_norm(int64_t l) const override { return m_w.layers[static_cast<size_t>(l)].ffn_norm; }
    Status attention(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, int64_t pos0, SequenceState& state,
                     const TensorView& a) const override;
    Status mlp(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, const TensorView& a) const override;
    int64_t active_mlp_params() const override { return 3 * m_config.n_ff * m_config.n_embd; }
    int64_t total_mlp_params() const override { return active_mlp_params(); }

private:
    using DecoderLM::DecoderLM;
    Qwen2Weights m_w;
};

}  // namespace farsight
