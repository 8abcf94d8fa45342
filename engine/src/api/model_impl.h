// Internals behind the public Model and Session (engine/include/farsight/engine/engine.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "core/workspace.h"
#include "farsight/engine/engine.h"
#include "generate/generator.h"
#include "io/model_config.h"
#include "io/weight_store.h"
#include "models/causal_lm.h"
#include "runtime/runtime.h"

namespace farsight {

// The model's tokenizer, chat template and streaming detokenizer (api/text_codec.cpp).
class TextCodec {
public:
    virtual ~TextCodec() = default;
    virtual Result<std::vector<TokenId>> encode(std::string_view text, bool parse_special) const = 0;
    virtual std::string decode(std::span<const TokenId> ids, bool skip_special) const = 0;
    virtual Result<std::string> render_chat(const std::vector<ChatMessage>& messages, bool add_generation_prompt) const = 0;
    virtual bool has_chat_template() const = 0;
    virtual std::vector<TokenId> end_of_turn_tokens() const = 0;
    virtual TokenTextStream make_stream() const = 0;
    // Loads tokenizer.json (+ tokenizer_config.json, generation_config.json) from `dir`;
    // null result (not an error) when the folder has no tokenizer.json.
    static Result<std::shared_ptr<const TextCodec>> load(const std::string& dir, int64_t n_vocab,
                                                         std::optional<int64_t> config_eos);
};

class ModelImpl {
public:
    ModelInfo info;
    std::shared_ptr<WeightStore> store;
    std::unique_ptr<CausalLM> lm;
    std::shared_ptr<const TextCodec> text;  // tokenizer + chat template; null when the folder has none
    std::vector<TokenId> end_of_turn;
    std::unique_ptr<ThreadPool> pool;
    std::shared_ptr<GpuContext> gpu;  // set when the model runs on a GPU
    int gpu_index = -1;
    Precision precision = Precision::fp32;
    LogSink log;

    Device device() const { return gpu ? Device::cuda : Device::cpu; }
    OpContext op_context() const { return OpContext{device(), pool.get(), gpu.get(), precision}; }
    // The KV cache dtype of sessions: bf16 on the GPU's fast path (as the reference), else f32.
    DType kv_dtype() const { return gpu && precision == Precision::bf16 ? DType::bf16 : DType::f32; }
};

class SessionImpl {
public:
    std::shared_ptr<Model> model;
    SequenceState state;
    Workspace ws{Device::cpu};
    std::vector<float> last_logits;  // logits after the state's last token (empty if unknown)
    StateCheckpoint checkpoint;
};

// Reads config.json + tokenizer files of a folder into `impl` without touching weights.
Status read_model_folder(const std::string& path, ModelInfo& info, ModelConfig& config);

}  // namespace farsight
