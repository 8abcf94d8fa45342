// Configuration of a vision-language checkpoint: MiniMax-VL-01 (spec §1.2) or LLaVA-NeXT
// (transformers' LlavaNextConfig) with a CLIP or SigLIP tower — the vision tower, projector,
// feature selection, image token, and the anyres preprocessing (preprocessor_config.json when the
// folder has one, else the family's defaults).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "farsight/engine/status.h"
#include "ops/linear.h"
#include "vision/anyres.h"

namespace farsight {

enum class TowerKind : uint8_t { clip, siglip };

struct VisionTowerConfig {
    TowerKind kind = TowerKind::clip;
    int64_t n_embd = 0, n_ff = 0, n_layer = 0, n_head = 0;
    int64_t image_size = 0, patch = 0;
    double eps = 1e-5;
    Activation act = Activation::gelu_erf;
    // Hidden states are numbered as transformers' output_hidden_states: 0 = embeddings (after
    // CLIP's pre_layrnorm), i = after encoder layer i. `feature_layer` is that index, resolved.
    int64_t feature_layer = 0;
    bool drop_cls = true;  // vision_feature_select_strategy "default" on a tower with a CLS token

    int64_t n_patches() const { return (image_size / patch) * (image_size / patch); }
    int64_t n_positions() const { return n_patches() + (kind == TowerKind::clip ? 1 : 0); }
    int64_t n_features() const { return n_positions() - (drop_cls && kind == TowerKind::clip ? 1 : 0); }
};

struct VlConfig {
    std::string model_type;  // "minimax_vl_01" or "llava_next"
    VisionTowerConfig vision;
    Activation projector_act = Activation::gelu_erf;
    bool projector_bias = true;
    int64_t text_n_embd = 0;
    int64_t image_token_id = 0;
    std::string text_model_type;  // text_config.model_type
    vision::AnyresConfig anyres;
};

bool is_vl_model_type(std::string_view model_type);
// config.json text (and preprocessor_config.json text, may be empty). bad_config names the key.
Result<VlConfig> parse_vl_config(std::string_view config_json, std::string_view preprocessor_json = {});
// Reads <dir>/config.json and, when present, <dir>/preprocessor_config.json.
Result<VlConfig> load_vl_config(const std::filesystem::path& dir);

}  // namespace farsight
