// VisionLanguageModel: loading (both key layouts), image encoding with feature packing (vLLM
// minimax_vl_01.py pack_image_features / transformers LlavaNextModel.pack_image_features) and the
// image-row splice before the text model's layers.
#include "models/vision/vl_model.h"

#include <cstring>

#include "io/json_util.h"
#include "io/model_config.h"
#include "models/minimax_text.h"
#include "models/weight_binder.h"
#include "ops/embedding.h"
#include "ops/linear.h"

namespace farsight {
namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

std::string tower_prefix(const WeightStore& store) {
    for (const char* p : {"vision_tower.vision_model.", "vision_tower."})
        if (store.find(std::string(p) + "embeddings.patch_embedding.weight")) return p;
    return "vision_tower.vision_model.";  // report missing tensors under the VL-01 names
}

}  // namespace

Result<std::unique_ptr<VisionLanguageModel>> VisionLanguageModel::load(const std::filesystem::path& dir) {
    std::unique_ptr<VisionLanguageModel> m(new VisionLanguageModel());
    FS_ASSIGN_OR_RETURN(m->m_config, load_vl_config(dir));
    FS_ASSIGN_OR_RETURN(WeightStore store, WeightStore::open(dir));
    m->m_store = std::make_shared<const WeightStore>(std::move(store));
    const VlConfig& c = m->m_config;
    if (c.text_model_type == "minimax" || c.text_model_type == "minimax_text_01" || c.text_model_type == "minimax_m1") {
        FS_ASSIGN_OR_RETURN(std::string text, read_text_file(dir / "config.json", 16u << 20));
        FS_ASSIGN_OR_RETURN(ModelConfig mc, parse_model_config(text));
        FS_ASSIGN_OR_RETURN(auto lm, MiniMaxText::create(mc, m->m_store));
        m->m_text = std::move(lm);
    } else {
        return Status(ErrorCode::unsupported, "config.json: a " + c.model_type + " checkpoint with a '" + c.text_model_type +
                                                  "' text model is not supported yet (MiniMax text models only)");
    }
    if (m->m_text->state_layout().layers.empty()) return Status(ErrorCode::internal, "text model without layers");
    const std::string prefix = tower_prefix(*m->m_store);
    WeightBinder b(*m->m_store, "", &m->m_owned);
    const VisionTowerConfig vc = c.vision;
    b.ignore_if([vc, prefix](const std::string& name) {
        return starts_with(name, "language_model.") || is_unused_tower_tensor(vc, prefix, name);
    });
    m->m_tower = VisionTower::bind(c.vision, b, prefix);
    const int64_t et = c.text_n_embd, ev = c.vision.n_embd;
    ProjectorWeights& p = m->m_proj;
    p.w1 = b.bind("multi_modal_projector.linear_1.weight", {et, ev});
    p.w2 = b.bind("multi_modal_projector.linear_2.weight", {et, et});
    if (c.projector_bias) {
        p.b1 = b.bind("multi_modal_projector.linear_1.bias", {et});
        p.b2 = b.bind("multi_modal_projector.linear_2.bias", {et});
    }
    p.newline = b.bind("image_newline", {et});
    FS_RETURN_IF_ERROR(b.finish());
    if (m->text_embedding_table().empty())
        return Status(ErrorCode::internal, "the text model does not expose its embedding table");
    return m;
}

TensorView VisionLanguageModel::text_embedding_table() const {
    if (const auto* mm = dynamic_cast<const MiniMaxText*>(m_text.get())) return mm->weights().embed;
    return {};
}

Status VisionLanguageModel::to_device(Precision precision) {
    if (m_device == Device::cuda) return {};
    auto* mm = dynamic_cast<MiniMaxText*>(m_text.get());
    if (!mm) return Status(ErrorCode::unsupported, "vision-language model: this text model cannot move to the GPU");
    FS_RETURN_IF_ERROR(mm->to_device(precision));
    FS_RETURN_IF_ERROR(m_tower->to_device(precision));
    // Matrices in the GEMM dtype, vectors f32; shapes kept.
    auto upload = [&](TensorView& v, bool matrix) -> Status {
        if (v.empty()) return {};
        const DType dt = matrix && precision == Precision::bf16 ? DType::bf16 : DType::f32;
        std::vector<float> f(static_cast<size_t>(v.numel()));
        convert_to_f32(v.dtype, v.data, f.data(), v.numel());
        std::vector<uint8_t> host(f.size() * dtype_info(dt).block_bytes);
        convert_from_f32(f.data(), dt, host.data(), v.numel());
        FS_ASSIGN_OR_RETURN(Buffer buf, Buffer::allocate_on(Device::cuda, host.size(), false));
        FS_RETURN_IF_ERROR(copy_bytes(buf.data(), Device::cuda, host.data(), Device::cpu, host.size()));
        v.data = buf.data();
        v.dtype = dt;
        v.device = Device::cuda;
        m_device_owned.push_back(std::move(buf));
        return {};
    };
    FS_RETURN_IF_ERROR(upload(m_proj.w1, true));
    FS_RETURN_IF_ERROR(upload(m_proj.w2, true));
    for (TensorView* v : {&m_proj.b1, &m_proj.b2, &m_proj.newline}) FS_RETURN_IF_ERROR(upload(*v, false));
    m_device = Device::cuda;
    return {};
}

Result<vision::AnyresImage> VisionLanguageModel::preprocess(const vision::Rgb8View& img) const {
    return vision::anyres_preprocess(img, m_config.anyres);
}

Result<ImageFeatures> VisionLanguageModel::encode(const OpContext& ctx, Workspace& ws, const vision::AnyresImage& img) const {
    const VlConfig& c = m_config;
    const vision::AnyresLayout& L = img.layout;
    const int64_t n = L.n_tiles(), s = c.vision.image_size, et = c.text_n_embd, ev = c.vision.n_embd;
    const int64_t nf = c.vision.n_features(), side = c.anyres.side();
    if (nf != side * side)
        return Status(ErrorCode::unsupported, "vision features per tile (" + std::to_string(nf) +
                                                  ") do not form the tile's grid: anyres packing needs strategy 'default' on CLIP");
    if (static_cast<int64_t>(img.pixel_values.size()) != n * 3 * s * s)
        return Status(ErrorCode::invalid_argument, "encode: pixel values do not match the layout");
    FS_ASSIGN_OR_RETURN(TensorView px, ws.get(kSlotPixels, DType::f32, {n, 3, s, s}));
    FS_RETURN_IF_ERROR(copy_bytes(px.data, ctx.device, img.pixel_values.data(), Device::cpu, px.nbytes()));
    FS_ASSIGN_OR_RETURN(TensorView feat, ws.get(kSlotFeatures, DType::f32, {n * nf, ev}));
    FS_RETURN_IF_ERROR(m_tower->forward(ctx, ws, px, feat));
    FS_ASSIGN_OR_RETURN(TensorView h, ws.get(kSlotProjA, DType::f32, {n * nf, et}));
    FS_ASSIGN_OR_RETURN(TensorView proj, ws.get(kSlotProjB, DType::f32, {n * nf, et}));
    FS_RETURN_IF_ERROR(linear(ctx, feat, m_proj.w1, m_proj.b1, c.projector_act, {}, h));
    FS_RETURN_IF_ERROR(linear(ctx, h, m_proj.w2, m_proj.b2, Activation::none, {}, proj));

    ImageFeatures out;
    out.layout = L;
    out.n_tokens = L.n_tokens;
    const uint64_t row = static_cast<uint64_t>(et) * 4;
    FS_ASSIGN_OR_RETURN(out.rows, Buffer::allocate_on(ctx.device, row * static_cast<uint64_t>(L.n_tokens), false));
    uint8_t* dst = out.rows.as<uint8_t>();
    const uint8_t* src = static_cast<const uint8_t*>(proj.data);
    FS_RETURN_IF_ERROR(copy_bytes(dst, ctx.device, src, ctx.device, row * static_cast<uint64_t>(nf)));  // thumbnail
    dst += row * static_cast<uint64_t>(nf);
    std::vector<float> newline_host;
    const void* newline = m_proj.newline.data;
    Device newline_dev = m_proj.newline.device;
    if (m_proj.newline.dtype != DType::f32) {
        newline_host.resize(static_cast<size_t>(et));
        convert_to_f32(m_proj.newline.dtype, m_proj.newline.data, newline_host.data(), et);
        newline = newline_host.data();
        newline_dev = Device::cpu;
    }
    for (int y = L.keep_y0; y < L.keep_y1; ++y) {
        // Runs of consecutive kept columns inside one tile are contiguous rows of that tile.
        for (int x = L.keep_x0; x < L.keep_x1;) {
            const int tx = x / static_cast<int>(side), x_end = std::min<int>(L.keep_x1, (tx + 1) * static_cast<int>(side));
            const int64_t tile = 1 + (y / side) * L.tiles_x + tx;
            const int64_t r0 = tile * nf + (y % side) * side + (x % side);
            const uint64_t bytes = row * static_cast<uint64_t>(x_end - x);
            FS_RETURN_IF_ERROR(copy_bytes(dst, ctx.device, src + row * static_cast<uint64_t>(r0), ctx.device, bytes));
            dst += bytes;
            x = x_end;
        }
        if (c.anyres.newline) {
            FS_RETURN_IF_ERROR(copy_bytes(dst, ctx.device, newline, newline_dev, row));
            dst += row;
        }
    }
    if (dst != out.rows.as<uint8_t>() + row * static_cast<uint64_t>(L.n_tokens))
        return Status(ErrorCode::internal, "encode: packed rows do not match the token count");
    return out;
}

Result<ImageFeatures> VisionLanguageModel::encode_image(const OpContext& ctx, Workspace& ws, const vision::Rgb8View& img) const {
    FS_ASSIGN_OR_RETURN(vision::AnyresImage pre, preprocess(img));
    return encode(ctx, ws, pre);
}

Result<std::vector<int32_t>> VisionLanguageModel::expand_image_tokens(std::span<const int32_t> ids,
                                                                      std::span<const ImageFeatures> images) const {
    std::vector<int32_t> out;
    size_t next = 0;
    for (int32_t id : ids) {
        if (id != m_config.image_token_id) {
            out.push_back(id);
            continue;
        }
        if (next >= images.size())
            return Status(ErrorCode::invalid_argument, "the prompt has more image placeholders than images (" +
                                                           std::to_string(images.size()) + ")");
        out.insert(out.end(), static_cast<size_t>(images[next++].n_tokens), id);
    }
    if (next != images.size())
        return Status(ErrorCode::invalid_argument, std::to_string(images.size()) + " images but " + std::to_string(next) +
                                                       " image placeholders in the prompt");
    return out;
}

Status VisionLanguageModel::forward_multimodal(const OpContext& ctx, SequenceState& state, Workspace& ws,
                                               std::span<const int32_t> tokens, std::span<const ImageFeatures> images,
                                               ImageCursor& cursor, LogitsMode mode, float* logits) const {
    const int64_t t = static_cast<int64_t>(tokens.size()), e = m_config.text_n_embd;
    if (t == 0) return Status(ErrorCode::invalid_argument, "forward: no tokens");
    FS_ASSIGN_OR_RETURN(TensorView x, ws.get(kSlotEmbeddings, DType::f32, {t, e}));
    FS_RETURN_IF_ERROR(embedding(ctx, text_embedding_table(), tokens, x));
    const uint64_t row = static_cast<uint64_t>(e) * 4;
    ImageCursor cur = cursor;
    for (int64_t i = 0; i < t;) {
        if (tokens[static_cast<size_t>(i)] != m_config.image_token_id) {
            ++i;
            continue;
        }
        if (cur.image >= images.size())
            return Status(ErrorCode::invalid_argument, "more image tokens than encoded image rows");
        const ImageFeatures& im = images[cur.image];
        int64_t run = 0;
        while (i + run < t && tokens[static_cast<size_t>(i + run)] == m_config.image_token_id && cur.row + run < im.n_tokens) ++run;
        if (im.rows.device() != ctx.device) return Status(ErrorCode::invalid_argument, "image rows are on another device");
        FS_RETURN_IF_ERROR(copy_bytes(static_cast<uint8_t*>(x.data) + row * static_cast<uint64_t>(i), ctx.device,
                                      im.rows.as<uint8_t>() + row * static_cast<uint64_t>(cur.row), ctx.device,
                                      row * static_cast<uint64_t>(run)));
        i += run;
        cur.row += run;
        if (cur.row == im.n_tokens) {
            ++cur.image;
            cur.row = 0;
        }
    }
    FS_RETURN_IF_ERROR(m_text->forward(ctx, state, ws, tokens, mode, logits, &x));
    cursor = cur;
    return {};
}

Status VisionLanguageModel::forward(const OpContext& ctx, SequenceState& state, Workspace& ws, std::span<const int32_t> tokens,
                                    LogitsMode mode, float* logits, const TensorView* embeddings) const {
    if (!embeddings)
        for (int32_t id : tokens)
            if (id == m_config.image_token_id)
                return Status(ErrorCode::invalid_argument,
                              "the prompt holds image tokens but no images were given (use forward_multimodal)");
    return m_text->forward(ctx, state, ws, tokens, mode, logits, embeddings);
}

void VisionLanguageModel::describe(ModelInfo& info) const {
    m_text->describe(info);
    const VisionTowerConfig& v = m_config.vision;
    const int64_t per_layer = 4 * v.n_embd * v.n_embd + 2 * v.n_embd * v.n_ff + 9 * v.n_embd + v.n_ff;
    const int64_t tower = v.feature_layer * per_layer + v.n_embd * 3 * v.patch * v.patch + v.n_positions() * v.n_embd;
    const int64_t proj = m_config.text_n_embd * (v.n_embd + m_config.text_n_embd + 3);
    info.architecture = m_config.model_type;
    info.n_params += tower + proj;
    info.n_active_params += tower + proj;
}

}  // namespace farsight
