// VisionTower: binding (with q|k|v fusion), device upload and the forward pass of spec §4.1:
// patch conv → (+CLS) + positions → [pre-LN] → L × (x += out(attn(LN1 x)); x += fc2(act(fc1(LN2 x)))).
#include "models/vision/vision_tower.h"

#include <cmath>
#include <cstring>
#include <random>

#include "ops/attention_full.h"
#include "ops/layer_norm.h"
#include "ops/linear.h"
#include "ops/patch_embed.h"

namespace farsight {
namespace {

// q, k, v ([E, E] or [E]) concatenated into one owned tensor of their (common) dtype.
TensorView fuse3(const TensorView& q, const TensorView& k, const TensorView& v, std::vector<HostBuffer>& owned,
                 WeightBinder& b) {
    if (q.empty() || k.empty() || v.empty()) return {};
    if (q.dtype != k.dtype || q.dtype != v.dtype) {
        b.bind("(q/k/v of one attention layer must share a dtype)", {0});  // recorded as a problem
        return {};
    }
    auto buf = HostBuffer::allocate(q.nbytes() * 3, false);
    if (!buf.ok()) return {};
    uint8_t* dst = buf->as<uint8_t>();
    for (const TensorView* t : {&q, &k, &v}) {
        std::memcpy(dst, t->data, t->nbytes());
        dst += t->nbytes();
    }
    TensorView out = q.rank == 2 ? buf->view(q.dtype, {3 * q.dim(0), q.dim(1)}) : buf->view(q.dtype, {3 * q.dim(0)});
    owned.push_back(std::move(buf).value());
    return out;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

}  // namespace

bool is_unused_tower_tensor(const VisionTowerConfig& c, const std::string& prefix, const std::string& name) {
    if (!starts_with(name, prefix)) return false;
    const std::string rest = name.substr(prefix.size());
    if (starts_with(rest, "post_layernorm.") || starts_with(rest, "head.")) return true;
    if (starts_with(rest, "embeddings.position_ids")) return true;
    const std::string layers = "encoder.layers.";
    if (starts_with(rest, layers)) {
        const size_t dot = rest.find('.', layers.size());
        const std::string idx = rest.substr(layers.size(), dot - layers.size());
        if (!idx.empty() && idx.find_first_not_of("0123456789") == std::string::npos && idx.size() < 6)
            return std::stoll(idx) >= c.feature_layer;
    }
    return false;
}

std::unique_ptr<VisionTower> VisionTower::bind(const VisionTowerConfig& c, WeightBinder& b, const std::string& prefix) {
    std::unique_ptr<VisionTower> t(new VisionTower(c));
    const int64_t e = c.n_embd, f = c.n_ff, p = c.patch;
    const std::string em = prefix + "embeddings.";
    VitWeights& w = t->m_w;
    const TensorView conv = b.bind(em + "patch_embedding.weight", {e, 3, p, p});
    if (!conv.empty()) w.patch_w = conv.reshaped({e, 3 * p * p});
    w.pos = b.bind(em + "position_embedding.weight", {c.n_positions(), e});
    if (c.kind == TowerKind::clip) {
        w.cls = b.bind(em + "class_embedding", {e});
        w.pre_w = b.bind(prefix + "pre_layrnorm.weight", {e});
        w.pre_b = b.bind(prefix + "pre_layrnorm.bias", {e});
    } else {
        w.patch_b = b.bind(em + "patch_embedding.bias", {e});
    }
    w.layers.resize(static_cast<size_t>(c.feature_layer));
    for (int64_t l = 0; l < c.feature_layer; ++l) {
        VitLayerWeights& lw = w.layers[static_cast<size_t>(l)];
        const std::string lp = prefix + "encoder.layers." + std::to_string(l) + ".";
        TensorView q = b.bind(lp + "self_attn.q_proj.weight", {e, e}), k = b.bind(lp + "self_attn.k_proj.weight", {e, e}),
                   v = b.bind(lp + "self_attn.v_proj.weight", {e, e});
        TensorView qb = b.bind(lp + "self_attn.q_proj.bias", {e}), kb = b.bind(lp + "self_attn.k_proj.bias", {e}),
                   vb = b.bind(lp + "self_attn.v_proj.bias", {e});
        lw.qkv_w = fuse3(q, k, v, t->m_owned, b);
        lw.qkv_b = fuse3(qb, kb, vb, t->m_owned, b);
        lw.out_w = b.bind(lp + "self_attn.out_proj.weight", {e, e});
        lw.out_b = b.bind(lp + "self_attn.out_proj.bias", {e});
        lw.ln1_w = b.bind(lp + "layer_norm1.weight", {e});
        lw.ln1_b = b.bind(lp + "layer_norm1.bias", {e});
        lw.ln2_w = b.bind(lp + "layer_norm2.weight", {e});
        lw.ln2_b = b.bind(lp + "layer_norm2.bias", {e});
        lw.fc1_w = b.bind(lp + "mlp.fc1.weight", {f, e});
        lw.fc1_b = b.bind(lp + "mlp.fc1.bias", {f});
        lw.fc2_w = b.bind(lp + "mlp.fc2.weight", {e, f});
        lw.fc2_b = b.bind(lp + "mlp.fc2.bias", {e});
    }
    return t;
}

Result<std::unique_ptr<VisionTower>> VisionTower::synthetic(const VisionTowerConfig& c, uint64_t seed, float std) {
    std::unique_ptr<VisionTower> t(new VisionTower(c));
    std::mt19937_64 g(seed);
    std::normal_distribution<float> nd(0.0f, std);
    auto make = [&](std::initializer_list<int64_t> dims, float fill, bool random) -> Result<TensorView> {
        TensorView v(nullptr, DType::f32, dims);
        FS_ASSIGN_OR_RETURN(HostBuffer buf, HostBuffer::allocate(v.nbytes(), false));
        v.data = buf.data();
        float* p = buf.as<float>();
        for (int64_t i = 0; i < v.numel(); ++i) p[i] = random ? nd(g) : fill;
        t->m_owned.push_back(std::move(buf));
        return v;
    };
    const int64_t e = c.n_embd, f = c.n_ff;
    VitWeights& w = t->m_w;
    FS_ASSIGN_OR_RETURN(w.patch_w, make({e, 3 * c.patch * c.patch}, 0, true));
    FS_ASSIGN_OR_RETURN(w.pos, make({c.n_positions(), e}, 0, true));
    if (c.kind == TowerKind::clip) {
        FS_ASSIGN_OR_RETURN(w.cls, make({e}, 0, true));
        FS_ASSIGN_OR_RETURN(w.pre_w, make({e}, 1.0f, false));
        FS_ASSIGN_OR_RETURN(w.pre_b, make({e}, 0, true));
    } else {
        FS_ASSIGN_OR_RETURN(w.patch_b, make({e}, 0, true));
    }
    w.layers.resize(static_cast<size_t>(c.feature_layer));
    for (auto& lw : w.layers) {
        FS_ASSIGN_OR_RETURN(lw.ln1_w, make({e}, 1.0f, false));
        FS_ASSIGN_OR_RETURN(lw.ln1_b, make({e}, 0, true));
        FS_ASSIGN_OR_RETURN(lw.ln2_w, make({e}, 1.0f, false));
        FS_ASSIGN_OR_RETURN(lw.ln2_b, make({e}, 0, true));
        FS_ASSIGN_OR_RETURN(lw.qkv_w, make({3 * e, e}, 0, true));
        FS_ASSIGN_OR_RETURN(lw.qkv_b, make({3 * e}, 0, true));
        FS_ASSIGN_OR_RETURN(lw.out_w, make({e, e}, 0, true));
        FS_ASSIGN_OR_RETURN(lw.out_b, make({e}, 0, true));
        FS_ASSIGN_OR_RETURN(lw.fc1_w, make({f, e}, 0, true));
        FS_ASSIGN_OR_RETURN(lw.fc1_b, make({f}, 0, true));
        FS_ASSIGN_OR_RETURN(lw.fc2_w, make({e, f}, 0, true));
        FS_ASSIGN_OR_RETURN(lw.fc2_b, make({e}, 0, true));
    }
    return t;
}

Status VisionTower::to_device(Precision precision) {
    if (m_device == Device::cuda) return {};
    auto upload = [&](TensorView& v, bool matrix) -> Status {
        if (v.empty()) return {};
        const DType dt = matrix && precision == Precision::bf16 ? DType::bf16 : DType::f32;
        std::vector<uint8_t> host(static_cast<size_t>(v.numel()) * dtype_info(dt).block_bytes);
        if (dt == DType::f32) convert_to_f32(v.dtype, v.data, reinterpret_cast<float*>(host.data()), v.numel());
        else if (v.dtype == DType::bf16) std::memcpy(host.data(), v.data, host.size());
        else {
            std::vector<float> f(static_cast<size_t>(v.numel()));
            convert_to_f32(v.dtype, v.data, f.data(), v.numel());
            convert_from_f32(f.data(), DType::bf16, host.data(), v.numel());
        }
        FS_ASSIGN_OR_RETURN(Buffer buf, Buffer::allocate_on(Device::cuda, host.size(), false));
        FS_RETURN_IF_ERROR(copy_bytes(buf.data(), Device::cuda, host.data(), Device::cpu, host.size()));
        v.data = buf.data();
        v.dtype = dt;
        v.device = Device::cuda;
        m_device_owned.push_back(std::move(buf));
        return {};
    };
    VitWeights& w = m_w;
    FS_RETURN_IF_ERROR(upload(w.patch_w, true));
    for (TensorView* v : {&w.patch_b, &w.cls, &w.pos, &w.pre_w, &w.pre_b}) FS_RETURN_IF_ERROR(upload(*v, false));
    for (auto& lw : w.layers) {
        for (TensorView* v : {&lw.qkv_w, &lw.out_w, &lw.fc1_w, &lw.fc2_w}) FS_RETURN_IF_ERROR(upload(*v, true));
        for (TensorView* v : {&lw.ln1_w, &lw.ln1_b, &lw.ln2_w, &lw.ln2_b, &lw.qkv_b, &lw.out_b, &lw.fc1_b, &lw.fc2_b})
            FS_RETURN_IF_ERROR(upload(*v, false));
    }
    m_owned.clear();
    m_device = Device::cuda;
    return {};
}

Status VisionTower::forward(const OpContext& ctx, Workspace& ws, const TensorView& pixels, const TensorView& features) const {
    const VisionTowerConfig& c = m_config;
    if (ctx.device != m_device) return Status(ErrorCode::invalid_argument, "vision tower: weights and context on different devices");
    if (pixels.rank != 4 || pixels.dim(1) != 3 || pixels.dim(2) != c.image_size || pixels.dim(3) != c.image_size)
        return Status(ErrorCode::invalid_argument, "vision tower: pixels " + pixels.shape_string() + " are not [N, 3, " +
                                                       std::to_string(c.image_size) + ", " + std::to_string(c.image_size) + "]");
    const int64_t n = pixels.dim(0), e = c.n_embd, t = c.n_positions(), np = c.n_patches(), pp = 3 * c.patch * c.patch;
    if (features.numel() != n * c.n_features() * e || features.dtype != DType::f32)
        return Status(ErrorCode::invalid_argument, "vision tower: features must be f32 [N, " + std::to_string(c.n_features()) +
                                                       ", " + std::to_string(e) + "]");
    // bf16 activations feed the GEMMs on the GPU; the residual stream stays f32.
    const DType adt = ctx.device == Device::cuda && ctx.precision == Precision::bf16 ? DType::bf16 : DType::f32;
    const size_t s = kFirstSlot;
    FS_ASSIGN_OR_RETURN(TensorView patches, ws.get(s + 0, adt, {n, np, pp}));
    FS_ASSIGN_OR_RETURN(TensorView pe, ws.get(s + 1, DType::f32, {n, np, e}));
    FS_ASSIGN_OR_RETURN(TensorView x, ws.get(s + 2, DType::f32, {n, t, e}));
    FS_ASSIGN_OR_RETURN(TensorView x2, ws.get(s + 3, DType::f32, {n, t, e}));
    FS_ASSIGN_OR_RETURN(TensorView h, ws.get(s + 4, adt, {n, t, e}));
    FS_ASSIGN_OR_RETURN(TensorView qkv, ws.get(s + 5, adt, {n, t, 3 * e}));
    FS_ASSIGN_OR_RETURN(TensorView att, ws.get(s + 6, adt, {n, t, e}));
    FS_ASSIGN_OR_RETURN(TensorView f, ws.get(s + 7, adt, {n, t, c.n_ff}));
    const VitWeights& w = m_w;
    FS_RETURN_IF_ERROR(patchify(ctx, pixels, c.patch, patches));
    FS_RETURN_IF_ERROR(linear(ctx, patches, w.patch_w, w.patch_b, Activation::none, {}, pe));
    FS_RETURN_IF_ERROR(vit_embeddings(ctx, pe, w.cls, w.pos, x));
    const float eps = static_cast<float>(c.eps);
    if (!w.pre_w.empty()) FS_RETURN_IF_ERROR(layer_norm(ctx, x, w.pre_w, w.pre_b, eps, x));
    const float scale = 1.0f / std::sqrt(static_cast<float>(e / c.n_head));
    for (const VitLayerWeights& lw : w.layers) {
        FS_RETURN_IF_ERROR(layer_norm(ctx, x, lw.ln1_w, lw.ln1_b, eps, h));
        FS_RETURN_IF_ERROR(linear(ctx, h, lw.qkv_w, lw.qkv_b, Activation::none, {}, qkv));
        FS_RETURN_IF_ERROR(attention_full(ctx, qkv, c.n_head, scale, att));
        FS_RETURN_IF_ERROR(linear(ctx, att, lw.out_w, lw.out_b, Activation::none, x, x2));
        FS_RETURN_IF_ERROR(layer_norm(ctx, x2, lw.ln2_w, lw.ln2_b, eps, h));
        FS_RETURN_IF_ERROR(linear(ctx, h, lw.fc1_w, lw.fc1_b, c.act, {}, f));
        FS_RETURN_IF_ERROR(linear(ctx, f, lw.fc2_w, lw.fc2_b, Activation::none, x2, x));
    }
    const int64_t skip = t - c.n_features();  // 1 when the class token is dropped
    const uint64_t row_bytes = static_cast<uint64_t>(c.n_features() * e) * 4;
    if (skip == 0) return copy_bytes(features.data, ctx.device, x.data, ctx.device, row_bytes * static_cast<uint64_t>(n));
    for (int64_t i = 0; i < n; ++i)
        FS_RETURN_IF_ERROR(copy_bytes(static_cast<uint8_t*>(features.data) + static_cast<uint64_t>(i) * row_bytes, ctx.device,
                                      x.f32() + (i * t + skip) * e, ctx.device, row_bytes));
    return {};
}

}  // namespace farsight
