// Generator implementation.
#include "generate/generator.h"

#include <algorithm>
#include <chrono>

#include "generate/sampler.h"
#include "generate/stop_matcher.h"

namespace farsight {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool is_prefix(const std::vector<int32_t>& a, std::span<const int32_t> b) {
    return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

Result<SequenceState> clone_state(const SequenceState& s) { return s.clone(); }

Status Generator::prefill(SequenceState& state, Workspace& ws, std::span<const int32_t> tokens, int32_t chunk,
                          const CancelToken* cancel, const std::function<void(int64_t, int64_t)>& progress,
                          std::vector<float>* last_logits) {
    if (chunk < 1) return Status(ErrorCode::invalid_argument, "prefill chunk must be at least 1 token");
    const int64_t total = static_cast<int64_t>(tokens.size());
    if (state.n_past() + total > state.n_ctx())
        return Status(ErrorCode::limit_exceeded, "the prompt needs " + std::to_string(state.n_past() + total) +
                                                     " tokens but the context holds " + std::to_string(state.n_ctx()) +
                                                     " (shorten the prompt or use a larger context)");
    for (int64_t done = 0; done < total;) {
        if (cancel && cancel->cancelled()) return Status(ErrorCode::cancelled, "prefill cancelled");
        const int64_t n = std::min<int64_t>(chunk, total - done);
        const bool last = done + n == total;
        float* out = nullptr;
        if (last && last_logits) {
            last_logits->resize(static_cast<size_t>(m_model.n_vocab()));
            out = last_logits->data();
        }
        FS_RETURN_IF_ERROR(m_model.forward(m_ctx, state, ws, tokens.subspan(static_cast<size_t>(done), static_cast<size_t>(n)),
                                           out ? LogitsMode::last : LogitsMode::none, out));
        done += n;
        if (progress) progress(done, total);
    }
    return {};
}

Result<GenerationStats> Generator::generate(SequenceState& state, Workspace& ws, std::vector<float>& last_logits,
                                            StateCheckpoint& checkpoint, std::span<const int32_t> prompt,
                                            const GenerateParams& params, const std::vector<int32_t>& end_tokens,
                                            TokenTextStream& text, const GenerateCallbacks& callbacks,
                                            const CancelToken* cancel) {
    FS_RETURN_IF_ERROR(validate_sampling(params.sampling));
    if (prompt.empty()) return Status(ErrorCode::invalid_argument, "the prompt is empty");
    if (params.max_tokens < 0) return Status(ErrorCode::invalid_argument, "max_tokens must be >= 0");
    if (static_cast<int64_t>(prompt.size()) > state.n_ctx())
        return Status(ErrorCode::limit_exceeded, "the prompt has " + std::to_string(prompt.size()) +
                                                     " tokens but the context holds " + std::to_string(state.n_ctx()));
    const auto t0 = Clock::now();
    GenerationStats stats;

    // Reuse: the live state when it is a prefix of the prompt, else the checkpoint, else start over.
    // The state must end strictly inside the prompt, or exactly at it with its logits known.
    auto usable = [&](const std::vector<int32_t>& toks, bool have_logits) {
        return is_prefix(toks, prompt) && (toks.size() < prompt.size() || have_logits);
    };
    if (!usable(state.tokens(), !last_logits.empty())) {
        if (checkpoint.state && usable(checkpoint.state->tokens(), !checkpoint.last_logits.empty())) {
            FS_ASSIGN_OR_RETURN(state, clone_state(*checkpoint.state));
            last_logits = checkpoint.last_logits;
        } else {
            state.reset();
            last_logits.clear();
        }
    }
    stats.n_reused_tokens = state.n_past();
    const auto rest = prompt.subspan(static_cast<size_t>(state.n_past()));
    stats.n_prompt_tokens = static_cast<int64_t>(rest.size());
    if (!rest.empty()) {
        last_logits.clear();
        Status st = prefill(state, ws, rest, params.prefill_chunk, cancel, callbacks.on_prefill_progress, &last_logits);
        stats.prefill_seconds = seconds_since(t0);
        if (st.code() == ErrorCode::cancelled) {
            stats.stop_reason = StopReason::cancelled;
            last_logits.clear();
            return stats;
        }
        FS_RETURN_IF_ERROR(st);
        // Keep the prompt's end: regenerate and branched follow-ups restart from here.
        auto copy = clone_state(state);
        if (copy.ok()) {
            checkpoint.state = std::move(copy).value();
            checkpoint.last_logits = last_logits;
        }
    }

    Sampler sampler(params.sampling);
    StopMatcher stops(params.stop_strings);
    std::vector<float> logits;
    std::vector<int32_t> history = state.tokens();
    const auto d0 = Clock::now();
    bool stop_requested = false;
    auto emit = [&](const std::string& piece, int32_t tok) {
        if (!piece.empty() && callbacks.on_text && !callbacks.on_text(piece, tok)) stop_requested = true;
    };
    for (int32_t step = 0; step < params.max_tokens; ++step) {
        if (cancel && cancel->cancelled()) {
            stats.stop_reason = StopReason::cancelled;
            break;
        }
        logits = last_logits;  // the sampler may modify its copy
        const int32_t tok = sampler.sample(logits, history);
        if (stats.n_generated == 0) stats.time_to_first_token = seconds_since(t0);
        if (params.stop_at_eos && std::find(end_tokens.begin(), end_tokens.end(), tok) != end_tokens.end()) {
            stats.stop_reason = StopReason::eos;
            break;
        }
        ++stats.n_generated;
        history.push_back(tok);
        emit(stops.push(text.push(tok)), tok);
        if (stops.stopped()) {
            stats.stop_reason = StopReason::stop_string;
            break;
        }
        if (stop_requested) {
            stats.stop_reason = StopReason::cancelled;
            break;
        }
        if (state.n_past() + 1 > state.n_ctx()) {
            stats.stop_reason = StopReason::context_full;
            break;
        }
        last_logits.resize(static_cast<size_t>(m_model.n_vocab()));
        const int32_t one[1] = {tok};
        Status st = m_model.forward(m_ctx, state, ws, one, LogitsMode::last, last_logits.data());
        if (!st.ok()) {
            last_logits.clear();
            return st;
        }
    }
    if (stats.stop_reason == StopReason::none) stats.stop_reason = StopReason::max_tokens;
    if (stats.stop_reason != StopReason::stop_string) emit(stops.push(text.flush()) + stops.flush(), -1);
    stats.decode_seconds = seconds_since(d0);
    return stats;
}

}  // namespace farsight
