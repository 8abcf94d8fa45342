// Qwen2Model: binding (biases required) and its sub-layers.
#include "models/qwen2.h"

namespace farsight {

Result<std::unique_ptr<Qwen2Model>> Qwen2Model::create(LlamaConfig config, std::unique_ptr<LlamaTensors> tensors) {
    if (config.architecture != "qwen2") return Status(ErrorCode::unsupported, "Qwen2Model cannot run " + config.architecture);
    std::unique_ptr<Qwen2Model> m(new Qwen2Model(std::move(config), std::move(tensors)));
    const LlamaConfig& c = m->m_config;
    m->bind_common(m->m_w.common);
    m->m_w.layers.resize(static_cast<size_t>(c.n_layer));
    for (int64_t l = 0; l < c.n_layer; ++l) {
        Qwen2LayerWeights& lw = m->m_w.layers[static_cast<size_t>(l)];
        const std::string p = "blk." + std::to_string(l) + ".";
        lw.attn_norm = m->m_tensors->bind(p + "attn_norm.weight", {c.n_embd});
        lw.attn = m->bind_attention(l, /*biases=*/true);
        lw.ffn_norm = m->m_tensors->bind(p + "ffn_norm.weight", {c.n_embd});
        lw.mlp.gate = m->m_tensors->bind(p + "ffn_gate.weight", {c.n_ff, c.n_embd});
        lw.mlp.up = m->m_tensors->bind(p + "ffn_up.weight", {c.n_ff, c.n_embd});
        lw.mlp.down = m->m_tensors->bind(p + "ffn_down.weight", {c.n_embd, c.n_ff});
    }
    FS_RETURN_IF_ERROR(m->m_tensors->finish());
    return m;
}

Status Qwen2Model::attention(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, int64_t pos0,
                             SequenceState& state, const TensorView& a) const {
    const size_t i = static_cast<size_t>(l);
    return attention_block(ctx, ws, m_w.layers[i].attn, attention_params(), h, pos0, state.kv_capacity(), state.k_cache(i),
                           state.v_cache(i), a);
}

Status Qwen2Model::mlp(const OpContext& ctx, Workspace& ws, int64_t l, const TensorView& h, const TensorView& a) const {
    return dense_mlp_block(ctx, ws, m_w.layers[static_cast<size_t>(l)].mlp, h, a);
}

}  // namespace farsight
