// MiniMaxText::to_device: uploads the weights to the GPU in the precision policy's dtypes.
#include <vector>

#include "models/minimax_text.h"
#include "ops/cuda/cuda_ops.h"
#include "ops/lightning_attention.h"

namespace farsight {
namespace {

// Copies `v` to device memory as `dtype` (converting on the host when the dtypes differ).
Result<Buffer> upload(const TensorView& v, DType dtype) {
    TensorView out = v;
    out.dtype = dtype;
    FS_ASSIGN_OR_RETURN(Buffer b, Buffer::allocate_on(Device::cuda, out.nbytes(), false));
    if (v.dtype == dtype) {
        FS_RETURN_IF_ERROR(copy_bytes(b.data(), Device::cuda, v.data, Device::cpu, v.nbytes()));
        return b;
    }
    // Convert in slices so the host staging stays small for large tensors.
    const int64_t n = v.numel(), slice = int64_t{1} << 24;
    std::vector<float> f32(static_cast<size_t>(std::min(n, slice)));
    std::vector<uint8_t> conv(static_cast<size_t>(std::min(n, slice)) * dtype_info(dtype).block_bytes);
    for (int64_t i = 0; i < n; i += slice) {
        const int64_t m = std::min(slice, n - i);
        convert_to_f32(v.dtype, static_cast<const uint8_t*>(v.data) + static_cast<uint64_t>(i) * dtype_info(v.dtype).block_bytes,
                       f32.data(), m);
        const void* src = f32.data();
        if (dtype != DType::f32) {
            convert_from_f32(f32.data(), dtype, conv.data(), m);
            src = conv.data();
        }
        FS_RETURN_IF_ERROR(copy_bytes(static_cast<uint8_t*>(b.data()) + static_cast<uint64_t>(i) * dtype_info(dtype).block_bytes,
                                      Device::cuda, src, Device::cpu, static_cast<uint64_t>(m) * dtype_info(dtype).block_bytes));
    }
    return b;
}

}  // namespace

Status MiniMaxText::to_device(Precision precision) {
    if (m_device == Device::cuda) return {};
    const DType matrix = precision == Precision::fp32 ? DType::f32 : DType::bf16;
    std::vector<Buffer> owned;
    MiniMaxWeights w = m_w;  // on failure the model keeps its host weights untouched
    auto move = [&](TensorView& v, DType dtype) -> Status {
        if (v.empty()) return {};
        if (dtype_is_quantized(v.dtype)) return Status(ErrorCode::unsupported, "quantized weights are not supported on the GPU yet");
        FS_ASSIGN_OR_RETURN(Buffer b, upload(v, dtype));
        v.data = b.data();
        v.dtype = dtype;
        v.device = Device::cuda;
        owned.push_back(std::move(b));
        return {};
    };
    auto keep = [&](TensorView& v) { return move(v, precision == Precision::fp32 ? DType::f32 : v.dtype); };
    const bool tied = w.lm_head.data == w.embed.data;
    FS_RETURN_IF_ERROR(move(w.embed, matrix));
    if (tied) w.lm_head = w.embed;
    else FS_RETURN_IF_ERROR(move(w.lm_head, matrix));
    FS_RETURN_IF_ERROR(keep(w.norm));
    for (MiniMaxLayerWeights& lw : w.layers) {
        FS_RETURN_IF_ERROR(keep(lw.input_norm));
        FS_RETURN_IF_ERROR(keep(lw.post_norm));
        if (lw.kind == LayerKind::lightning) {
            FS_RETURN_IF_ERROR(move(lw.lightning.qkv, matrix));
            FS_RETURN_IF_ERROR(move(lw.lightning.gate, matrix));
            FS_RETURN_IF_ERROR(keep(lw.lightning.norm));
            FS_RETURN_IF_ERROR(move(lw.lightning.out, matrix));
        } else {
            for (TensorView* t : {&lw.softmax.q, &lw.softmax.k, &lw.softmax.v, &lw.softmax.o}) FS_RETURN_IF_ERROR(move(*t, matrix));
        }
        FS_RETURN_IF_ERROR(move(lw.router, DType::f32));  // the router stays f32 (spec §6.2)
        for (ExpertView& ev : lw.experts.experts)
            for (TensorView* t : {&ev.w1, &ev.w3, &ev.w2}) FS_RETURN_IF_ERROR(move(*t, matrix));
        FS_RETURN_IF_ERROR(build_device_tables(lw.experts));
    }
    m_w = std::move(w);
    for (auto& b : owned) m_device_owned.push_back(std::move(b));
    m_owned.clear();  // host copies of unaligned tensors are no longer needed
    m_device = Device::cuda;
    return {};
}

}  // namespace farsight

namespace farsight {

Result<std::unique_ptr<MiniMaxText>> MiniMaxText::create_synthetic_on_device(const ModelConfig& c, const OpContext& ctx,
                                                                            uint64_t seed, float stddev) {
    if (ctx.device != Device::cuda) return Status(ErrorCode::invalid_argument, "create_synthetic_on_device needs a GPU context");
    std::unique_ptr<MiniMaxText> m(new MiniMaxText(c, nullptr));
    uint64_t next = seed;
    auto make = [&](std::initializer_list<int64_t> shape, DType dtype = DType::bf16, float mean = 0.0f) -> Result<TensorView> {
        TensorView v(nullptr, dtype, shape, Device::cuda);
        FS_ASSIGN_OR_RETURN(Buffer b, Buffer::allocate_on(Device::cuda, v.nbytes(), false));
        v.data = b.data();
        FS_RETURN_IF_ERROR(cuda::fill_random(ctx, v, ++next, mean, mean == 0.0f ? stddev : 0.1f));
        m->m_device_owned.push_back(std::move(b));
        return v;
    };
    const int64_t e = c.n_embd, hd = c.n_head * c.head_dim, kvd = c.n_head_kv * c.head_dim;
    FS_ASSIGN_OR_RETURN(m->m_w.embed, make({c.n_vocab, e}));
    FS_ASSIGN_OR_RETURN(m->m_w.norm, make({e}, DType::f32, 1.0f));
    FS_ASSIGN_OR_RETURN(m->m_w.lm_head, make({c.n_vocab, e}));
    m->m_w.layers.resize(static_cast<size_t>(c.n_layer));
    for (int64_t l = 0; l < c.n_layer; ++l) {
        MiniMaxLayerWeights& lw = m->m_w.layers[static_cast<size_t>(l)];
        lw.kind = c.layer_kinds[static_cast<size_t>(l)];
        FS_ASSIGN_OR_RETURN(lw.input_norm, make({e}, DType::f32, 1.0f));
        FS_ASSIGN_OR_RETURN(lw.post_norm, make({e}, DType::f32, 1.0f));
        if (lw.kind == LayerKind::lightning) {
            FS_ASSIGN_OR_RETURN(lw.lightning.qkv, make({3 * hd, e}));
            FS_ASSIGN_OR_RETURN(lw.lightning.gate, make({hd, e}));
            FS_ASSIGN_OR_RETURN(lw.lightning.norm, make({hd}, DType::f32, 1.0f));
            FS_ASSIGN_OR_RETURN(lw.lightning.out, make({e, hd}));
            lw.lightning.lambda = lightning_decay(c.n_head, l, c.n_layer);
        } else {
            FS_ASSIGN_OR_RETURN(lw.softmax.q, make({hd, e}));
            FS_ASSIGN_OR_RETURN(lw.softmax.k, make({kvd, e}));
            FS_ASSIGN_OR_RETURN(lw.softmax.v, make({kvd, e}));
            FS_ASSIGN_OR_RETURN(lw.softmax.o, make({e, hd}));
        }
        FS_ASSIGN_OR_RETURN(lw.router, make({c.n_expert, e}, DType::f32));
        lw.experts.experts.resize(static_cast<size_t>(c.n_expert));
        for (auto& ex : lw.experts.experts) {
            FS_ASSIGN_OR_RETURN(ex.w1, make({c.n_ff, e}));
            FS_ASSIGN_OR_RETURN(ex.w3, make({c.n_ff, e}));
            FS_ASSIGN_OR_RETURN(ex.w2, make({e, c.n_ff}));
        }
        FS_RETURN_IF_ERROR(build_device_tables(lw.experts));
    }
    m->m_device = Device::cuda;
    return m;
}

}  // namespace farsight
