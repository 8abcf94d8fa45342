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
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_config.h"

namespace farsight {

class ModelImpl {
public:
    ModelInfo info;
    std::shared_ptr<WeightStore> store;
    std::unique_ptr<CausalLM> lm;
    std::optional<Tokenizer> tokenizer;
    TokenizerConfig tokenizer_config;
    std::string chat_template;  // empty: the model has none
    std::vector<TokenId> end_of_turn;
    std::unique_ptr<ThreadPool> pool;
    LogSink log;

    OpContext op_context() const { return OpContext{Device::cpu, pool.get(), nullptr}; }
};

class SessionImpl {
public:
    std::shared_ptr<Model> model;
    SequenceState state;
    Workspace ws;
    std::vector<float> last_logits;  // logits after the state's last token (empty if unknown)
    StateCheckpoint checkpoint;
};

// Reads config.json + tokenizer files of a folder into `impl` without touching weights.
Status read_model_folder(const std::string& path, ModelInfo& info, ModelConfig& config);

}  // namespace farsight
