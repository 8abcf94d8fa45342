// DecoderLM: the shared skeleton of the llama family's pre-norm decoders (embedding → per layer
// x += attn(rms_norm(x)), x += mlp(rms_norm(x)) → final norm → LM head). Each architecture (llama.h,
// qwen2.h, mixtral.h) owns its weights struct and supplies the layer pieces.
#pragma once

#include <memory>
#include <vector>

#include "models/blocks/llama_blocks.h"
#include "models/causal_lm.h"
#include "models/llama_config.h"
#include "models/llama_tensors.h"

namespace farsight {

// Weights every pre-norm decoder has, outside its layers.
struct DecoderCommonWeights {
    TensorView embed;    // [n_vocab, n_embd] (any matmul dtype: GGUF q8_0 / q4_k … rows are decoded)
    TensorView norm;     // [n_embd] f32/bf16/f16
    TensorView lm_head;  // [n_vocab, n_embd]; the embedding when tied
};

class DecoderLM : public CausalLM {
public:
    const LlamaConfig& config() const { return m_config; }

    std::string architecture() const override { return m_config.architecture; }
    int64_t n_vocab() const override { return m_config.n_vocab; }
    int64_t n_ctx_train() const override { return m_config.n_ctx_train; }
    StateLayout state_layout() const override;
    std::string identity() const override { return m_config.architecture + ":" + m_tensors->fingerprint(); }
    void describe(ModelInfo& info) const override;
    Status forward(const OpContext& ctx, SequenceState& state, Workspace& ws, std::span<const int32_t> tokens,
                   LogitsMode mode, float* logits, const TensorView* embeddings = nullptr) const override;

protected:
    DecoderLM(LlamaConfig config, std::unique_ptr<LlamaTensors> tensors);
    // Binds embed/norm/lm_head (tied when the config says so or the file has no head).
    void bind_common(DecoderCommonWeights& w);
    AttentionWeights bind_attention(int64_t l, bool biases);
    AttentionParams attention_params() const;

    virtual const DecoderCommonWeights& common() const = 0;
    virtual const TensorView& attn_norm(int64_t l) const = 0;
    virtual const TensorView& ffn_norm(int64_t l) const = 0;
    virtual Status attention(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, int64_t pos0,
                             SequenceState& state, const TensorView& a) const = 0;
    virtual Status mlp(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, const TensorView& a) const = 0;
    virtual int64_t active_mlp_params() const = 0;  // per layer, per token
    virtual int64_t total_mlp_params() const = 0;   // per layer

    LlamaConfig m_config;
    std::unique_ptr<LlamaTensors> m_tensors;
    std::vector<float> m_inv_freq;  // [rotary_dim / 2], scaling and GGUF rope_freqs applied
};

}  // namespace farsight
