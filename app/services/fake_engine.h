// FakeEngine: a deterministic stand-in for the inference engine (EnginePort) used by UI/service
// tests and the offline build. It tokenizes with a simple word/punctuation splitter, "prefills"
// and "decodes" at configurable speeds, streams scripted replies (with <think>, Markdown tables,
// code blocks and quotes of attached documents), keeps a real token state and writes snapshots.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/engine_port.h"

namespace farsight::app {

struct FakeEngineOptions {
    double decode_tokens_per_s = 60.0;      // 0: as fast as possible
    double prefill_tokens_per_s = 400000.0; // 0: as fast as possible
    int load_ms = 400;                      // simulated load time
    int64_t max_ctx = int64_t{1} << 20;     // largest context the fake accepts
    bool fail_load = false;                 // load() returns device_error
    int fail_after_tokens = -1;             // generate() fails with device_error after N tokens
    std::string reply;                      // non-empty: every reply is this text
};

// Splits text the way FakeEngine counts tokens (exposed for tests and fixtures).
std::vector<std::string_view> fake_token_pieces(std::string_view text);

// The scripted reply for a prompt: uses the last user turn, quotes a sentence of the first attached
// document (<document ...> blocks) and varies with `reply_number`.
std::string fake_reply_for_prompt(std::string_view prompt, uint64_t reply_number);

class FakeEngine final : public EnginePort {
public:
    explicit FakeEngine(FakeEngineOptions options = {});

    Result<ModelInfo> inspect(const std::string& path) override;
    MemoryPlan plan(const ModelInfo& info, int64_t n_ctx) override;
    Status load(const std::string& path, int64_t n_ctx, const std::function<void(float)>& on_progress,
                const CancelToken* cancel) override;
    void unload() override;
    bool loaded() const override { return m_loaded; }
    const ModelInfo& info() const override { return m_info; }
    std::string model_identity() const override;
    int64_t n_ctx() const override { return m_n_ctx; }

    Result<std::string> apply_chat_template(const std::vector<ChatMessage>& messages,
                                            bool add_generation_prompt) override;
    Result<std::vector<TokenId>> tokenize(std::string_view text) override;

    int64_t n_state_tokens() const override { return static_cast<int64_t>(m_state.size()); }
    std::span<const TokenId> state_tokens() const override { return m_state; }
    void reset_state() override { m_state.clear(); }
    Status prefill(std::span<const TokenId> tokens, int32_t chunk, const CancelToken* cancel,
                   const ProgressFn& on_progress) override;
    Result<GenerationStats> generate(std::span<const TokenId> prompt, const GenerateParams& params,
                                     const GenerateCallbacks& callbacks, const CancelToken* cancel) override;
    Status save_snapshot(const std::string& path) override;
    Status load_snapshot(const std::string& path) override;

    // Test hooks (set from the test thread before a call; read on the engine thread).
    void set_decode_speed(double tokens_per_s) { m_decode_tps.store(tokens_per_s); }
    void set_fail_after_tokens(int n) { m_fail_after.store(n); }
    uint64_t n_generations() const { return m_n_generations; }

private:
    TokenId intern(std::string_view piece);
    std::string text_of(std::span<const TokenId> ids) const;
    // Sleeps for `n_tokens` at `tokens_per_s`, in slices so cancel is seen quickly.
    bool simulate(int64_t n_tokens, double tokens_per_s, const CancelToken* cancel) const;

    FakeEngineOptions m_options;
    std::atomic<double> m_decode_tps;
    std::atomic<int> m_fail_after;
    bool m_loaded = false;
    ModelInfo m_info;
    int64_t m_n_ctx = 0;
    std::vector<TokenId> m_state;
    std::unordered_map<std::string, TokenId> m_ids;
    std::vector<std::string> m_pieces;   // id -> text
    uint64_t m_n_generations = 0;
};

}  // namespace farsight::app
