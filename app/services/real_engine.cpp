// RealEngine implementation: a thin mapping onto Model/Session; every call runs on the engine thread.
#include "services/real_engine.h"

#include <filesystem>

namespace farsight::app {

RealEngine::RealEngine(LogSink log, std::string device) : m_log(std::move(log)), m_device(std::move(device)) {}

RealEngine::~RealEngine() { unload(); }

Result<ModelInfo> RealEngine::inspect(const std::string& path) { return inspect_model(path); }

MemoryPlan RealEngine::plan(const ModelInfo& info, int64_t n_ctx) { return plan_memory(info, n_ctx); }

Status RealEngine::load(const std::string& path, int64_t n_ctx, const std::function<void(float)>& on_progress,
                        const CancelToken* cancel) {
    unload();
    LoadOptions options;
    options.device = m_device;
    options.log = m_log;
    options.on_progress = on_progress;
    FS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::load(path, options));
    // Model::load has no cancel: honour it once the load returns, before the session allocates.
    if (cancel && cancel->cancelled()) return Status(ErrorCode::cancelled, "loading cancelled");
    SessionOptions session_options;
    session_options.n_ctx = n_ctx;
    FS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(model, session_options));
    const ModelInfo& info = model->info();
    m_identity = info.architecture + ":" + std::filesystem::path(path).filename().string() + ":" +
                 std::to_string(info.weight_bytes) + ":" + std::to_string(info.n_params);
    m_model = std::move(model);
    m_session = std::move(session);
    return {};
}

void RealEngine::unload() {
    m_session.reset();
    m_model.reset();
    m_identity.clear();
}

const ModelInfo& RealEngine::info() const { return m_model ? m_model->info() : m_empty; }

Status RealEngine::need_session() const {
    return m_session ? Status() : Status(ErrorCode::invalid_argument, "no model loaded");
}

Result<std::string> RealEngine::apply_chat_template(const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
    FS_RETURN_IF_ERROR(need_session());
    return m_model->apply_chat_template(messages, add_generation_prompt);
}

Result<std::vector<TokenId>> RealEngine::tokenize(std::string_view text) {
    FS_RETURN_IF_ERROR(need_session());
    // Chat templates render special tokens as text: they must become their ids.
    return m_model->tokenize(text, /*parse_special=*/true);
}

int64_t RealEngine::n_state_tokens() const { return m_session ? static_cast<int64_t>(m_session->tokens().size()) : 0; }

std::span<const TokenId> RealEngine::state_tokens() const {
    if (!m_session) return {};
    return m_session->tokens();
}

void RealEngine::reset_state() {
    if (m_session) m_session->reset();
}

Status RealEngine::prefill(std::span<const TokenId> tokens, int32_t chunk, const CancelToken* cancel,
                           const ProgressFn& on_progress) {
    FS_RETURN_IF_ERROR(need_session());
    return m_session->prefill(tokens, chunk, cancel, on_progress);
}

Result<GenerationStats> RealEngine::generate(std::span<const TokenId> prompt, const GenerateParams& params,
                                             const GenerateCallbacks& callbacks, const CancelToken* cancel) {
    FS_RETURN_IF_ERROR(need_session());
    return m_session->generate(prompt, params, callbacks, cancel);
}

Status RealEngine::save_snapshot(const std::string& path) {
    FS_RETURN_IF_ERROR(need_session());
    return m_session->save_snapshot(path);
}

Status RealEngine::load_snapshot(const std::string& path) {
    FS_RETURN_IF_ERROR(need_session());
    return m_session->load_snapshot(path);
}

}  // namespace farsight::app
