// Argument checks shared by the ops' validation step.
#include "ops/op_context.h"

#include <string>

namespace farsight {

static Status arg_error(const char* op, const char* arg, const std::string& what) {
    return Status(ErrorCode::invalid_argument, std::string(op) + ": " + arg + " " + what);
}

Status expect_dtype(const TensorView& t, DType dtype, const char* op, const char* arg) {
    if (t.dtype != dtype)
        return arg_error(op, arg, "has dtype " + std::string(dtype_name(t.dtype)) + ", expected " +
                                      std::string(dtype_name(dtype)));
    return {};
}

Status expect_rank(const TensorView& t, int rank, const char* op, const char* arg) {
    if (t.rank != rank) return arg_error(op, arg, "has rank " + std::to_string(t.rank) + ", expected " + std::to_string(rank));
    return {};
}

Status expect_dim(const TensorView& t, int axis, int64_t value, const char* op, const char* arg) {
    if (t.dim(axis) != value)
        return arg_error(op, arg, "has shape " + t.shape_string() + ", expected dim " + std::to_string(axis) + " = " +
                                      std::to_string(value));
    return {};
}

Status expect_device(const OpContext& ctx, const TensorView& t, const char* op, const char* arg) {
    if (t.device != ctx.device) return arg_error(op, arg, "is on the wrong device");
    if (t.data == nullptr && t.numel() > 0) return arg_error(op, arg, "has no data");
    return {};
}

}  // namespace farsight
