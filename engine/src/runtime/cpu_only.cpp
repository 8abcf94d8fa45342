// Runtime of a build without the CUDA backend: no GPUs.
#include "runtime/runtime.h"

namespace farsight {

class GpuContext {};

bool cuda_build() { return false; }
int gpu_count() { return 0; }
Result<GpuInfo> gpu_info(int) { return Status(ErrorCode::unsupported, "this build has no CUDA backend"); }
Result<std::shared_ptr<GpuContext>> create_gpu_context(int) {
    return Status(ErrorCode::unsupported, "this build has no CUDA backend (rebuild with FARSIGHT_CUDA=ON)");
}
Status gpu_synchronize(GpuContext&) { return {}; }

}  // namespace farsight
