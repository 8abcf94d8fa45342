// DecoderLM: binding helpers and the forward pass of transformers' LlamaModel.forward (pre-norm,
// plain residuals, final RMSNorm, LM head on the requested rows).
#include "models/decoder_lm.h"

#include <cstring>

#include "ops/activations.h"
#include "ops/embedding.h"
#include "ops/matmul.h"
#include "ops/rms_norm.h"

namespace farsight {

DecoderLM::DecoderLM(LlamaConfig config, std::unique_ptr<LlamaTensors> tensors)
    : m_config(std::move(config)), m_tensors(std::move(tensors)) {
    std::vector<float> factors;
    // GGUF Llama 3.x stores its rope scaling as per-frequency divisors.
    if (m_tensors->is_gguf() && m_tensors->has("rope_freqs.weight")) {
        TensorView f = m_tensors->bind("rope_freqs.weight", {m_config.rotary_dim / 2});
        if (!f.empty() && f.dtype == DType::f32) factors.assign(f.f32(), f.f32() + m_config.rotary_dim / 2);
    }
    m_inv_freq = rope_inv_freq(m_config.rotary_dim, m_config.rope_theta, m_config.rope_scaling, factors);
}

void DecoderLM::bind_common(DecoderCommonWeights& w) {
    const LlamaConfig& c = m_config;
    w.embed = m_tensors->bind("token_embd.weight", {c.n_vocab, c.n_embd});
    w.norm = m_tensors->bind("output_norm.weight", {c.n_embd});
    const bool tied = c.tie_word_embeddings && !m_tensors->has("output.weight");
    w.lm_head = tied ? w.embed : m_tensors->bind("output.weight", {c.n_vocab, c.n_embd});
}

AttentionWeights DecoderLM::bind_attention(int64_t l, bool biases) {
    const LlamaConfig& c = m_config;
    const std::string p = "blk." + std::to_string(l) + ".";
    const int64_t qd = c.n_head * c.head_dim, kvd = c.n_head_kv * c.head_dim;
    AttentionWeights a;
    a.q = m_tensors->bind(p + "attn_q.weight", {qd, c.n_embd});
    a.k = m_tensors->bind(p + "attn_k.weight", {kvd, c.n_embd});
    a.v = m_tensors->bind(p + "attn_v.weight", {kvd, c.n_embd});
    a.o = m_tensors->bind(p + "attn_output.weight", {c.n_embd, qd});
    a.q_bias = m_tensors->bind(p + "attn_q.bias", {qd}, !biases);
    a.k_bias = m_tensors->bind(p + "attn_k.bias", {kvd}, !biases);
    a.v_bias = m_tensors->bind(p + "attn_v.bias", {kvd}, !biases);
    return a;
}

AttentionParams DecoderLM::attention_params() const {
    return {m_config.n_head, m_config.n_head_kv, m_config.head_dim, m_inv_freq, m_config.rope_pairing};
}

StateLayout DecoderLM::state_layout() const {
    StateLayout layout;
    for (int64_t l = 0; l < m_config.n_layer; ++l) {
        LayerStateSpec s;
        s.kv_heads = m_config.n_head_kv;
        s.head_dim = m_config.head_dim;
        layout.layers.push_back(s);
    }
    return layout;
}

void DecoderLM::describe(ModelInfo& info) const {
    const LlamaConfig& c = m_config;
    const int64_t e = c.n_embd, qd = c.n_head * c.head_dim, kvd = c.n_head_kv * c.head_dim;
    const int64_t attn = 2 * qd * e + 2 * kvd * e + (c.attention_bias ? qd + 2 * kvd : 0) + 2 * e;
    const int64_t head = c.tie_word_embeddings ? 0 : c.n_vocab * e;
    const int64_t common = c.n_vocab * e + head + e + c.n_layer * attn;
    info.architecture = c.architecture;
    info.model_type = c.model_type;
    info.n_params = common + c.n_layer * total_mlp_params();
    info.n_active_params = common + c.n_layer * active_mlp_params();
    info.n_layers = c.n_layer;
    info.n_embd = e;
    info.n_vocab = c.n_vocab;
    info.n_ctx_train = c.n_ctx_train;
    info.state_bytes_per_sequence = 0;
    info.kv_bytes_per_token = state_layout().kv_bytes_per_token();
    info.weight_bytes = m_tensors->total_bytes();
    info.weight_dtype = m_tensors->dominant_dtype();
}

Status DecoderLM::forward(const OpContext& ctx, SequenceState& state, Workspace& ws, std::span<const int32_t> tokens,
                          LogitsMode mode, float* logits, const TensorView* embeddings) const {
    const LlamaConfig& c = m_config;
    const int64_t t = static_cast<int64_t>(tokens.size()), e = c.n_embd, pos0 = state.n_past();
    if (t == 0) return Status(ErrorCode::invalid_argument, "forward: no tokens");
    FS_RETURN_IF_ERROR(state.reserve(pos0 + t));
    FS_ASSIGN_OR_RETURN(TensorView x, ws.get(kSlotX, DType::f32, {t, e}));
    FS_ASSIGN_OR_RETURN(TensorView h, ws.get(kSlotH, DType::f32, {t, e}));
    FS_ASSIGN_OR_RETURN(TensorView a, ws.get(kSlotA, DType::f32, {t, e}));
    const DecoderCommonWeights& w = common();
    if (embeddings) {  // a vision-language model's spliced text + image rows (see causal_lm.h)
        if (embeddings->numel() != t * e || embeddings->dtype != DType::f32 || embeddings->device != ctx.device)
            return Status(ErrorCode::invalid_argument, "forward: embeddings must be f32 [T, n_embd] on the model's device");
        FS_RETURN_IF_ERROR(copy_bytes(x.data, ctx.device, embeddings->data, ctx.device, x.nbytes()));
    } else {
        FS_RETURN_IF_ERROR(embedding(ctx, w.embed, tokens, x));
    }
    const float eps = static_cast<float>(c.rms_norm_eps);
    for (int64_t l = 0; l < c.n_layer; ++l) {
        FS_RETURN_IF_ERROR(rms_norm(ctx, x, attn_norm(l), eps, h));
        FS_RETURN_IF_ERROR(attention(ctx, ws, l, h, pos0, state, a));
        FS_RETURN_IF_ERROR(scaled_residual(ctx, x, 1.0f, a, 1.0f, x));
        FS_RETURN_IF_ERROR(rms_norm(ctx, x, ffn_norm(l), eps, h));
        FS_RETURN_IF_ERROR(mlp(ctx, ws, l, h, a));
        FS_RETURN_IF_ERROR(scaled_residual(ctx, x, 1.0f, a, 1.0f, x));
    }
    state.append_tokens(tokens.data(), t);
    if (mode == LogitsMode::none) return {};
    const TensorView rows = mode == LogitsMode::last ? x.slice_rows(t - 1, 1) : x;
    const int64_t n_rows = rows.dim(0);
    TensorView hn = h.slice_rows(0, n_rows);
    FS_RETURN_IF_ERROR(rms_norm(ctx, rows, w.norm, eps, hn));
    return matmul(ctx, hn, w.lm_head, TensorView(logits, DType::f32, {n_rows, c.n_vocab}));
}

}  // namespace farsight
