// "anyres" image preprocessing of MiniMax-VL-01 (spec §4.3–4.4; the official processor's
// select_best_resolution / keepratio_resize / divide_to_patches / get_num_token) and its LLaVA-NeXT
// variant (transformers' LlavaNextImageProcessor + pack_image_features): best grid resolution,
// keep-ratio bicubic resize onto a black canvas, row-major tiles plus a stretched thumbnail, CLIP
// normalisation, and the unpadded feature grid that decides the image's token count.
#pragma once

#include <array>
#include <utility>
#include <vector>

#include "vision/image.h"
#include "vision/resample.h"

namespace farsight::vision {

// The two families differ only in rounding and in how a pinpoint pair is read.
enum class AnyresVariant : uint8_t {
    minimax,     // pinpoints read (W, H); resize int(); unpad floor; pixels float(u8)/255 (ToTensor)
    llava_next,  // pinpoints read (H, W); resize ceil(); unpad int(round(x, 7)); pixels f32(u8 * (1/255) in f64)
};

struct AnyresConfig {
    AnyresVariant variant = AnyresVariant::minimax;
    int tile = 336;   // vision_config.image_size
    int patch = 14;   // vision_config.patch_size
    std::vector<std::pair<int, int>> pinpoints;  // as written in the config
    // As written in preprocessor_config.json; rounded to f32 once, as torch.tensor(mean) does.
    std::array<double, 3> mean{0.48145466, 0.4578275, 0.40821073};
    std::array<double, 3> std{0.26862954, 0.26130258, 0.27577711};
    bool newline = true;  // an image_newline column ends every kept row (both families)
    PillowPasses passes = PillowPasses::adaptive;  // the Pillow release the reference ran with

    static AnyresConfig minimax_vl01();  // the 28 pinpoints of spec §1.2, CLIP mean/std
    int side() const { return tile / patch; }  // features per tile side (24)
    Status validate() const;
};

struct Resolution {
    int width = 0, height = 0;
};

// Where the original image lands, in pixels and in feature-grid cells. Enough to draw the model's
// view of an image and to map coordinates between the original, the canvas and the grid.
struct AnyresLayout {
    int orig_w = 0, orig_h = 0;
    int canvas_w = 0, canvas_h = 0;  // the chosen pinpoint (W, H)
    int scaled_w = 0, scaled_h = 0;  // the resized image inside the canvas
    int pad_x = 0, pad_y = 0;        // its top-left corner on the canvas
    int tiles_x = 0, tiles_y = 0;    // canvas / tile
    int grid_w = 0, grid_h = 0;      // feature grid of the tiles (tiles * side)
    int keep_x0 = 0, keep_x1 = 0, keep_y0 = 0, keep_y1 = 0;  // the unpadded grid region [x0, x1) × [y0, y1)
    int64_t n_tokens = 0;            // side² (thumbnail) + (kept_w + newline) * kept_h

    int n_tiles() const { return 1 + tiles_x * tiles_y; }  // thumbnail first
    int kept_w() const { return keep_x1 - keep_x0; }
    int kept_h() const { return keep_y1 - keep_y0; }
};

Resolution select_best_resolution(int w0, int h0, const AnyresConfig& cfg);
// Geometry only (no pixels): what the processor's token count and the model's unpadding use.
Result<AnyresLayout> anyres_layout(int w0, int h0, const AnyresConfig& cfg);

struct AnyresImage {
    AnyresLayout layout;
    std::vector<float> pixel_values;  // [n_tiles, 3, tile, tile]: thumbnail, then tiles row-major
};

// The full pipeline on an RGB8 image (already decoded and converted to RGB).
Result<AnyresImage> anyres_preprocess(const Rgb8View& img, const AnyresConfig& cfg);
// The canvas (resized + black padding) the tiles are cut from, e.g. to show what the model sees.
Result<Rgb8Image> anyres_canvas(const Rgb8View& img, const AnyresConfig& cfg, AnyresLayout* layout = nullptr);
// One 8-bit tile → normalised CHW floats (ToTensor + Normalize of the given variant).
void normalize_tile(const Rgb8View& tile, const AnyresConfig& cfg, float* out);

}  // namespace farsight::vision
