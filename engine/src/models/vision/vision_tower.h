// VisionTower: the ViT image encoders of spec §4.1 — CLIP ViT (class token, pre_layrnorm; MiniMax-VL-01
// and LLaVA-NeXT) and SigLIP (no class token, patch bias) — up to the configured feature layer
// (post-LN and pooling heads are never used by VL models). Runs on the CPU or the GPU through ops.
#pragma once

#include <memory>
#include <vector>

#include "core/buffer.h"
#include "core/workspace.h"
#include "io/weight_store.h"
#include "models/vision/vl_config.h"
#include "models/weight_binder.h"

namespace farsight {

struct VitLayerWeights {
    TensorView ln1_w, ln1_b;  // [E]
    TensorView qkv_w;         // [3E, E] q|k|v rows fused at load
    TensorView qkv_b;         // [3E]
    TensorView out_w, out_b;  // [E, E], [E]
    TensorView ln2_w, ln2_b;  // [E]
    TensorView fc1_w, fc1_b;  // [F, E], [F]
    TensorView fc2_w, fc2_b;  // [E, F], [E]
};

struct VitWeights {
    TensorView patch_w;          // [E, 3·p·p] (the conv weight [E, 3, p, p] viewed flat)
    TensorView patch_b;          // [E] (SigLIP) or empty
    TensorView cls;              // [E] (CLIP) or empty
    TensorView pos;              // [T, E]
    TensorView pre_w, pre_b;     // [E] CLIP pre_layrnorm, or empty
    std::vector<VitLayerWeights> layers;  // the first feature_layer encoder layers only
};

class VisionTower {
public:
    // Binds `prefix` + CLIP/SigLIP names ("vision_tower.vision_model." or "vision_tower.") with b;
    // q/k/v are fused into owned buffers. Problems are collected by b (finish() reports them).
    static std::unique_ptr<VisionTower> bind(const VisionTowerConfig& config, WeightBinder& b, const std::string& prefix);
    // Random weights N(0, std) (vectors: LN weights 1, biases small) in f32, for benchmarks.
    static Result<std::unique_ptr<VisionTower>> synthetic(const VisionTowerConfig& config, uint64_t seed, float std = 0.02f);

    const VisionTowerConfig& config() const { return m_config; }
    const VitWeights& weights() const { return m_w; }
    Device device() const { return m_device; }
    // Copies the weights to the GPU: matrices bf16 (Precision::bf16) or f32, vectors f32.
    Status to_device(Precision precision);

    // pixels: [N, 3, S, S] f32 on ctx's device → features [N, n_features, E] f32 (hidden state of
    // the feature layer, class token dropped when configured). Scratch in ws slots 40–49.
    Status forward(const OpContext& ctx, Workspace& ws, const TensorView& pixels, const TensorView& features) const;

    static constexpr size_t kFirstSlot = 40;

private:
    explicit VisionTower(VisionTowerConfig c) : m_config(std::move(c)) {}
    VisionTowerConfig m_config;
    VitWeights m_w;
    std::vector<HostBuffer> m_owned;
    std::vector<Buffer> m_device_owned;
    Device m_device = Device::cpu;
};

// Names the tower reads at `prefix`, and the ones a VL checkpoint may hold that it never reads
// (layers past the feature layer, post_layernorm, SigLIP's pooling head).
bool is_unused_tower_tensor(const VisionTowerConfig& c, const std::string& prefix, const std::string& name);

}  // namespace farsight
