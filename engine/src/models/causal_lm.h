// CausalLM: what every text architecture gives the generator — a state layout and a forward pass
// over a chunk of tokens that appends to a SequenceState and returns logits.
#pragma once

#include <span>
#include <string>

#include "core/workspace.h"
#include "farsight/engine/types.h"
#include "kv/sequence_state.h"
#include "ops/op_context.h"

namespace farsight {

enum class LogitsMode { none, last, all };

class CausalLM {
public:
    virtual ~CausalLM() = default;

    virtual std::string architecture() const = 0;
    virtual int64_t n_vocab() const = 0;
    virtual int64_t n_ctx_train() const = 0;
    virtual StateLayout state_layout() const = 0;
    // Stable identity of architecture + weights; snapshots of other identities are refused.
    virtual std::string identity() const = 0;
    virtual void describe(ModelInfo& info) const = 0;

    // Runs `tokens` at positions state.n_past() … and appends them to the state. `logits` receives
    // [1, V] (last) or [T, V] (all) f32 rows. `embeddings` ([T, n_embd] f32 on the model's device),
    // when given, replaces the token-embedding lookup (vision-language models splice image
    // features into these rows; `tokens` still go into the state's history).
    virtual Status forward(const OpContext& ctx, SequenceState& state, Workspace& ws, std::span<const int32_t> tokens,
                           LogitsMode mode, float* logits, const TensorView* embeddings = nullptr) const = 0;
};

}  // namespace farsight
