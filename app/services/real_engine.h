// RealEngine: EnginePort over the engine's public API (engine/include/farsight/engine/engine.h):
// one Model and one Session. Built only when the farsight_engine target exists.
#pragma once

#include <memory>

#include "farsight/engine/engine.h"
#include "services/engine_port.h"

namespace farsight::app {

class RealEngine final : public EnginePort {
public:
    explicit RealEngine(LogSink log = {}, std::string device = "auto");
    ~RealEngine() override;

    Result<ModelInfo> inspect(const std::string& path) override;
    MemoryPlan plan(const ModelInfo& info, int64_t n_ctx) override;
    Status load(const std::string& path, int64_t n_ctx, const std::function<void(float)>& on_progress,
                const CancelToken* cancel) override;
    void unload() override;
    bool loaded() const override { return m_session != nullptr; }
    const ModelInfo& info() const override;
    std::string model_identity() const override { return m_identity; }
    int64_t n_ctx() const override { return m_session ? m_session->n_ctx() : 0; }

    Result<std::string> apply_chat_template(const std::vector<ChatMessage>& messages,
                                            bool add_generation_prompt) override;
    Result<std::vector<TokenId>> tokenize(std::string_view text) override;

    int64_t n_state_tokens() const override;
    std::span<const TokenId> state_tokens() const override;
    void reset_state() override;
    Status prefill(std::span<const TokenId> tokens, int32_t chunk, const CancelToken* cancel,
                   const ProgressFn& on_progress) override;
    Result<GenerationStats> generate(std::span<const TokenId> prompt, const GenerateParams& params,
                                     const GenerateCallbacks& callbacks, const CancelToken* cancel) override;
    Status save_snapshot(const std::string& path) override;
    Status load_snapshot(const std::string& path) override;

private:
    Status need_session() const;

    LogSink m_log;
    std::string m_device;
    std::shared_ptr<Model> m_model;
    std::unique_ptr<Session> m_session;
    std::string m_identity;
    ModelInfo m_empty;
};

}  // namespace farsight::app
