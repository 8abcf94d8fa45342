// CPU moe_experts: each expert runs once over the rows routed to it (gathered), and the weighted
// outputs are added in ascending expert order.
#include <cstring>

#include "ops/activations.h"
#include "ops/matmul.h"
#include "ops/moe_experts.h"

namespace farsight::cpu {

namespace {
// Workspace slots of this op (above the model's and the blocks' slots).
enum : size_t { kXe = 40, kUp1, kUp3, kYe };
}

Status moe_experts(const OpContext& ctx, Workspace& ws, const ExpertTable& table, const TensorView& weights,
                   const TensorView& ids, const TensorView& h, const TensorView& out) {
    const int64_t t = h.rows(), n_embd = h.dim(-1), n_used = ids.numel() / t, n_ff = table.n_ff();
    const int64_t n_expert = static_cast<int64_t>(table.experts.size());
    FS_ASSIGN_OR_RETURN(TensorView xe, ws.get(kXe, DType::f32, {t, n_embd}));
    FS_ASSIGN_OR_RETURN(TensorView up1, ws.get(kUp1, DType::f32, {t, n_ff}));
    FS_ASSIGN_OR_RETURN(TensorView up3, ws.get(kUp3, DType::f32, {t, n_ff}));
    FS_ASSIGN_OR_RETURN(TensorView ye, ws.get(kYe, DType::f32, {t, n_embd}));
    const int32_t* id = ids.as<int32_t>();
    const float* wt = weights.f32();
    std::memset(out.data, 0, static_cast<size_t>(t * n_embd) * 4);
    std::vector<int64_t> rows;
    std::vector<float> row_w;
    for (int64_t e = 0; e < n_expert; ++e) {
        rows.clear();
        row_w.clear();
        for (int64_t r = 0; r < t; ++r)
            for (int64_t j = 0; j < n_used; ++j)
                if (id[r * n_used + j] == e) {
                    rows.push_back(r);
                    row_w.push_back(wt[r * n_used + j]);
                }
        if (rows.empty()) continue;
        const int64_t n = static_cast<int64_t>(rows.size());
        for (int64_t i = 0; i < n; ++i)
            std::memcpy(xe.f32() + i * n_embd, h.f32() + rows[static_cast<size_t>(i)] * n_embd, static_cast<size_t>(n_embd) * 4);
        const TensorView xs = xe.slice_rows(0, n), u1 = up1.slice_rows(0, n), u3 = up3.slice_rows(0, n), ys = ye.slice_rows(0, n);
        const ExpertView& ew = table.experts[static_cast<size_t>(e)];
        FS_RETURN_IF_ERROR(matmul(ctx, xs, ew.w1, u1));
        FS_RETURN_IF_ERROR(matmul(ctx, xs, ew.w3, u3));
        FS_RETURN_IF_ERROR(swiglu(ctx, u1, u3, u1));
        FS_RETURN_IF_ERROR(matmul(ctx, u1, ew.w2, ys));
        for (int64_t i = 0; i < n; ++i) {
            const float wgt = row_w[static_cast<size_t>(i)];
            const float* y = ys.f32() + i * n_embd;
            float* o = out.f32() + rows[static_cast<size_t>(i)] * n_embd;
            for (int64_t c = 0; c < n_embd; ++c) o[c] += y[c] * wgt;
        }
    }
    return {};
}

}  // namespace farsight::cpu
