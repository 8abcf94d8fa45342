// embedding: out[t] = table[ids[t]] decoded to f32 (plain lookup, no scaling; spec §2.1).
#pragma once

#include <span>

#include "ops/op_context.h"

namespace farsight {

// table: [V, D] f32/bf16/f16; out: [T, D] f32. Ids outside [0, V) → invalid_argument.
Status embedding(const OpContext& ctx, const TensorView& table, std::span<const int32_t> ids, const TensorView& out);

}  // namespace farsight
