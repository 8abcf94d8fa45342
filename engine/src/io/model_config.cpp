// config.json parsing for MiniMax-Text-01 / M1 (legacy remote-code schema) and transformers'
// native MiniMaxConfig (spec §1.1 key table). VL-01 configs are read through their text_config.
#include "io/model_config.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace farsight {
namespace {

using nlohmann::json;

Status bad(const std::string& msg) { return Status(ErrorCode::bad_config, "config.json: " + msg); }

// Reads an integer key; `required` keys must exist. Values must be within [lo, hi].
Status get_int(const json& j, const char* key, int64_t* out, bool required, int64_t lo, int64_t hi) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required) return bad(std::string("missing key '") + key + "'");
        return {};
    }
    if (!it->is_number_integer() && !(it->is_number_float() && std::floor(it->get<double>()) == it->get<double>()))
        return bad(std::string("'") + key + "' must be an integer");
    int64_t v = it->is_number_integer() ? it->get<int64_t>() : static_cast<int64_t>(it->get<double>());
    if (v < lo || v > hi)
        return bad(std::string("'") + key + "' = " + std::to_string(v) + " is out of range [" + std::to_string(lo) +
                   ", " + std::to_string(hi) + "]");
    *out = v;
    return {};
}

Status get_double(const json& j, const char* key, double* out, bool required = false) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required) return bad(std::string("missing key '") + key + "'");
        return {};
    }
    if (!it->is_number()) return bad(std::string("'") + key + "' must be a number");
    double v = it->get<double>();
    if (!std::isfinite(v)) return bad(std::string("'") + key + "' must be finite");
    *out = v;
    return {};
}

std::optional<int64_t> get_token_id(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;  // lists of eos ids: handled by the tokenizer side
    return it->get<int64_t>();
}

bool is_minimax_type(const std::string& t) {
    return t == "minimax_text_01" || t == "minimax_m1" || t == "minimax";
}

}  // namespace

int64_t ModelConfig::n_lightning_layers() const {
    int64_t n = 0;
    for (LayerKind k : layer_kinds) n += k == LayerKind::lightning;
    return n;
}
int64_t ModelConfig::n_softmax_layers() const { return static_cast<int64_t>(layer_kinds.size()) - n_lightning_layers(); }

Result<ModelConfig> parse_model_config(std::string_view json_text) {
    json root = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) return bad("not valid JSON");
    if (!root.is_object()) return bad("top level is not an object");

    std::string top_type = root.value("model_type", std::string());
    const json* jp = &root;
    if (top_type == "minimax_vl_01" || top_type == "llava_next") {
        auto tc = root.find("text_config");
        if (tc == root.end() || !tc->is_object()) return bad("'" + top_type + "' config has no text_config object");
        jp = &*tc;
    }
    const json& j = *jp;
    ModelConfig c;
    c.model_type = j.value("model_type", top_type);
    if (!is_minimax_type(c.model_type)) {
        std::string archs;
        if (auto a = root.find("architectures"); a != root.end() && a->is_array() && !a->empty() && (*a)[0].is_string())
            archs = (*a)[0].get<std::string>();
        return Status(ErrorCode::unsupported, "config.json: model_type '" + c.model_type + "'" +
                                                  (archs.empty() ? "" : " (" + archs + ")") + " is not supported");
    }
    c.architecture = "minimax_text";

    constexpr int64_t kBig = int64_t{1} << 40;
    FS_RETURN_IF_ERROR(get_int(j, "hidden_size", &c.n_embd, true, 1, 1 << 20));
    FS_RETURN_IF_ERROR(get_int(j, "num_hidden_layers", &c.n_layer, true, 1, 4096));
    FS_RETURN_IF_ERROR(get_int(j, "num_attention_heads", &c.n_head, true, 1, 4096));
    c.n_head_kv = c.n_head;
    FS_RETURN_IF_ERROR(get_int(j, "num_key_value_heads", &c.n_head_kv, false, 1, 4096));
    c.head_dim = c.n_embd / c.n_head;
    FS_RETURN_IF_ERROR(get_int(j, "head_dim", &c.head_dim, false, 1, 65536));
    FS_RETURN_IF_ERROR(get_int(j, "intermediate_size", &c.n_ff, true, 1, 1 << 24));
    FS_RETURN_IF_ERROR(get_int(j, "vocab_size", &c.n_vocab, true, 1, 1 << 24));
    FS_RETURN_IF_ERROR(get_int(j, "num_local_experts", &c.n_expert, true, 1, 65536));
    FS_RETURN_IF_ERROR(get_int(j, "num_experts_per_tok", &c.n_expert_used, true, 1, 65536));
    FS_RETURN_IF_ERROR(get_int(j, "max_position_embeddings", &c.n_ctx_train, false, 0, kBig));
    if (c.n_head % c.n_head_kv != 0)
        return bad("num_attention_heads (" + std::to_string(c.n_head) + ") is not a multiple of num_key_value_heads (" +
                   std::to_string(c.n_head_kv) + ")");
    if (c.n_expert_used > c.n_expert) return bad("num_experts_per_tok exceeds num_local_experts");

    // Shared experts are not in any released checkpoint; refuse instead of computing the wrong thing.
    if (auto it = j.find("shared_intermediate_size"); it != j.end()) {
        bool zero = (it->is_number_integer() && it->get<int64_t>() == 0) ||
                    (it->is_array() && std::all_of(it->begin(), it->end(), [](const json& v) {
                         return v.is_number_integer() && v.get<int64_t>() == 0;
                     }));
        if (!zero) return Status(ErrorCode::unsupported, "config.json: shared experts (shared_intermediate_size > 0) are not supported");
    }
    if (auto it = j.find("postnorm"); it != j.end() && it->is_boolean()) c.postnorm = it->get<bool>();
    if (auto it = j.find("tie_word_embeddings"); it != j.end() && it->is_boolean()) c.tie_word_embeddings = it->get<bool>();
    FS_RETURN_IF_ERROR(get_double(j, "rms_norm_eps", &c.rms_norm_eps));
    c.bos_token_id = get_token_id(j, "bos_token_id");
    c.eos_token_id = get_token_id(j, "eos_token_id");

    // Layer kinds: legacy attn_type_list (0 = lightning, 1 = softmax) or native layer_types.
    if (auto it = j.find("attn_type_list"); it != j.end()) {
        if (!it->is_array()) return bad("'attn_type_list' must be a list");
        for (const json& v : *it) {
            if (!v.is_number_integer() || (v.get<int64_t>() != 0 && v.get<int64_t>() != 1))
                return bad("'attn_type_list' entries must be 0 (lightning) or 1 (softmax)");
            c.layer_kinds.push_back(v.get<int64_t>() == 1 ? LayerKind::softmax : LayerKind::lightning);
        }
    } else if (auto lt = j.find("layer_types"); lt != j.end()) {
        if (!lt->is_array()) return bad("'layer_types' must be a list");
        for (const json& v : *lt) {
            std::string s = v.is_string() ? v.get<std::string>() : "";
            if (s == "linear_attention") c.layer_kinds.push_back(LayerKind::lightning);
            else if (s == "full_attention") c.layer_kinds.push_back(LayerKind::softmax);
            else return bad("'layer_types' entries must be \"linear_attention\" or \"full_attention\"");
        }
    } else {
        return bad("missing 'attn_type_list' (or 'layer_types')");
    }
    if (static_cast<int64_t>(c.layer_kinds.size()) != c.n_layer)
        return bad("the layer-type list has " + std::to_string(c.layer_kinds.size()) + " entries for " +
                   std::to_string(c.n_layer) + " layers");

    // Residual weights: legacy keys first, then native *_factor keys.
    FS_RETURN_IF_ERROR(get_double(j, "layernorm_linear_attention_alpha", &c.alpha_lightning));
    FS_RETURN_IF_ERROR(get_double(j, "layernorm_linear_attention_beta", &c.beta_lightning));
    FS_RETURN_IF_ERROR(get_double(j, "layernorm_full_attention_alpha", &c.alpha_softmax));
    FS_RETURN_IF_ERROR(get_double(j, "layernorm_full_attention_beta", &c.beta_softmax));
    FS_RETURN_IF_ERROR(get_double(j, "layernorm_mlp_alpha", &c.alpha_mlp));
    FS_RETURN_IF_ERROR(get_double(j, "layernorm_mlp_beta", &c.beta_mlp));
    FS_RETURN_IF_ERROR(get_double(j, "linear_attn_alpha_factor", &c.alpha_lightning));
    FS_RETURN_IF_ERROR(get_double(j, "linear_attn_beta_factor", &c.beta_lightning));
    FS_RETURN_IF_ERROR(get_double(j, "full_attn_alpha_factor", &c.alpha_softmax));
    FS_RETURN_IF_ERROR(get_double(j, "full_attn_beta_factor", &c.beta_softmax));
    FS_RETURN_IF_ERROR(get_double(j, "mlp_alpha_factor", &c.alpha_mlp));
    FS_RETURN_IF_ERROR(get_double(j, "mlp_beta_factor", &c.beta_mlp));

    // RoPE: legacy rope_theta + rotary_dim; native rope_parameters {rope_theta, partial_rotary_factor}.
    // transformers' plain MiniMaxForCausalLM rotates the whole head (spec §6.4), so a native config
    // without partial_rotary_factor means rotary_dim = head_dim.
    c.rotary_dim = c.head_dim;
    FS_RETURN_IF_ERROR(get_double(j, "rope_theta", &c.rope_theta));
    FS_RETURN_IF_ERROR(get_int(j, "rotary_dim", &c.rotary_dim, false, 0, 65536));
    if (auto rp = j.find("rope_parameters"); rp != j.end() && rp->is_object()) {
        FS_RETURN_IF_ERROR(get_double(*rp, "rope_theta", &c.rope_theta));
        double factor = 0;
        FS_RETURN_IF_ERROR(get_double(*rp, "partial_rotary_factor", &factor));
        if (factor > 0) c.rotary_dim = static_cast<int64_t>(std::llround(factor * static_cast<double>(c.head_dim)));
        if (auto t = rp->find("rope_type"); t != rp->end() && t->is_string() && t->get<std::string>() != "default")
            return Status(ErrorCode::unsupported, "config.json: rope_type '" + t->get<std::string>() + "' is not supported");
    }
    if (c.rotary_dim > c.head_dim) c.rotary_dim = c.head_dim;  // tiny hub configs carry rotary_dim > head_dim (spec §7.4)
    if (c.rotary_dim % 2 != 0) return bad("rotary_dim must be even");
    if (!(c.rope_theta > 0)) return bad("rope_theta must be positive");
    FS_RETURN_IF_ERROR(get_int(j, "block_size", &c.block_size, false, 1, 1 << 16));
    return c;
}

Result<ModelConfig> load_model_config(const std::filesystem::path& config_json) {
    std::ifstream f(config_json, std::ios::binary);
    if (!f) return Status(ErrorCode::not_found, "cannot open " + config_json.string());
    f.seekg(0, std::ios::end);
    auto size = static_cast<uint64_t>(f.tellg());
    if (size > (uint64_t{16} << 20)) return Status(ErrorCode::bad_config, config_json.string() + " is larger than 16 MiB");
    f.seekg(0);
    std::string text(size, '\0');
    f.read(text.data(), static_cast<std::streamsize>(size));
    auto r = parse_model_config(text);
    if (!r.ok()) return r.status().with_context(config_json.string());
    return r;
}

}  // namespace farsight
