// moe_experts: validation and dispatch; device pointer tables.
#include "ops/moe_experts.h"

namespace farsight {

Status moe_experts(const OpContext& ctx, Workspace& ws, const ExpertTable& table, const TensorView& weights,
                   const TensorView& ids, const TensorView& h, const TensorView& out) {
    constexpr const char* op = "moe_experts";
    if (table.experts.empty()) return Status(ErrorCode::invalid_argument, "moe_experts: no experts");
    FS_RETURN_IF_ERROR(expect_dtype(h, DType::f32, op, "h"));
    FS_RETURN_IF_ERROR(expect_dtype(out, DType::f32, op, "out"));
    FS_RETURN_IF_ERROR(expect_dtype(weights, DType::f32, op, "weights"));
    FS_RETURN_IF_ERROR(expect_dtype(ids, DType::i32, op, "ids"));
    if (h.dim(-1) != table.n_embd() || out.numel() != h.numel() || weights.numel() != ids.numel() ||
        weights.rows() != h.rows())
        return Status(ErrorCode::invalid_argument, "moe_experts: shapes do not match");
    switch (ctx.device) {
        case Device::cpu: return cpu::moe_experts(ctx, ws, table, weights, ids, h, out);
        case Device::cuda: return cuda::moe_experts(ctx, ws, table, weights, ids, h, out);
    }
    return Status(ErrorCode::unsupported, "moe_experts: no kernel for this device");
}

Status build_device_tables(ExpertTable& table) {
    const size_t n = table.experts.size();
    std::vector<const void*> ptrs(3 * n);
    for (size_t e = 0; e < n; ++e) {
        ptrs[e] = table.experts[e].w1.data;
        ptrs[n + e] = table.experts[e].w3.data;
        ptrs[2 * n + e] = table.experts[e].w2.data;
    }
    FS_ASSIGN_OR_RETURN(Buffer b, Buffer::allocate_on(Device::cuda, ptrs.size() * sizeof(void*), false));
    FS_RETURN_IF_ERROR(copy_bytes(b.data(), Device::cuda, ptrs.data(), Device::cpu, ptrs.size() * sizeof(void*)));
    table.device_tables = std::make_shared<Buffer>(std::move(b));
    return {};
}

}  // namespace farsight
