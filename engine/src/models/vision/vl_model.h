// VisionLanguageModel: MiniMax-VL-01 (spec §4) and LLaVA-NeXT checkpoints — anyres preprocessing,
// vision tower, 2-layer projector, unpadded feature packing with image_newline (§4.4), and the
// masked scatter of image rows into the text model's input embeddings at the image token (§4.5).
// The text model is an ordinary CausalLM (MiniMaxText here) that receives those rows through
// CausalLM::forward's `embeddings` argument.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/buffer.h"
#include "io/weight_store.h"
#include "models/causal_lm.h"
#include "models/vision/vision_tower.h"
#include "models/vision/vl_config.h"
#include "vision/anyres.h"

namespace farsight {

// One image, encoded: its packed rows [n_tokens, n_embd] f32 on the model's device.
struct ImageFeatures {
    vision::AnyresLayout layout;
    int64_t n_tokens = 0;
    Buffer rows;
    TensorView view(int64_t n_embd) const { return rows.view(DType::f32, {n_tokens, n_embd}); }
};

// Where the next image token of a sequence takes its row from (advanced by forward_multimodal).
struct ImageCursor {
    size_t image = 0;
    int64_t row = 0;
};

struct ProjectorWeights {
    TensorView w1, b1;  // [n_embd_text, n_embd_vision], [n_embd_text]
    TensorView w2, b2;  // [n_embd_text, n_embd_text], [n_embd_text]
    TensorView newline; // [n_embd_text] image_newline
};

class VisionLanguageModel final : public CausalLM {
public:
    // A folder with config.json (model_type minimax_vl_01 or llava_next) and safetensors weights:
    // VL-01 names (language_model.*, vision_tower.vision_model.*, multi_modal_projector.*,
    // image_newline) or transformers' LLaVA-NeXT names (vision_tower.* without vision_model.).
    static Result<std::unique_ptr<VisionLanguageModel>> load(const std::filesystem::path& dir);

    const VlConfig& config() const { return m_config; }
    const CausalLM& text() const { return *m_text; }
    const VisionTower& tower() const { return *m_tower; }
    int64_t image_token_id() const { return m_config.image_token_id; }
    // Moves tower, projector and text model to the GPU (see MiniMaxText::to_device).
    Status to_device(Precision precision);

    // The anyres pipeline of the checkpoint's family on a decoded RGB image.
    Result<vision::AnyresImage> preprocess(const vision::Rgb8View& img) const;
    // Tower + projector + packing: thumbnail rows, then kept grid rows each ended by image_newline.
    Result<ImageFeatures> encode(const OpContext& ctx, Workspace& ws, const vision::AnyresImage& img) const;
    Result<ImageFeatures> encode_image(const OpContext& ctx, Workspace& ws, const vision::Rgb8View& img) const;

    // The processor's prompt expansion: each image token becomes images[i].n_tokens copies
    // (invalid_argument when the counts of placeholders and images differ).
    Result<std::vector<int32_t>> expand_image_tokens(std::span<const int32_t> ids, std::span<const ImageFeatures> images) const;

    // forward() of a chunk whose image tokens take the next rows of `images` (in order, across
    // chunks via `cursor`); other tokens use the text model's embedding table.
    Status forward_multimodal(const OpContext& ctx, SequenceState& state, Workspace& ws, std::span<const int32_t> tokens,
                              std::span<const ImageFeatures> images, ImageCursor& cursor, LogitsMode mode,
                              float* logits) const;

    // CausalLM, delegated to the text model (chunks with image tokens need forward_multimodal).
    std::string architecture() const override { return m_config.model_type; }
    int64_t n_vocab() const override { return m_text->n_vocab(); }
    int64_t n_ctx_train() const override { return m_text->n_ctx_train(); }
    StateLayout state_layout() const override { return m_text->state_layout(); }
    std::string identity() const override { return m_config.model_type + ":" + m_text->identity(); }
    void describe(ModelInfo& info) const override;
    Status forward(const OpContext& ctx, SequenceState& state, Workspace& ws, std::span<const int32_t> tokens,
                   LogitsMode mode, float* logits, const TensorView* embeddings = nullptr) const override;

    static constexpr size_t kSlotEmbeddings = 50, kSlotPixels = 51, kSlotFeatures = 52, kSlotProjA = 53, kSlotProjB = 54;

private:
    VisionLanguageModel() = default;
    TensorView text_embedding_table() const;

    VlConfig m_config;
    std::shared_ptr<const WeightStore> m_store;
    std::unique_ptr<CausalLM> m_text;
    std::unique_ptr<VisionTower> m_tower;
    ProjectorWeights m_proj;
    std::vector<HostBuffer> m_owned;
    std::vector<Buffer> m_device_owned;
    Device m_device = Device::cpu;
};

}  // namespace farsight
