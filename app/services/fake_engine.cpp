// FakeEngine implementation: simulated timing, a word-piece tokenizer with an interned vocabulary,
// a token state with longest-common-prefix reuse (as Session::generate does) and snapshot files.
#include "services/fake_engine.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace farsight::app {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kSnapshotMagic[8] = {'F', 'S', 'F', 'A', 'K', 'E', 'S', '1'};

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80 || c == '_'; }

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Synthetic description used when the path has no config.json (any existing file or folder).
ModelInfo synthetic_info(const std::string& path) {
    ModelInfo info;
    info.path = path;
    info.architecture = "minimax_text";
    info.model_type = "fake";
    info.n_layers = 32;
    info.n_embd = 4096;
    info.n_vocab = 200064;
    info.n_params = 8'030'000'000;
    info.n_active_params = 8'030'000'000;
    info.n_ctx_train = int64_t{1} << 20;
    info.weight_dtype = "bf16";
    info.weight_bytes = 16'060'000'000ULL;
    info.state_bytes_per_sequence = 28ULL * 64 * 128 * 128 * 4;
    info.kv_bytes_per_token = 4ULL * 2 * 8 * 128 * 2;
    info.has_chat_template = true;
    return info;
}

}  // namespace

std::vector<std::string_view> fake_token_pieces(std::string_view text) {
    std::vector<std::string_view> pieces;
    pieces.reserve(text.size() / 4 + 1);
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        while (i < text.size() && text[i] == ' ') ++i;  // leading spaces join the next piece
        if (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i]))) {
            size_t word = i;
            while (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i])) && i - word < 6) ++i;
            // Never split inside a UTF-8 sequence.
            while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
        } else if (i < text.size()) {
            ++i;
        }
        pieces.push_back(text.substr(start, i - start));
    }
    return pieces;
}

FakeEngine::FakeEngine(FakeEngineOptions options)
    : m_options(std::move(options)), m_decode_tps(m_options.decode_tokens_per_s),
      m_fail_after(m_options.fail_after_tokens) {}

Result<ModelInfo> FakeEngine::inspect(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path.empty() || !fs::exists(path, ec)) return Status(ErrorCode::not_found, "no such model file or folder: " + path);
    ModelInfo info = synthetic_info(path);
    const fs::path config = fs::is_directory(path, ec) ? fs::path(path) / "config.json" : fs::path();
    if (!config.empty() && fs::exists(config, ec)) {
        std::ifstream in(config);
        nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded() || !j.is_object()) return Status(ErrorCode::bad_config, config.string() + ": not a JSON object");
        info.model_type = j.value("model_type", std::string("unknown"));
        info.n_layers = j.value("num_hidden_layers", int64_t{0});
        info.n_embd = j.value("hidden_size", int64_t{0});
        info.n_vocab = j.value("vocab_size", int64_t{0});
        info.n_ctx_train = j.value("max_position_embeddings", int64_t{0});
        uint64_t bytes = 0;
        for (const auto& entry : fs::directory_iterator(path, ec))
            if (entry.path().extension() == ".safetensors") bytes += entry.file_size(ec);
        info.weight_bytes = bytes;
        info.n_params = static_cast<int64_t>(bytes / 2);
        info.n_active_params = info.n_params;
        info.state_bytes_per_sequence = static_cast<uint64_t>(info.n_layers * info.n_embd * 64);
        info.kv_bytes_per_token = static_cast<uint64_t>(info.n_embd * 4);
    }
    return info;
}

MemoryPlan FakeEngine::plan(const ModelInfo& info, int64_t n_ctx) {
    MemoryPlan plan;
    plan.weights = info.weight_bytes;
    plan.state = info.state_bytes_per_sequence;
    plan.kv_cache = info.kv_bytes_per_token * static_cast<uint64_t>(std::max<int64_t>(n_ctx, 0));
    plan.activations = static_cast<uint64_t>(info.n_embd) * 512 * 4 * 8;
    return plan;
}

Status FakeEngine::load(const std::string& path, int64_t n_ctx, const std::function<void(float)>& on_progress,
                        const CancelToken* cancel) {
    unload();
    FS_ASSIGN_OR_RETURN(ModelInfo info, inspect(path));
    const int steps = 20;
    for (int i = 1; i <= steps; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(m_options.load_ms / steps));
        if (cancel && cancel->cancelled()) return Status(ErrorCode::cancelled, "loading cancelled");
        if (m_options.fail_load && i == steps / 2) return Status(ErrorCode::device_error, "fake engine: simulated load failure");
        if (on_progress) on_progress(static_cast<float>(i) / steps);
    }
    const int64_t limit = std::min(m_options.max_ctx, info.n_ctx_train > 0 ? info.n_ctx_train : m_options.max_ctx);
    if (n_ctx > limit) return Status(ErrorCode::limit_exceeded, "context of " + std::to_string(n_ctx) +
                                                                 " tokens exceeds the model's " + std::to_string(limit));
    m_info = std::move(info);
    m_n_ctx = n_ctx > 0 ? n_ctx : limit;
    m_loaded = true;
    return {};
}

void FakeEngine::unload() {
    m_loaded = false;
    m_info = {};
    m_n_ctx = 0;
    m_state.clear();
}

std::string FakeEngine::model_identity() const {
    if (!m_loaded) return {};
    return "fake:" + m_info.model_type + ":" + std::filesystem::path(m_info.path).filename().string();
}

Result<std::string> FakeEngine::apply_chat_template(const std::vector<ChatMessage>& messages,
                                                    bool add_generation_prompt) {
    if (!m_loaded) return Status(ErrorCode::invalid_argument, "no model loaded");
    std::string out;
    for (const ChatMessage& m : messages) {
        if (m.role != "system" && m.role != "user" && m.role != "assistant" && m.role != "tool")
            return Status(ErrorCode::invalid_argument, "unknown chat role: " + m.role);
        out += "<|" + m.role + "|>\n" + m.content + "\n<|end|>\n";
    }
    if (add_generation_prompt) out += "<|assistant|>\n";
    return out;
}

TokenId FakeEngine::intern(std::string_view piece) {
    auto it = m_ids.find(std::string(piece));
    if (it != m_ids.end()) return it->second;
    const auto id = static_cast<TokenId>(m_pieces.size());
    m_pieces.emplace_back(piece);
    m_ids.emplace(std::string(piece), id);
    return id;
}

std::string FakeEngine::text_of(std::span<const TokenId> ids) const {
    std::string out;
    for (TokenId id : ids)
        if (id >= 0 && static_cast<size_t>(id) < m_pieces.size()) out += m_pieces[static_cast<size_t>(id)];
    return out;
}

Result<std::vector<TokenId>> FakeEngine::tokenize(std::string_view text) {
    if (!m_loaded) return Status(ErrorCode::invalid_argument, "no model loaded");
    std::vector<TokenId> ids;
    for (std::string_view piece : fake_token_pieces(text)) ids.push_back(intern(piece));
    return ids;
}

bool FakeEngine::simulate(int64_t n_tokens, double tokens_per_s, const CancelToken* cancel) const {
    if (tokens_per_s <= 0 || n_tokens <= 0) return !(cancel && cancel->cancelled());
    auto remaining = std::chrono::duration<double>(static_cast<double>(n_tokens) / tokens_per_s);
    const auto slice = std::chrono::duration<double>(0.005);
    while (remaining.count() > 0) {
        if (cancel && cancel->cancelled()) return false;
        const auto step = std::min(remaining, slice);
        std::this_thread::sleep_for(step);
        remaining -= step;
    }
    return !(cancel && cancel->cancelled());
}

Status FakeEngine::prefill(std::span<const TokenId> tokens, int32_t chunk, const CancelToken* cancel,
                           const ProgressFn& on_progress) {
    if (!m_loaded) return Status(ErrorCode::invalid_argument, "no model loaded");
    const auto total = static_cast<int64_t>(tokens.size());
    if (n_state_tokens() + total > m_n_ctx)
        return Status(ErrorCode::limit_exceeded, "prompt of " + std::to_string(n_state_tokens() + total) +
                                                     " tokens exceeds the context of " + std::to_string(m_n_ctx));
    // Simulate at least 64 chunks so progress is visible even at huge chunk sizes.
    const int64_t step = std::max<int64_t>(1, std::min<int64_t>(chunk > 0 ? chunk : 512, total / 64 + 1));
    for (int64_t done = 0; done < total;) {
        const int64_t n = std::min(step, total - done);
        if (!simulate(n, m_options.prefill_tokens_per_s, cancel))
            return Status(ErrorCode::cancelled, "prefill cancelled after " + std::to_string(done) + " tokens");
        m_state.insert(m_state.end(), tokens.begin() + done, tokens.begin() + done + n);
        done += n;
        if (on_progress) on_progress(done, total);
    }
    return {};
}

Result<GenerationStats> FakeEngine::generate(std::span<const TokenId> prompt, const GenerateParams& params,
                                             const GenerateCallbacks& callbacks, const CancelToken* cancel) {
    if (!m_loaded) return Status(ErrorCode::invalid_argument, "no model loaded");
    const auto start = Clock::now();
    GenerationStats stats;
    size_t common = 0;
    while (common < m_state.size() && common < prompt.size() && m_state[common] == prompt[common]) ++common;
    if (common == prompt.size() && common > 0) --common;  // the last prompt token is always re-run
    m_state.resize(common);
    stats.n_reused_tokens = static_cast<int64_t>(common);
    const auto rest = prompt.subspan(common);
    stats.n_prompt_tokens = static_cast<int64_t>(rest.size());
    if (static_cast<int64_t>(prompt.size()) >= m_n_ctx)
        return Status(ErrorCode::limit_exceeded, "prompt of " + std::to_string(prompt.size()) +
                                                     " tokens does not fit the context of " + std::to_string(m_n_ctx));
    ProgressFn progress;
    if (callbacks.on_prefill_progress) progress = callbacks.on_prefill_progress;
    Status st = prefill(rest, params.prefill_chunk, cancel, progress);
    stats.prefill_seconds = seconds_since(start);
    if (!st.ok()) {
        if (st.code() != ErrorCode::cancelled) return st;
        stats.stop_reason = StopReason::cancelled;
        return stats;
    }

    ++m_n_generations;
    const std::string reply = m_options.reply.empty() ? fake_reply_for_prompt(text_of(prompt), m_n_generations)
                                                      : m_options.reply;
    const auto decode_start = Clock::now();
    std::string produced;
    stats.stop_reason = StopReason::eos;
    for (std::string_view piece : fake_token_pieces(reply)) {
        if (stats.n_generated >= params.max_tokens) { stats.stop_reason = StopReason::max_tokens; break; }
        if (n_state_tokens() >= m_n_ctx) { stats.stop_reason = StopReason::context_full; break; }
        if (!simulate(1, m_decode_tps.load(), cancel)) { stats.stop_reason = StopReason::cancelled; break; }
        const int fail_after = m_fail_after.load();
        if (fail_after >= 0 && stats.n_generated >= fail_after)
            return Status(ErrorCode::device_error, "fake engine: simulated device failure after " +
                                                       std::to_string(stats.n_generated) + " tokens");
        const TokenId id = intern(piece);
        m_state.push_back(id);
        ++stats.n_generated;
        if (stats.n_generated == 1) stats.time_to_first_token = seconds_since(start);
        produced += piece;
        bool stop = false;
        for (const std::string& s : params.stop_strings)
            if (!s.empty() && produced.find(s) != std::string::npos) stop = true;
        if (stop) { stats.stop_reason = StopReason::stop_string; break; }
        if (callbacks.on_text && !callbacks.on_text(piece, id)) { stats.stop_reason = StopReason::cancelled; break; }
    }
    stats.decode_seconds = seconds_since(decode_start);
    return stats;
}

Status FakeEngine::save_snapshot(const std::string& path) {
    if (!m_loaded) return Status(ErrorCode::invalid_argument, "no model loaded");
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return Status(ErrorCode::io_error, "cannot write snapshot " + tmp);
        const std::string identity = model_identity();
        const std::string text = text_of(m_state);  // pieces re-tokenize to the same ids
        const uint64_t sizes[3] = {identity.size(), m_state.size(), text.size()};
        out.write(kSnapshotMagic, sizeof kSnapshotMagic);
        out.write(reinterpret_cast<const char*>(sizes), sizeof sizes);
        out.write(identity.data(), static_cast<std::streamsize>(identity.size()));
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out.flush()) return Status(ErrorCode::io_error, "cannot write snapshot " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return Status(ErrorCode::io_error, "cannot rename snapshot to " + path + ": " + ec.message());
    return {};
}

Status FakeEngine::load_snapshot(const std::string& path) {
    if (!m_loaded) return Status(ErrorCode::invalid_argument, "no model loaded");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(ErrorCode::not_found, "no snapshot at " + path);
    char magic[sizeof kSnapshotMagic];
    uint64_t sizes[3] = {};
    in.read(magic, sizeof magic);
    in.read(reinterpret_cast<char*>(sizes), sizeof sizes);
    if (!in || std::memcmp(magic, kSnapshotMagic, sizeof magic) != 0 || sizes[0] > 4096 || sizes[2] > (uint64_t{1} << 32))
        return Status(ErrorCode::bad_header, path + ": not a fake-engine snapshot");
    std::string identity(sizes[0], '\0'), text(sizes[2], '\0');
    in.read(identity.data(), static_cast<std::streamsize>(identity.size()));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (!in) return Status(ErrorCode::bad_header, path + ": truncated snapshot");
    if (identity != model_identity())
        return Status(ErrorCode::mismatch, "snapshot was made with " + identity + ", not " + model_identity());
    std::vector<TokenId> ids;
    for (std::string_view piece : fake_token_pieces(text)) ids.push_back(intern(piece));
    if (ids.size() != sizes[1]) return Status(ErrorCode::mismatch, path + ": token count differs");
    m_state = std::move(ids);
    return {};
}

}  // namespace farsight::app
