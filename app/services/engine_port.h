// EnginePort: the operations the app needs from an inference engine, as one blocking interface
// that the engine thread drives (EngineBridge). Mirrors engine/include/farsight/engine/engine.h
// (Model + one Session); implemented by RealEngine (that API) and FakeEngine (tests, offline build).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "farsight/engine/types.h"

namespace farsight::app {

using ProgressFn = std::function<void(int64_t done, int64_t total)>;

// Not thread-safe: every call comes from the one engine thread.
class EnginePort {
public:
    virtual ~EnginePort() = default;

    // Reads what a model folder/file holds without loading weights.
    virtual Result<ModelInfo> inspect(const std::string& path) = 0;
    // Memory to run `info` with `n_ctx` tokens of context (a pure function of its inputs).
    virtual MemoryPlan plan(const ModelInfo& info, int64_t n_ctx) = 0;

    // Loads the model and creates its session with `n_ctx` tokens (0: the model's default).
    // `on_progress` receives 0..1; `cancel` is honoured where the engine can (between steps).
    virtual Status load(const std::string& path, int64_t n_ctx, const std::function<void(float)>& on_progress,
                        const CancelToken* cancel) = 0;
    virtual void unload() = 0;
    virtual bool loaded() const = 0;
    virtual const ModelInfo& info() const = 0;
    // Stable name of the loaded weights; snapshots are only reused for the same identity.
    virtual std::string model_identity() const = 0;
    virtual int64_t n_ctx() const = 0;

    virtual Result<std::string> apply_chat_template(const std::vector<ChatMessage>& messages,
                                                    bool add_generation_prompt) = 0;
    virtual Result<std::vector<TokenId>> tokenize(std::string_view text) = 0;

    // The session state: tokens whose effect it holds, prefill, generate, reset, snapshots.
    virtual int64_t n_state_tokens() const = 0;
    virtual std::span<const TokenId> state_tokens() const = 0;
    virtual void reset_state() = 0;
    virtual Status prefill(std::span<const TokenId> tokens, int32_t chunk, const CancelToken* cancel,
                           const ProgressFn& on_progress) = 0;
    virtual Result<GenerationStats> generate(std::span<const TokenId> prompt, const GenerateParams& params,
                                             const GenerateCallbacks& callbacks, const CancelToken* cancel) = 0;
    virtual Status save_snapshot(const std::string& path) = 0;
    virtual Status load_snapshot(const std::string& path) = 0;
};

}  // namespace farsight::app
