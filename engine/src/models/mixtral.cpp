// MixtralModel: binding (router + experts in any stored layout, see LlamaTensors::expert) and its
// sub-layers (attention_block, moe_block).
#include "models/mixtral.h"

namespace farsight {

Result<std::unique_ptr<MixtralModel>> MixtralModel::create(LlamaConfig config, std::unique_ptr<LlamaTensors> tensors) {
    if (config.architecture != "mixtral") return Status(ErrorCode::unsupported, "MixtralModel cannot run " + config.architecture);
    std::unique_ptr<MixtralModel> m(new MixtralModel(std::move(config), std::move(tensors)));
    const LlamaConfig& c = m->m_config;
    m->bind_common(m->m_w.common);
    m->m_w.layers.resize(static_cast<size_t>(c.n_layer));
    for (int64_t l = 0; l < c.n_layer; ++l) {
        MixtralLayerWeights& lw = m->m_w.layers[static_cast<size_t>(l)];
        const std::string p = "blk." + std::to_string(l) + ".";
        lw.attn_norm = m->m_tensors->bind(p + "attn_norm.weight", {c.n_embd});
        lw.attn = m->bind_attention(l, c.attention_bias);
        lw.ffn_norm = m->m_tensors->bind(p + "ffn_norm.weight", {c.n_embd});
        lw.router = m->m_tensors->router(l, c.n_expert, c.n_embd);
        lw.experts.resize(static_cast<size_t>(c.n_expert));
        for (int64_t e = 0; e < c.n_expert; ++e) {
            ExpertWeights& ew = lw.experts[static_cast<size_t>(e)];
            ew.w1 = m->m_tensors->expert(l, e, ExpertPart::gate, c.n_ff, c.n_embd);
            ew.w3 = m->m_tensors->expert(l, e, ExpertPart::up, c.n_ff, c.n_embd);
            ew.w2 = m->m_tensors->expert(l, e, ExpertPart::down, c.n_ff, c.n_embd);
        }
    }
    FS_RETURN_IF_ERROR(m->m_tensors->finish());
    return m;
}

Status MixtralModel::attention(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, int64_t pos0,
                               SequenceState& state, const TensorView& a) const {
    const size_t i = static_cast<size_t>(l);
    return attention_block(ctx, ws, m_w.layers[i].attn, attention_params(), h, pos0, state.kv_capacity(), state.k_cache(i),
                           state.v_cache(i), a);
}

Status MixtralModel::mlp(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, const TensorView& a) const {
    const MixtralLayerWeights& lw = m_w.layers[static_cast<size_t>(l)];
    return moe_block(ctx, ws, lw.router, lw.experts, m_config.n_expert_used, h, a);
}

}  // namespace farsight
