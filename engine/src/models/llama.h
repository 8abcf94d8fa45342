// Llama 2/3, Mistral and SmolLM2 (transformers' modeling_llama / modeling_mistral; llama.cpp's
// LLM_ARCH_LLAMA): pre-norm decoder, GQA attention with RoPE, dense SwiGLU MLP. From GGUF
// (general.architecture "llama", Q/K permuted → interleaved RoPE) or a safetensors folder.
#pragma once

#include <memory>
#include <vector>

#include "models/decoder_lm.h"

namespace farsight {

struct LlamaLayerWeights {
    TensorView attn_norm;   // [n_embd]
    AttentionWeights attn;  // q/k/v/o (biases only when config.attention_bias)
    TensorView ffn_norm;    // [n_embd]
    DenseMlpWeights mlp;    // gate/up [n_ff, n_embd], down [n_embd, n_ff]
};

struct LlamaWeights {
    DecoderCommonWeights common;
    std::vector<LlamaLayerWeights> layers;
};

class LlamaModel final : public DecoderLM {
public:
    static Result<std::unique_ptr<LlamaModel>> create(LlamaConfig config, std::unique_ptr<LlamaTensors> tensors);
    const LlamaWeights& weights() const { return m_w; }

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
    LlamaWeights m_w;
};

}  // namespace farsight
