// moe_routing: validation and the CPU implementation (tiny: E is 32 for MiniMax).
#include "ops/moe_routing.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "ops/cuda/cuda_ops.h"

namespace farsight {

Status moe_routing(const OpContext& ctx, const TensorView& logits, int64_t k, const TensorView& weights,
                   const TensorView& experts) {
    constexpr const char* op = "moe_routing";
    FS_RETURN_IF_ERROR(expect_dtype(logits, DType::f32, op, "logits"));
    FS_RETURN_IF_ERROR(expect_dtype(weights, DType::f32, op, "weights"));
    FS_RETURN_IF_ERROR(expect_dtype(experts, DType::i32, op, "experts"));
    const int64_t t = logits.rows(), e = logits.dim(-1);
    if (k < 1 || k > e) return Status(ErrorCode::invalid_argument, "moe_routing: k out of range");
    if (weights.numel() != t * k || experts.numel() != t * k)
        return Status(ErrorCode::invalid_argument, "moe_routing: outputs must be [T, k]");
    if (ctx.device == Device::cuda) return cuda::moe_routing(ctx, logits, k, weights, experts);
    const float* lg = logits.f32();
    float* w = weights.f32();
    int32_t* ex = experts.as<int32_t>();
    ctx.parallel_for(t, [&](int64_t r0, int64_t r1, int) {
        std::vector<float> p(static_cast<size_t>(e));
        std::vector<int32_t> idx(static_cast<size_t>(e));
        for (int64_t r = r0; r < r1; ++r) {
            const float* l = lg + r * e;
            const float mx = *std::max_element(l, l + e);
            float sum = 0.0f;
            for (int64_t i = 0; i < e; ++i) sum += (p[static_cast<size_t>(i)] = std::exp(l[i] - mx));
            for (auto& v : p) v /= sum;
            std::iota(idx.begin(), idx.end(), 0);
            std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int32_t a, int32_t b) {
                return p[static_cast<size_t>(a)] > p[static_cast<size_t>(b)] ||
                       (p[static_cast<size_t>(a)] == p[static_cast<size_t>(b)] && a < b);
            });
            float top = 0.0f;
            for (int64_t j = 0; j < k; ++j) top += p[static_cast<size_t>(idx[static_cast<size_t>(j)])];
            for (int64_t j = 0; j < k; ++j) {
                ex[r * k + j] = idx[static_cast<size_t>(j)];
                w[r * k + j] = p[static_cast<size_t>(idx[static_cast<size_t>(j)])] / top;
            }
        }
    });
    return {};
}

}  // namespace farsight
