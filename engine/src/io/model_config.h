// ModelConfig: the architecture hyper-parameters of a model folder's config.json, from either
// MiniMax schema (legacy remote-code keys or HF-native `MiniMaxConfig` keys; spec §1.1).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight {

enum class LayerKind : uint8_t { lightning, softmax };

struct ModelConfig {
    std::string architecture;  // engine architecture id: "minimax_text"
    std::string model_type;    // as in config.json

    int64_t n_embd = 0;        // hidden_size
    int64_t n_layer = 0;       // num_hidden_layers
    int64_t n_head = 0;        // num_attention_heads (both attention kinds)
    int64_t n_head_kv = 0;     // num_key_value_heads (softmax layers)
    int64_t head_dim = 0;
    int64_t n_ff = 0;          // intermediate_size (per expert)
    int64_t n_vocab = 0;
    int64_t n_expert = 0;      // num_local_experts
    int64_t n_expert_used = 0; // num_experts_per_tok
    int64_t n_ctx_train = 0;   // max_position_embeddings
    int64_t rotary_dim = 0;    // dims of each head that RoPE rotates (NeoX pairing)
    double rope_theta = 10000.0;
    double rms_norm_eps = 1e-5;
    double lightning_norm_eps = 1e-6;  // the lightning output norm's eps (class default in the reference)
    int64_t block_size = 256;          // lightning prefill block; does not change the math

    std::vector<LayerKind> layer_kinds;  // one per layer
    // Post-norm residual weights x' = alpha * h + beta * f(h), per sub-layer kind.
    double alpha_lightning = 1.0, beta_lightning = 1.0;
    double alpha_softmax = 1.0, beta_softmax = 1.0;
    double alpha_mlp = 1.0, beta_mlp = 1.0;
    bool postnorm = true;
    bool tie_word_embeddings = false;
    std::optional<int64_t> bos_token_id, eos_token_id;

    int64_t n_lightning_layers() const;
    int64_t n_softmax_layers() const;
};

// Parses config.json text. Unknown architectures → ErrorCode::unsupported; missing or
// inconsistent values → ErrorCode::bad_config with the key named.
Result<ModelConfig> parse_model_config(std::string_view json_text);
Result<ModelConfig> load_model_config(const std::filesystem::path& config_json);

}  // namespace farsight
