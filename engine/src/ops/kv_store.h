// kv_store: writes the keys or values of T new tokens (f32 rows [T, H_kv·d]) into a KV cache
// ([capacity, H_kv, d], f32 or bf16 — bf16 is how the reference keeps its cache, spec §2.4) at
// positions pos0 … pos0 + T − 1.
#pragma once

#include "ops/op_context.h"

namespace farsight {

Status kv_store(const OpContext& ctx, const TensorView& src, const TensorView& cache, int64_t pos0);

}  // namespace farsight
