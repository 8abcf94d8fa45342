// kv_store: validation, CPU copy (f32 or rounding to bf16), CUDA dispatch.
#include "ops/kv_store.h"

#include <cstring>

#include "ops/cuda/cuda_ops.h"

namespace farsight {

Status kv_store(const OpContext& ctx, const TensorView& src, const TensorView& cache, int64_t pos0) {
    constexpr const char* op = "kv_store";
    FS_RETURN_IF_ERROR(expect_dtype(src, DType::f32, op, "src"));
    FS_RETURN_IF_ERROR(expect_device(ctx, src, op, "src"));
    FS_RETURN_IF_ERROR(expect_device(ctx, cache, op, "cache"));
    if (cache.dtype != DType::f32 && cache.dtype != DType::bf16)
        return Status(ErrorCode::unsupported, "kv_store: cache dtype must be f32 or bf16");
    const int64_t row = cache.numel() / cache.dim(0), t = src.rows();
    if (src.dim(-1) != row) return Status(ErrorCode::invalid_argument, "kv_store: src rows do not match the cache");
    if (pos0 < 0 || pos0 + t > cache.dim(0)) return Status(ErrorCode::invalid_argument, "kv_store: positions exceed the cache");
    if (ctx.device == Device::cuda) return cuda::kv_store(ctx, src, cache, pos0);
    const int64_t n = t * row;
    if (cache.dtype == DType::f32) {
        std::memcpy(cache.as<float>() + pos0 * row, src.f32(), static_cast<size_t>(n) * 4);
    } else {
        uint16_t* dst = cache.as<uint16_t>() + pos0 * row;
        for (int64_t i = 0; i < n; ++i) dst[i] = f32_to_bf16(src.f32()[i]);
    }
    return {};
}

}  // namespace farsight
