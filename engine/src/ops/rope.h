// rope_neox: rotary position embedding on the first `rotary_dim` dims of every head, NeoX
// ("rotate_half") pairing (i, i + rotary_dim/2), θ_i = theta^(-2i/rotary_dim), angle = p·θ_i with
// f32 angles as in the reference (spec §2.4). Dims past rotary_dim pass through.
//
// rope: the general form used by the llama family — per-pair frequencies given (so Llama-3 / linear
// scaling and GGUF rope_freqs factors are applied by the caller via rope_inv_freq), and either NeoX
// pairing (HF checkpoints, GGUF qwen2) or interleaved pairs (2i, 2i+1) (GGUF llama, whose converter
// permutes Q/K rows for ggml's "normal" rope).
#pragma once

#include <span>
#include <vector>

#include "ops/op_context.h"

namespace farsight {

// x: [T, n_head, head_dim] f32, rotated in place; token t has position pos0 + t.
Status rope_neox(const OpContext& ctx, const TensorView& x, int64_t pos0, int64_t rotary_dim, double theta);

enum class RopePairing : uint8_t { neox, interleaved };

struct RopeScaling {
    enum class Kind : uint8_t { none, linear, llama3 } kind = Kind::none;
    double factor = 1.0;
    double low_freq_factor = 1.0, high_freq_factor = 4.0;  // llama3
    double original_max_position = 8192;                   // llama3
};

// inv_freq[i] = 1 / theta^(2i/rotary_dim) in f32 (as rope_neox and transformers build it), then the
// scaling (transformers' _compute_llama3_parameters / linear), then division by `freq_factors`
// (GGUF rope_freqs.weight) when given.
std::vector<float> rope_inv_freq(int64_t rotary_dim, double theta, const RopeScaling& scaling = {},
                                 std::span<const float> freq_factors = {});

// x: [T, n_head, head_dim] f32 rotated in place on the first 2·inv_freq.size() dims; positions pos0 + t.
Status rope(const OpContext& ctx, const TensorView& x, int64_t pos0, std::span<const float> inv_freq, RopePairing pairing);

namespace cpu {
void rope(const OpContext& ctx, float* x, int64_t t, int64_t n_head, int64_t head_dim, int64_t pos0,
          std::span<const float> inv_freq, RopePairing pairing);
void rope_neox(const OpContext& ctx, float* x, int64_t t, int64_t n_head, int64_t head_dim, int64_t pos0,
               int64_t rotary_dim, double theta);
}

}  // namespace farsight
