// Builds without CUDA: the vision ops' CUDA launchers answer `unsupported` (never reached: no GPU
// context exists in such a build).
#include "ops/cuda/vit_cuda.h"

namespace farsight::cuda {
namespace {
Status off() { return Status(ErrorCode::unsupported, "this build has no CUDA backend"); }
}  // namespace

Status layer_norm(const OpContext&, const TensorView&, const TensorView&, const TensorView&, float, const TensorView&) {
    return off();
}
Status linear(const OpContext&, const TensorView&, const TensorView&, const TensorView&, Activation, const TensorView&,
              const TensorView&) {
    return off();
}
Status attention_full(const OpContext&, const TensorView&, int64_t, float, const TensorView&) { return off(); }
Status patchify(const OpContext&, const TensorView&, int64_t, const TensorView&) { return off(); }
Status vit_embeddings(const OpContext&, const TensorView&, const TensorView&, const TensorView&, const TensorView&) {
    return off();
}

}  // namespace farsight::cuda
