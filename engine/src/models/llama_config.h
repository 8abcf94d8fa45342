// LlamaConfig: hyper-parameters of the llama family (llama, mistral, qwen2, mixtral) read from a
// Hugging Face config.json (transformers' LlamaConfig / MistralConfig / Qwen2Config / MixtralConfig
// keys) or from GGUF metadata (`<arch>.*` keys of llama.cpp's llama-arch.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "ops/rope.h"

namespace farsight {

class GgufFile;

struct LlamaConfig {
    std::string architecture;  // engine id: "llama", "qwen2", "mixtral"
    std::string model_type;    // config.json model_type or GGUF general.architecture
    int64_t n_embd = 0, n_layer = 0, n_head = 0, n_head_kv = 0, head_dim = 0, n_ff = 0, n_vocab = 0;
    int64_t n_expert = 0, n_expert_used = 0;  // mixtral
    int64_t n_ctx_train = 0;
    int64_t rotary_dim = 0;
    double rope_theta = 10000.0;
    RopeScaling rope_scaling;
    RopePairing rope_pairing = RopePairing::neox;  // interleaved for GGUF llama (permuted Q/K)
    double rms_norm_eps = 1e-5;
    bool tie_word_embeddings = false;
    bool attention_bias = false;  // q/k/v biases (qwen2)
    std::optional<int64_t> bos_token_id;
    std::vector<int64_t> eos_token_ids;
};

// config.json text. model_type llama/mistral/qwen2/mixtral; others are `unsupported`; missing or
// inconsistent values `bad_config` naming the key.
Result<LlamaConfig> parse_llama_config(std::string_view json_text);
// GGUF metadata of general.architecture llama/qwen2 (Mixtral is llama with <arch>.expert_count).
Result<LlamaConfig> llama_config_from_gguf(const GgufFile& gguf);

// True when config.json's model_type is one of ours.
bool is_llama_family_type(std::string_view model_type);

}  // namespace farsight
