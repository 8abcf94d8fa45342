// Builds without CUDA: every CUDA launcher answers `unsupported` (the runtime reports no GPUs, so
// a device context is never created and these are unreachable in practice).
#include "ops/cuda/cuda_ops.h"
#include "ops/moe_experts.h"

namespace farsight::cuda {
namespace {
Status off() { return Status(ErrorCode::unsupported, "this build has no CUDA backend"); }
}  // namespace

Status matmul(const OpContext&, const TensorView&, const TensorView&, const TensorView&) { return off(); }
Status rms_norm(const OpContext&, const TensorView&, const TensorView&, float, const TensorView&) { return off(); }
Status silu_inplace(const OpContext&, const TensorView&) { return off(); }
Status sigmoid_gate(const OpContext&, const TensorView&, const TensorView&) { return off(); }
Status swiglu(const OpContext&, const TensorView&, const TensorView&, const TensorView&) { return off(); }
Status scaled_residual(const OpContext&, const TensorView&, float, const TensorView&, float, const TensorView&) { return off(); }
Status rope_neox(const OpContext&, const TensorView&, int64_t, int64_t, double) { return off(); }
Status embedding(const OpContext&, const TensorView&, std::span<const int32_t>, const TensorView&) { return off(); }
Status moe_routing(const OpContext&, const TensorView&, int64_t, const TensorView&, const TensorView&) { return off(); }
Status lightning_prefill(const OpContext&, const TensorView&, const TensorView&, std::span<const float>, const TensorView&,
                         bool) { return off(); }
Status lightning_decode(const OpContext&, const TensorView&, const TensorView&, std::span<const float>, const TensorView&,
                        bool) { return off(); }
Status softmax_attention(const OpContext&, const TensorView&, const TensorView&, const TensorView&, int64_t, float,
                         const TensorView&) { return off(); }
Status kv_store(const OpContext&, const TensorView&, const TensorView&, int64_t) { return off(); }
Status fill_random(const OpContext&, const TensorView&, uint64_t, float, float) { return off(); }
Status moe_experts(const OpContext&, Workspace&, const ExpertTable&, const TensorView&, const TensorView&, const TensorView&,
                   const TensorView&) { return off(); }

}  // namespace farsight::cuda
