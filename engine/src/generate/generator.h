// Generator: chunked prefill of a prompt into a sequence state (reusing what the state or its
// checkpoint already holds), then sampled decode with stop tokens, stop strings, streaming and
// cancellation between chunks and steps.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "farsight/engine/types.h"
#include "models/causal_lm.h"

namespace farsight {

// Streams token text: returns the complete UTF-8 text a token adds (may be empty while a
// multi-byte character is incomplete). `flush` returns what is still held.
struct TokenTextStream {
    std::function<std::string(int32_t)> push;
    std::function<std::string()> flush;
};

// A copy of a state at some token position, plus the logits that followed it.
struct StateCheckpoint {
    std::optional<SequenceState> state;
    std::vector<float> last_logits;
};

class Generator {
public:
    Generator(const CausalLM& model, const OpContext& ctx) : m_model(model), m_ctx(ctx) {}

    // Appends `tokens` in chunks; `last_logits` receives the final token's logits.
    Status prefill(SequenceState& state, Workspace& ws, std::span<const int32_t> tokens, int32_t chunk,
                   const CancelToken* cancel, const std::function<void(int64_t, int64_t)>& progress,
                   std::vector<float>* last_logits);

    // Makes `state` hold `prompt` (reusing the state, or the checkpoint, when one is a prefix) and
    // samples. `last_logits` belongs to the state (the logits after its last token) and is kept
    // up to date. A checkpoint of the prompt's end is kept in `checkpoint`.
    Result<GenerationStats> generate(SequenceState& state, Workspace& ws, std::vector<float>& last_logits,
                                     StateCheckpoint& checkpoint, std::span<const int32_t> prompt,
                                     const GenerateParams& params, const std::vector<int32_t>& end_tokens,
                                     TokenTextStream& text, const GenerateCallbacks& callbacks,
                                     const CancelToken* cancel);

private:
    const CausalLM& m_model;
    OpContext m_ctx;
};

// Copies a state (for checkpoints).
Result<SequenceState> clone_state(const SequenceState& s);

}  // namespace farsight
