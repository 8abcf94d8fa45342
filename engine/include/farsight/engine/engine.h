// Farsight engine public API: load a model, tokenize and template chats, keep per-sequence state
// (sessions), generate with sampling/stop/cancel, and snapshot a session's state to a file.
// Thread safety: a Model is immutable after load and may be shared; a Session is used by one
// thread at a time. For a non-blocking interface use farsight::Engine (engine_thread.h).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "farsight/engine/types.h"

namespace farsight {

class ModelImpl;
class SessionImpl;

// Reads config.json, tensor headers and tokenizer of a model folder without loading weights.
Result<ModelInfo> inspect_model(const std::string& path);
// Memory needed to run `info` with `n_ctx` tokens of context and prefill chunks of `chunk` tokens.
MemoryPlan plan_memory(const ModelInfo& info, int64_t n_ctx, int32_t chunk = 512);

class Model {
public:
    static Result<std::shared_ptr<Model>> load(const std::string& path, const LoadOptions& options = {});
    ~Model();

    const ModelInfo& info() const;

    // Text -> ids. `parse_special`: special-token strings in the text become their ids.
    Result<std::vector<TokenId>> tokenize(std::string_view text, bool parse_special = false) const;
    std::string detokenize(std::span<const TokenId> ids, bool skip_special = false) const;
    int64_t vocab_size() const;
    // Renders the model's own chat template.
    Result<std::string> apply_chat_template(const std::vector<ChatMessage>& messages,
                                            bool add_generation_prompt = true) const;
    // Token ids that end a turn (eos, <end_of_sentence>, <|im_end|>, ...).
    const std::vector<TokenId>& end_of_turn_tokens() const;

    ModelImpl& impl() const { return *m_impl; }

private:
    explicit Model(std::unique_ptr<ModelImpl> impl);
    std::unique_ptr<ModelImpl> m_impl;
};

// The state of one sequence (lightning states, softmax KV cache, token history).
class Session {
public:
    static Result<std::unique_ptr<Session>> create(std::shared_ptr<Model> model, const SessionOptions& options = {});
    ~Session();

    const Model& model() const;
    int64_t n_ctx() const;
    // Tokens whose effect is in the state (prompt and generated).
    const std::vector<TokenId>& tokens() const;
    void reset();

    // Appends tokens to the state. Checks `cancel` between chunks; on cancel the state holds the
    // chunks that finished. When `logits` is non-null it receives the last token's logits [vocab].
    Status prefill(std::span<const TokenId> tokens, int32_t chunk = 512, const CancelToken* cancel = nullptr,
                   const std::function<void(int64_t, int64_t)>& on_progress = {},
                   std::vector<float>* logits = nullptr);

    // Runs the whole prompt (reusing the longest common prefix already in the state, when the state
    // can be rewound to it), then samples up to max_tokens.
    Result<GenerationStats> generate(std::span<const TokenId> prompt, const GenerateParams& params,
                                     const GenerateCallbacks& callbacks = {}, const CancelToken* cancel = nullptr);

    // Saves/loads the full state to/from a file. Loading a snapshot of another model (different
    // weights or architecture) is refused with ErrorCode::mismatch.
    Status save_snapshot(const std::string& path) const;
    Status load_snapshot(const std::string& path);

    SessionImpl& impl() const { return *m_impl; }

private:
    explicit Session(std::unique_ptr<SessionImpl> impl);
    std::unique_ptr<SessionImpl> m_impl;
};

}  // namespace farsight
