// MiniMax text model: weight binding/validation and the forward pass of spec §2.7.
#include "models/minimax_text.h"

#include <cstring>

#include "models/blocks/blocks.h"
#include "models/weight_binder.h"
#include "ops/activations.h"
#include "ops/embedding.h"
#include "ops/lightning_attention.h"
#include "ops/matmul.h"
#include "ops/rms_norm.h"

namespace farsight {
namespace {

bool is_hf_decay_buffer(const std::string& name) {
    for (const char* suffix : {".slope_rate", ".query_decay", ".key_decay", ".diagonal_decay"}) {
        const size_t n = std::strlen(suffix);
        if (name.size() > n && name.compare(name.size() - n, n, suffix) == 0) return true;
    }
    return false;
}

}  // namespace

Result<std::unique_ptr<MiniMaxText>> MiniMaxText::create(const ModelConfig& config, std::shared_ptr<const WeightStore> store) {
    if (config.architecture != "minimax_text")
        return Status(ErrorCode::unsupported, "MiniMaxText cannot run architecture " + config.architecture);
    if (!config.postnorm)
        return Status(ErrorCode::unsupported, "config.json: postnorm=false is not used by any released MiniMax checkpoint");
    std::unique_ptr<MiniMaxText> m(new MiniMaxText(config, std::move(store)));
    FS_RETURN_IF_ERROR(m->bind_weights());
    return m;
}

Status MiniMaxText::bind_weights() {
    const ModelConfig& c = m_config;
    const int64_t e = c.n_embd, hd = c.n_head * c.head_dim, kvd = c.n_head_kv * c.head_dim;
    WeightBinder b(*m_store, detect_text_prefix(*m_store), &m_owned);
    b.ignore_if(is_hf_decay_buffer);
    m_w.embed = b.bind("model.embed_tokens.weight", {c.n_vocab, e});
    m_w.norm = b.bind("model.norm.weight", {e});
    m_w.lm_head = c.tie_word_embeddings ? m_w.embed : b.bind("lm_head.weight", {c.n_vocab, e});
    m_w.layers.resize(static_cast<size_t>(c.n_layer));
    for (int64_t l = 0; l < c.n_layer; ++l) {
        MiniMaxLayerWeights& lw = m_w.layers[static_cast<size_t>(l)];
        const std::string p = "model.layers." + std::to_string(l) + ".";
        lw.kind = c.layer_kinds[static_cast<size_t>(l)];
        lw.input_norm = b.bind(p + "input_layernorm.weight", {e});
        lw.post_norm = b.bind(p + "post_attention_layernorm.weight", {e});
        if (lw.kind == LayerKind::lightning) {
            lw.lightning.qkv = b.bind(p + "self_attn.qkv_proj.weight", {3 * hd, e});
            lw.lightning.gate = b.bind(p + "self_attn.output_gate.weight", {hd, e});
            lw.lightning.norm = b.bind(p + "self_attn.norm.weight", {hd});
            lw.lightning.out = b.bind(p + "self_attn.out_proj.weight", {e, hd});
            lw.lightning.lambda = lightning_decay(c.n_head, l, c.n_layer);
        } else {
            lw.softmax.q = b.bind(p + "self_attn.q_proj.weight", {hd, e});
            lw.softmax.k = b.bind(p + "self_attn.k_proj.weight", {kvd, e});
            lw.softmax.v = b.bind(p + "self_attn.v_proj.weight", {kvd, e});
            lw.softmax.o = b.bind(p + "self_attn.o_proj.weight", {e, hd});
        }
        lw.router = b.bind(p + "block_sparse_moe.gate.weight", {c.n_expert, e});
        lw.experts.experts.resize(static_cast<size_t>(c.n_expert));
        for (int64_t x = 0; x < c.n_expert; ++x) {
            const std::string ep = p + "block_sparse_moe.experts." + std::to_string(x) + ".";
            ExpertView& ev = lw.experts.experts[static_cast<size_t>(x)];
            ev.w1 = b.bind(ep + "w1.weight", {c.n_ff, e});
            ev.w3 = b.bind(ep + "w3.weight", {c.n_ff, e});
            ev.w2 = b.bind(ep + "w2.weight", {e, c.n_ff});
        }
    }
    return b.finish();
}

StateLayout MiniMaxText::state_layout() const {
    StateLayout layout;
    for (LayerKind k : m_config.layer_kinds) {
        LayerStateSpec s;
        if (k == LayerKind::lightning) s.recurrent_floats = m_config.n_head * m_config.head_dim * m_config.head_dim;
        else {
            s.kv_heads = m_config.n_head_kv;
            s.head_dim = m_config.head_dim;
        }
        layout.layers.push_back(s);
    }
    return layout;
}

std::string MiniMaxText::identity() const {
    return "minimax_text:" + (m_store ? m_store->fingerprint() : std::string("synthetic"));
}

void MiniMaxText::describe(ModelInfo& info) const {
    const ModelConfig& c = m_config;
    const int64_t e = c.n_embd, hd = c.n_head * c.head_dim, kvd = c.n_head_kv * c.head_dim;
    int64_t attn = 0;
    for (LayerKind k : c.layer_kinds) attn += k == LayerKind::lightning ? (3 * hd * e + hd * e + hd + e * hd) : (2 * hd * e + 2 * kvd * e);
    const int64_t per_expert = 3 * c.n_ff * e;
    const int64_t common = attn + c.n_layer * (2 * e + c.n_expert * e) + e + c.n_vocab * e * (c.tie_word_embeddings ? 1 : 2);
    info.architecture = "minimax_text";
    info.model_type = c.model_type;
    info.n_params = common + c.n_layer * c.n_expert * per_expert;
    info.n_active_params = common + c.n_layer * c.n_expert_used * per_expert;
    info.n_layers = c.n_layer;
    info.n_embd = e;
    info.n_vocab = c.n_vocab;
    info.n_ctx_train = c.n_ctx_train;
    info.state_bytes_per_sequence = state_layout().recurrent_bytes();
    info.kv_bytes_per_token = state_layout().kv_bytes_per_token();
}

Status MiniMaxText::forward(const OpContext& ctx, SequenceState& state, Workspace& ws, std::span<const int32_t> tokens,
                            LogitsMode mode, float* logits, const TensorView* embeddings) const {
    const ModelConfig& c = m_config;
    const int64_t t = static_cast<int64_t>(tokens.size()), e = c.n_embd, pos0 = state.n_past();
    if (t == 0) return Status(ErrorCode::invalid_argument, "forward: no tokens");
    FS_RETURN_IF_ERROR(state.reserve(pos0 + t));
    FS_ASSIGN_OR_RETURN(TensorView x, ws.get(kSlotX, DType::f32, {t, e}));
    FS_ASSIGN_OR_RETURN(TensorView h, ws.get(kSlotH, DType::f32, {t, e}));
    FS_ASSIGN_OR_RETURN(TensorView a, ws.get(kSlotA, DType::f32, {t, e}));
    if (embeddings) {
        if (embeddings->numel() != t * e || embeddings->dtype != DType::f32 || embeddings->device != ctx.device)
            return Status(ErrorCode::invalid_argument, "forward: embeddings must be f32 [T, n_embd] on the model's device");
        FS_RETURN_IF_ERROR(copy_bytes(x.data, ctx.device, embeddings->data, ctx.device, x.nbytes()));
    } else {
        FS_RETURN_IF_ERROR(embedding(ctx, m_w.embed, tokens, x));
    }
    const AttentionShape shape{c.n_head, c.n_head_kv, c.head_dim, c.rotary_dim, c.rope_theta};
    if (m_capture) m_capture->clear();

    for (int64_t l = 0; l < c.n_layer; ++l) {
        const MiniMaxLayerWeights& lw = m_w.layers[static_cast<size_t>(l)];
        FS_RETURN_IF_ERROR(rms_norm(ctx, x, lw.input_norm, static_cast<float>(c.rms_norm_eps), h));
        float alpha, beta;
        if (lw.kind == LayerKind::lightning) {
            FS_RETURN_IF_ERROR(lightning_block(ctx, ws, lw.lightning, c.n_head, c.head_dim,
                                               static_cast<float>(c.lightning_norm_eps), h,
                                               state.recurrent(static_cast<size_t>(l)), a));
            alpha = static_cast<float>(c.alpha_lightning);
            beta = static_cast<float>(c.beta_lightning);
        } else {
            const size_t li = static_cast<size_t>(l);
            const TensorView kc(state.k_data(li), state.kv_dtype(), {state.kv_capacity(), c.n_head_kv, c.head_dim}, ctx.device);
            const TensorView vc(state.v_data(li), state.kv_dtype(), {state.kv_capacity(), c.n_head_kv, c.head_dim}, ctx.device);
            FS_RETURN_IF_ERROR(softmax_block(ctx, ws, lw.softmax, shape, h, pos0, kc, vc, a));
            alpha = static_cast<float>(c.alpha_softmax);
            beta = static_cast<float>(c.beta_softmax);
        }
        // Post-norm: the residual is the normalised input h, not x (spec §2.2).
        FS_RETURN_IF_ERROR(scaled_residual(ctx, h, alpha, a, beta, x));
        FS_RETURN_IF_ERROR(rms_norm(ctx, x, lw.post_norm, static_cast<float>(c.rms_norm_eps), h));
        FS_RETURN_IF_ERROR(moe_block(ctx, ws, lw.router, lw.experts, c.n_expert_used, h, a));
        FS_RETURN_IF_ERROR(scaled_residual(ctx, h, static_cast<float>(c.alpha_mlp), a, static_cast<float>(c.beta_mlp), x));
        if (m_capture) {
            const int64_t rows = std::min(m_capture_rows, t);
            std::vector<float> hidden(static_cast<size_t>(rows * e));
            FS_RETURN_IF_ERROR(copy_bytes(hidden.data(), Device::cpu, x.f32() + (t - rows) * e, ctx.device, hidden.size() * 4));
            m_capture->push_back(std::move(hidden));
        }
    }
    state.append_tokens(tokens.data(), t);
    if (mode == LogitsMode::none) return {};
    const TensorView rows = mode == LogitsMode::last ? x.slice_rows(t - 1, 1) : x;
    const int64_t n_rows = rows.dim(0);
    TensorView hn = h.slice_rows(0, n_rows);
    FS_RETURN_IF_ERROR(rms_norm(ctx, rows, m_w.norm, static_cast<float>(c.rms_norm_eps), hn));
    if (ctx.device == Device::cpu) return matmul(ctx, hn, m_w.lm_head, TensorView(logits, DType::f32, {n_rows, c.n_vocab}));
    FS_ASSIGN_OR_RETURN(TensorView dev_logits, ws.get(kSlotLogitsIn, DType::f32, {n_rows, c.n_vocab}));
    FS_RETURN_IF_ERROR(matmul(ctx, hn, m_w.lm_head, dev_logits));
    return copy_bytes(logits, Device::cpu, dev_logits.data, ctx.device, dev_logits.nbytes());
}

}  // namespace farsight
