// VL config parsing: MiniMaxVL01Config (hub configuration_minimax_vl_01.py; spec §1.2) and
// transformers' LlavaNextConfig / CLIPVisionConfig / SiglipVisionConfig keys and defaults.
#include "models/vision/vl_config.h"

#include <cmath>

#include "io/json_util.h"

namespace farsight {
namespace {

using nlohmann::json;

Status bad(const std::string& m) { return Status(ErrorCode::bad_config, "config.json: " + m); }

Status get_int(const json& j, const char* key, int64_t* out, bool required, int64_t lo, int64_t hi) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return required ? bad(std::string("missing key '") + key + "'") : Status();
    if (!it->is_number_integer()) return bad(std::string("'") + key + "' must be an integer");
    const int64_t v = it->get<int64_t>();
    if (v < lo || v > hi) return bad(std::string("'") + key + "' = " + std::to_string(v) + " is out of range");
    *out = v;
    return {};
}

Result<Activation> activation_of(const std::string& name) {
    if (name == "gelu") return Activation::gelu_erf;
    if (name == "gelu_pytorch_tanh" || name == "gelu_new" || name == "gelu_fast") return Activation::gelu_tanh;
    if (name == "quick_gelu") return Activation::quick_gelu;
    return bad("activation '" + name + "' is not supported");
}

Status parse_tower(const json& vc, int64_t feature_layer, const std::string& strategy, VisionTowerConfig& t) {
    const std::string type = vc.value("model_type", std::string("clip_vision_model"));
    if (type == "clip_vision_model") t.kind = TowerKind::clip;
    else if (type == "siglip_vision_model") t.kind = TowerKind::siglip;
    else return Status(ErrorCode::unsupported, "config.json: vision tower '" + type + "' is not supported (CLIP, SigLIP)");
    // transformers' class defaults when a key is absent.
    t.n_embd = t.kind == TowerKind::clip ? 768 : 768;
    t.n_ff = 3072;
    t.n_layer = 12;
    t.n_head = 12;
    t.image_size = t.kind == TowerKind::clip ? 224 : 224;
    t.patch = t.kind == TowerKind::clip ? 32 : 16;
    FS_RETURN_IF_ERROR(get_int(vc, "hidden_size", &t.n_embd, false, 1, 1 << 16));
    FS_RETURN_IF_ERROR(get_int(vc, "intermediate_size", &t.n_ff, false, 1, 1 << 18));
    FS_RETURN_IF_ERROR(get_int(vc, "num_hidden_layers", &t.n_layer, false, 1, 1024));
    FS_RETURN_IF_ERROR(get_int(vc, "num_attention_heads", &t.n_head, false, 1, 1024));
    FS_RETURN_IF_ERROR(get_int(vc, "image_size", &t.image_size, false, 1, 8192));
    FS_RETURN_IF_ERROR(get_int(vc, "patch_size", &t.patch, false, 1, 1024));
    if (t.n_embd % t.n_head) return bad("vision hidden_size is not a multiple of num_attention_heads");
    if (t.image_size % t.patch) return bad("vision image_size is not a multiple of patch_size");
    if (vc.contains("num_channels") && vc["num_channels"] != 3) return bad("vision num_channels must be 3");
    t.eps = vc.value("layer_norm_eps", t.kind == TowerKind::clip ? 1e-5 : 1e-6);
    FS_ASSIGN_OR_RETURN(t.act, activation_of(vc.value("hidden_act", std::string(t.kind == TowerKind::clip ? "quick_gelu"
                                                                                                          : "gelu_pytorch_tanh"))));
    const int64_t n_states = t.n_layer + 1;
    const int64_t fl = feature_layer < 0 ? n_states + feature_layer : feature_layer;
    if (fl < 0 || fl >= n_states) return bad("vision_feature_layer " + std::to_string(feature_layer) + " is out of range");
    t.feature_layer = fl;
    if (strategy != "default" && strategy != "full") return bad("vision_feature_select_strategy '" + strategy + "'");
    t.drop_cls = strategy == "default";
    return {};
}

}  // namespace

bool is_vl_model_type(std::string_view t) { return t == "minimax_vl_01" || t == "llava_next"; }

Result<VlConfig> parse_vl_config(std::string_view text, std::string_view pre_text) {
    FS_ASSIGN_OR_RETURN(json j, parse_json_strict(text, ErrorCode::bad_config));
    if (!j.is_object()) return bad("top level is not an object");
    VlConfig c;
    c.model_type = j.value("model_type", std::string());
    if (!is_vl_model_type(c.model_type))
        return Status(ErrorCode::unsupported, "config.json: model_type '" + c.model_type + "' is not a vision-language model");
    const bool minimax = c.model_type == "minimax_vl_01";
    auto tc = j.find("text_config");
    auto vc = j.find("vision_config");
    if (tc == j.end() || !tc->is_object()) return bad("missing text_config");
    if (vc == j.end() || !vc->is_object()) return bad("missing vision_config");
    c.text_model_type = tc->value("model_type", std::string());
    FS_RETURN_IF_ERROR(get_int(*tc, "hidden_size", &c.text_n_embd, true, 1, 1 << 20));
    c.image_token_id = minimax ? 200025 : 32000;
    if (j.contains("image_token_id")) FS_RETURN_IF_ERROR(get_int(j, "image_token_id", &c.image_token_id, false, 0, 1ll << 31));
    FS_RETURN_IF_ERROR(get_int(j, "image_token_index", &c.image_token_id, false, 0, 1ll << 31));
    int64_t fl = minimax ? -1 : -2;  // spec §1.2 (transformers port) / LlavaNextConfig default
    if (auto it = j.find("vision_feature_layer"); it != j.end() && !it->is_number_integer())
        return bad("vision_feature_layer lists (multi-layer features) are not supported");
    FS_RETURN_IF_ERROR(get_int(j, "vision_feature_layer", &fl, false, -1024, 1024));
    FS_RETURN_IF_ERROR(parse_tower(*vc, fl, j.value("vision_feature_select_strategy", std::string("default")), c.vision));
    FS_ASSIGN_OR_RETURN(c.projector_act, activation_of(j.value("projector_hidden_act", std::string("gelu"))));
    c.projector_bias = j.value("multimodal_projector_bias", true);

    vision::AnyresConfig& a = c.anyres;
    a = minimax ? vision::AnyresConfig::minimax_vl01() : vision::AnyresConfig();
    a.variant = minimax ? vision::AnyresVariant::minimax : vision::AnyresVariant::llava_next;
    a.tile = static_cast<int>(c.vision.image_size);
    a.patch = static_cast<int>(c.vision.patch);
    if (!minimax) a.pinpoints = {{336, 672}, {672, 336}, {672, 672}, {1008, 336}, {336, 1008}};
    if (c.vision.kind == TowerKind::siglip) a.mean = a.std = {0.5, 0.5, 0.5};
    auto read_pinpoints = [&](const json& src) -> Status {
        auto it = src.find("image_grid_pinpoints");
        if (it == src.end()) return {};
        if (!it->is_array() || it->empty() || it->size() > 4096) return bad("image_grid_pinpoints must be a list of pairs");
        a.pinpoints.clear();
        for (const json& p : *it) {
            if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer() || !p[1].is_number_integer())
                return bad("image_grid_pinpoints must be a list of [a, b] integer pairs");
            a.pinpoints.emplace_back(p[0].get<int>(), p[1].get<int>());
        }
        return {};
    };
    FS_RETURN_IF_ERROR(read_pinpoints(j));
    if (!pre_text.empty()) {
        auto pj = parse_json_strict(pre_text, ErrorCode::bad_config);
        if (!pj.ok()) return pj.status().with_context("preprocessor_config.json");
        if (pj->is_object()) {
            FS_RETURN_IF_ERROR(read_pinpoints(*pj).with_context("preprocessor_config.json"));
            for (const char* key : {"image_mean", "image_std"}) {
                auto it = pj->find(key);
                if (it == pj->end()) continue;
                if (!it->is_array() || it->size() != 3) return bad(std::string("preprocessor_config.json: ") + key);
                auto& dst = std::string(key) == "image_mean" ? a.mean : a.std;
                for (size_t i = 0; i < 3; ++i) {
                    if (!(*it)[i].is_number()) return bad(std::string("preprocessor_config.json: ") + key);
                    dst[i] = (*it)[i].get<double>();
                }
            }
        }
    }
    FS_RETURN_IF_ERROR(a.validate());
    return c;
}

Result<VlConfig> load_vl_config(const std::filesystem::path& dir) {
    FS_ASSIGN_OR_RETURN(std::string text, read_text_file(dir / "config.json", 16u << 20));
    std::string pre;
    std::error_code ec;
    if (std::filesystem::exists(dir / "preprocessor_config.json", ec)) {
        FS_ASSIGN_OR_RETURN(pre, read_text_file(dir / "preprocessor_config.json", 1u << 20));
    }
    return parse_vl_config(text, pre);
}

}  // namespace farsight
