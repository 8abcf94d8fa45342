// Plain data types of the public engine API: tokens, model description, sampling and generation
// parameters, statistics, chat messages, callbacks. No engine internals leak through here.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farsight {

using TokenId = int32_t;

enum class LogLevel { debug, info, warning, error };
// Receives engine log lines; measurement lines are `key=value` pairs.
using LogSink = std::function<void(LogLevel, std::string_view)>;

// Set from any thread; the engine checks it between prefill chunks and decode steps.
class CancelToken {
public:
    void cancel() noexcept { m_flag.store(true, std::memory_order_relaxed); }
    void reset() noexcept { m_flag.store(false, std::memory_order_relaxed); }
    bool cancelled() const noexcept { return m_flag.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> m_flag{false};
};

// What a model folder holds, known before (and without) loading the weights.
struct ModelInfo {
    std::string path;             // folder or file given by the user
    std::string architecture;     // "minimax_text", "llama", ...
    std::string model_type;       // as written in config.json ("minimax_m1", "minimax", ...)
    int64_t n_params = 0;         // total parameters
    int64_t n_active_params = 0;  // per token (MoE: top-k experts only)
    int64_t n_layers = 0;
    int64_t n_embd = 0;
    int64_t n_vocab = 0;
    int64_t n_ctx_train = 0;      // max_position_embeddings (0 if unknown)
    std::string weight_dtype;     // dominant storage dtype: "bf16", "f32", "q4_k", ...
    uint64_t weight_bytes = 0;    // bytes of all tensors on disk
    uint64_t state_bytes_per_sequence = 0;  // fixed-size recurrent state (lightning layers)
    uint64_t kv_bytes_per_token = 0;        // softmax-attention KV cache per token
    bool has_chat_template = false;
};

// Memory needed to run a model at a given context length on the host (or a device).
struct MemoryPlan {
    uint64_t weights = 0;
    uint64_t state = 0;        // lightning states for all sequences
    uint64_t kv_cache = 0;     // softmax KV for n_ctx tokens
    uint64_t activations = 0;  // scratch for one prefill chunk
    uint64_t total() const noexcept { return weights + state + kv_cache + activations; }
};

struct SamplingParams {
    float temperature = 0.0f;         // 0 = greedy
    int32_t top_k = 0;                // 0 = off
    float top_p = 1.0f;               // 1 = off
    float min_p = 0.0f;               // 0 = off
    float repetition_penalty = 1.0f;  // 1 = off (CTRL-style: divide positive logits, multiply negative)
    int32_t repetition_window = 256;  // how many recent tokens the penalty looks at
    uint64_t seed = 0;
};

enum class StopReason { none, max_tokens, eos, stop_string, cancelled, context_full, error };

struct GenerateParams {
    SamplingParams sampling;
    int32_t max_tokens = 512;
    std::vector<std::string> stop_strings;  // the text is cut before a stop string
    bool stop_at_eos = true;                // stop at the model's end-of-turn tokens
    int32_t prefill_chunk = 512;            // tokens per prefill step (cancel granularity)
};

struct GenerationStats {
    int64_t n_prompt_tokens = 0;     // tokens prefilled for this request
    int64_t n_reused_tokens = 0;     // tokens already in the session state and reused
    int64_t n_generated = 0;
    double prefill_seconds = 0.0;
    double decode_seconds = 0.0;
    double time_to_first_token = 0.0;  // seconds from request start to the first sampled token
    StopReason stop_reason = StopReason::none;
    double prefill_tokens_per_second() const { return prefill_seconds > 0 ? n_prompt_tokens / prefill_seconds : 0; }
    double decode_tokens_per_second() const { return decode_seconds > 0 ? n_generated / decode_seconds : 0; }
};

struct GenerateCallbacks {
    // Prefill progress: tokens done out of total. Called once per chunk.
    std::function<void(int64_t done, int64_t total)> on_prefill_progress;
    // Each new piece of UTF-8 text (never a partial character). Return false to stop.
    std::function<bool(std::string_view text, TokenId token)> on_text;
};

// One chat message; `content` is plain text (templates that expect typed parts get
// [{"type": "text", "text": content}]).
struct ChatMessage {
    std::string role;  // "system", "user", "assistant", "tool"
    std::string content;
    std::string name;  // tool name for role "tool" (optional)
};

struct LoadOptions {
    int n_threads = 0;                   // 0: all hardware threads
    std::string device = "auto";         // "auto" (a GPU when there is one), "cpu", "cuda", "cuda:N"
    std::string precision = "bf16";      // GPU matrix precision: "bf16" (fast) or "fp32" (validation, TF32 off)
    LogSink log;                         // optional
    std::function<void(float)> on_progress;  // 0..1 while loading
};

struct SessionOptions {
    int64_t n_ctx = 0;  // maximum tokens (0: the model's training context, capped at 1M)
};

}  // namespace farsight
