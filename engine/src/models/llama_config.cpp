// LlamaConfig from config.json (transformers' configuration_llama/mistral/qwen2/mixtral) and GGUF
// metadata (llama.cpp: llama-arch.cpp key names, llama-model.cpp's hparams loading).
#include "models/llama_config.h"

#include <cmath>

#include "io/gguf.h"
#include "io/json_util.h"

namespace farsight {
namespace {

using nlohmann::json;

Status bad(const std::string& msg) { return Status(ErrorCode::bad_config, "config.json: " + msg); }

Status get_int(const json& j, const char* key, int64_t* out, bool required, int64_t lo, int64_t hi) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return required ? bad(std::string("missing key '") + key + "'") : Status();
    if (!it->is_number_integer()) return bad(std::string("'") + key + "' must be an integer");
    const int64_t v = it->get<int64_t>();
    if (v < lo || v > hi) return bad(std::string("'") + key + "' = " + std::to_string(v) + " is out of range");
    *out = v;
    return {};
}

Status get_double(const json& j, const char* key, double* out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_number() || !std::isfinite(it->get<double>())) return bad(std::string("'") + key + "' must be a finite number");
    *out = it->get<double>();
    return {};
}

Status check(LlamaConfig& c, const char* where) {
    auto fail = [&](const std::string& m) { return Status(ErrorCode::bad_config, std::string(where) + ": " + m); };
    if (c.n_embd <= 0 || c.n_layer <= 0 || c.n_head <= 0 || c.n_ff <= 0 || c.n_vocab <= 0) return fail("missing sizes");
    if (c.n_head_kv <= 0) c.n_head_kv = c.n_head;
    if (c.n_head % c.n_head_kv != 0) return fail("the head count is not a multiple of the kv head count");
    if (c.head_dim <= 0) {
        if (c.n_embd % c.n_head != 0) return fail("hidden size is not a multiple of the head count");
        c.head_dim = c.n_embd / c.n_head;
    }
    if (c.rotary_dim <= 0) c.rotary_dim = c.head_dim;
    if (c.rotary_dim > c.head_dim || c.rotary_dim % 2) return fail("rotary dimension must be even and at most head_dim");
    if (c.n_expert > 0 && (c.n_expert_used <= 0 || c.n_expert_used > c.n_expert)) return fail("bad experts-per-token");
    if (c.rope_theta <= 0) return fail("rope theta must be positive");
    return {};
}

}  // namespace

bool is_llama_family_type(std::string_view t) { return t == "llama" || t == "mistral" || t == "qwen2" || t == "mixtral"; }

Result<LlamaConfig> parse_llama_config(std::string_view text) {
    FS_ASSIGN_OR_RETURN(json j, parse_json_strict(text, ErrorCode::bad_config));
    if (!j.is_object()) return bad("top level is not an object");
    LlamaConfig c;
    c.model_type = j.value("model_type", std::string());
    if (!is_llama_family_type(c.model_type))
        return Status(ErrorCode::unsupported, "config.json: model_type '" + c.model_type + "' is not a llama-family model");
    c.architecture = c.model_type == "mistral" ? "llama" : c.model_type;
    constexpr int64_t kBig = int64_t{1} << 40;
    FS_RETURN_IF_ERROR(get_int(j, "hidden_size", &c.n_embd, true, 1, 1 << 20));
    FS_RETURN_IF_ERROR(get_int(j, "num_hidden_layers", &c.n_layer, true, 1, 4096));
    FS_RETURN_IF_ERROR(get_int(j, "num_attention_heads", &c.n_head, true, 1, 4096));
    FS_RETURN_IF_ERROR(get_int(j, "num_key_value_heads", &c.n_head_kv, false, 1, 4096));
    FS_RETURN_IF_ERROR(get_int(j, "head_dim", &c.head_dim, false, 1, 65536));
    FS_RETURN_IF_ERROR(get_int(j, "intermediate_size", &c.n_ff, true, 1, 1 << 24));
    FS_RETURN_IF_ERROR(get_int(j, "vocab_size", &c.n_vocab, true, 1, 1 << 24));
    FS_RETURN_IF_ERROR(get_int(j, "max_position_embeddings", &c.n_ctx_train, false, 0, kBig));
    FS_RETURN_IF_ERROR(get_double(j, "rope_theta", &c.rope_theta));
    FS_RETURN_IF_ERROR(get_double(j, "rms_norm_eps", &c.rms_norm_eps));
    // transformers 5 moves rope_theta into rope_parameters; older files keep rope_scaling.
    const json* rs = nullptr;
    if (auto it = j.find("rope_parameters"); it != j.end() && it->is_object()) {
        rs = &*it;
        FS_RETURN_IF_ERROR(get_double(*rs, "rope_theta", &c.rope_theta));
    }
    if (auto it = j.find("rope_scaling"); it != j.end() && it->is_object()) rs = &*it;
    if (rs) {
        std::string type = rs->value("rope_type", rs->value("type", std::string("default")));
        if (type == "llama3") {
            c.rope_scaling.kind = RopeScaling::Kind::llama3;
            FS_RETURN_IF_ERROR(get_double(*rs, "factor", &c.rope_scaling.factor));
            FS_RETURN_IF_ERROR(get_double(*rs, "low_freq_factor", &c.rope_scaling.low_freq_factor));
            FS_RETURN_IF_ERROR(get_double(*rs, "high_freq_factor", &c.rope_scaling.high_freq_factor));
            FS_RETURN_IF_ERROR(get_double(*rs, "original_max_position_embeddings", &c.rope_scaling.original_max_position));
        } else if (type == "linear") {
            c.rope_scaling.kind = RopeScaling::Kind::linear;
            FS_RETURN_IF_ERROR(get_double(*rs, "factor", &c.rope_scaling.factor));
        } else if (type != "default") {
            return Status(ErrorCode::unsupported, "config.json: rope scaling '" + type + "' is not supported");
        }
    }
    if (auto it = j.find("tie_word_embeddings"); it != j.end() && it->is_boolean()) c.tie_word_embeddings = it->get<bool>();
    if (c.model_type == "qwen2") c.attention_bias = true;  // Qwen2Attention always has q/k/v biases
    if (auto it = j.find("attention_bias"); it != j.end() && it->is_boolean() && c.model_type != "qwen2")
        c.attention_bias = it->get<bool>();
    if (c.model_type == "mixtral") {
        FS_RETURN_IF_ERROR(get_int(j, "num_local_experts", &c.n_expert, true, 1, 4096));
        FS_RETURN_IF_ERROR(get_int(j, "num_experts_per_tok", &c.n_expert_used, true, 1, 4096));
    }
    if (auto it = j.find("bos_token_id"); it != j.end() && it->is_number_integer()) c.bos_token_id = it->get<int64_t>();
    if (auto it = j.find("eos_token_id"); it != j.end()) {
        if (it->is_number_integer()) c.eos_token_ids.push_back(it->get<int64_t>());
        else if (it->is_array())
            for (const json& v : *it)
                if (v.is_number_integer()) c.eos_token_ids.push_back(v.get<int64_t>());
    }
    c.rope_pairing = RopePairing::neox;  // HF checkpoints: rotate_half
    FS_RETURN_IF_ERROR(check(c, "config.json"));
    return c;
}

Result<LlamaConfig> llama_config_from_gguf(const GgufFile& g) {
    LlamaConfig c;
    FS_ASSIGN_OR_RETURN(c.model_type, g.get_string("general.architecture"));
    if (c.model_type != "llama" && c.model_type != "qwen2")
        return Status(ErrorCode::unsupported, "GGUF architecture '" + c.model_type + "' is not supported (llama, qwen2)");
    const std::string a = c.model_type + ".";
    FS_ASSIGN_OR_RETURN(c.n_embd, g.get_int(a + "embedding_length"));
    FS_ASSIGN_OR_RETURN(c.n_layer, g.get_int(a + "block_count"));
    FS_ASSIGN_OR_RETURN(c.n_head, g.get_int(a + "attention.head_count"));
    FS_ASSIGN_OR_RETURN(c.n_head_kv, g.get_int_or(a + "attention.head_count_kv", c.n_head));
    FS_ASSIGN_OR_RETURN(c.n_ff, g.get_int(a + "feed_forward_length"));
    FS_ASSIGN_OR_RETURN(c.n_ctx_train, g.get_int_or(a + "context_length", 0));
    FS_ASSIGN_OR_RETURN(c.rope_theta, g.get_float_or(a + "rope.freq_base", 10000.0));
    FS_ASSIGN_OR_RETURN(c.rms_norm_eps, g.get_float_or(a + "attention.layer_norm_rms_epsilon", 1e-5));
    FS_ASSIGN_OR_RETURN(c.head_dim, g.get_int_or(a + "attention.key_length", 0));
    FS_ASSIGN_OR_RETURN(c.rotary_dim, g.get_int_or(a + "rope.dimension_count", 0));
    FS_ASSIGN_OR_RETURN(c.n_expert, g.get_int_or(a + "expert_count", 0));
    FS_ASSIGN_OR_RETURN(c.n_expert_used, g.get_int_or(a + "expert_used_count", 0));
    if (const GgufValue* v = g.find_key(a + "vocab_size"); v) {
        FS_ASSIGN_OR_RETURN(c.n_vocab, g.get_int(a + "vocab_size"));
    } else if (const GgufValue* t = g.find_key("tokenizer.ggml.tokens"); t) {
        c.n_vocab = static_cast<int64_t>(t->array_size());
    }
    if (const GgufValue* s = g.find_key(a + "rope.scaling.type"); s && s->type == GgufType::string && s->str == "linear") {
        c.rope_scaling.kind = RopeScaling::Kind::linear;
        FS_ASSIGN_OR_RETURN(c.rope_scaling.factor, g.get_float_or(a + "rope.scaling.factor", 1.0));
    } else if (s && s->type == GgufType::string && s->str != "none") {
        return Status(ErrorCode::unsupported, "GGUF rope scaling '" + s->str + "' is not supported");
    }
    if (c.model_type == "llama") {
        c.architecture = c.n_expert > 0 ? "mixtral" : "llama";
        c.rope_pairing = RopePairing::interleaved;  // convert_hf_to_gguf permutes Q/K for ggml's normal rope
    } else {
        c.architecture = "qwen2";
        c.rope_pairing = RopePairing::neox;
        c.attention_bias = true;
    }
    c.tie_word_embeddings = g.find("output.weight") == nullptr;
    if (auto bos = g.get_int("tokenizer.ggml.bos_token_id"); bos.ok()) c.bos_token_id = bos.value();
    if (auto eos = g.get_int("tokenizer.ggml.eos_token_id"); eos.ok()) c.eos_token_ids.push_back(eos.value());
    if (auto eot = g.get_int("tokenizer.ggml.eot_token_id"); eot.ok()) c.eos_token_ids.push_back(eot.value());
    FS_RETURN_IF_ERROR(check(c, "GGUF metadata"));
    return c;
}

}  // namespace farsight
