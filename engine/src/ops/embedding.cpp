// embedding: validation and the CPU row copy (decode rows to f32).
#include "ops/embedding.h"

#include "ops/cuda/cuda_ops.h"
#include "ops/matmul.h"

namespace farsight {

Status embedding(const OpContext& ctx, const TensorView& table, std::span<const int32_t> ids, const TensorView& out) {
    constexpr const char* op = "embedding";
    FS_RETURN_IF_ERROR(expect_rank(table, 2, op, "table"));
    FS_RETURN_IF_ERROR(expect_dtype(out, DType::f32, op, "out"));
    const int64_t v = table.dim(0), d = table.dim(1);
    if (out.rows() != static_cast<int64_t>(ids.size()) || out.dim(-1) != d)
        return Status(ErrorCode::invalid_argument, "embedding: out " + out.shape_string() + " does not fit the ids");
    for (int32_t id : ids)
        if (id < 0 || id >= v)
            return Status(ErrorCode::invalid_argument,
                          "token id " + std::to_string(id) + " is outside the vocabulary (size " + std::to_string(v) + ")");
    if (ctx.device == Device::cuda) {
        if (dtype_is_quantized(table.dtype)) return Status(ErrorCode::unsupported, "embedding (cuda): quantized tables");
        return cuda::embedding(ctx, table, ids, out);
    }
    float* o = out.f32();
    for (size_t t = 0; t < ids.size(); ++t) decode_rows_f32(table, ids[t], 1, o + static_cast<int64_t>(t) * d);
    return {};
}

}  // namespace farsight
