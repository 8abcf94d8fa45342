// anyres preprocessing. Every rounding step follows the reference it names: MiniMax's processor
// (select_best_resolution, keepratio_resize, get_w_h_num) or transformers' LLaVA-NeXT
// (select_best_resolution, get_patch_output_size, unpad_image). Where the references would ask
// PIL for a 0-pixel resize (aspect ratios beyond ~1:2000) and fail, we keep 1 pixel instead.
#include "vision/anyres.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>


namespace farsight::vision {

AnyresConfig AnyresConfig::minimax_vl01() {
    AnyresConfig c;
    c.variant = AnyresVariant::minimax;
    c.pinpoints = {{336, 336},   {336, 672},   {336, 1008},  {336, 1344},  {336, 1680},  {336, 2016},  {672, 336},
                   {672, 672},   {672, 1008},  {672, 1344},  {672, 1680},  {672, 2016},  {1008, 336},  {1008, 672},
                   {1008, 1008}, {1008, 1344}, {1008, 1680}, {1008, 2016}, {1344, 336},  {1344, 672},  {1344, 1008},
                   {1344, 1344}, {1680, 336},  {1680, 672},  {1680, 1008}, {2016, 336},  {2016, 672},  {2016, 1008}};
    return c;
}

Status AnyresConfig::validate() const {
    auto bad = [](const std::string& m) { return Status(ErrorCode::bad_config, "image preprocessing: " + m); };
    if (tile <= 0 || patch <= 0 || tile % patch != 0) return bad("image_size must be a positive multiple of patch_size");
    if (pinpoints.empty()) return bad("image_grid_pinpoints is empty");
    for (const auto& [a, b] : pinpoints)
        if (a <= 0 || b <= 0 || a % tile != 0 || b % tile != 0 || a > 64 * tile || b > 64 * tile)
            return bad("grid pinpoint " + std::to_string(a) + "x" + std::to_string(b) +
                       " is not a multiple of the tile size " + std::to_string(tile));
    for (int i = 0; i < 3; ++i)
        if (!(std[static_cast<size_t>(i)] > 0)) return bad("image_std must be positive");
    return {};
}

Resolution select_best_resolution(int w0, int h0, const AnyresConfig& cfg) {
    Resolution best{};
    int64_t max_effective = 0;
    int64_t min_wasted = std::numeric_limits<int64_t>::max();
    for (const auto& [first, second] : cfg.pinpoints) {
        const int width = cfg.variant == AnyresVariant::minimax ? first : second;
        const int height = cfg.variant == AnyresVariant::minimax ? second : first;
        const double scale = std::min(static_cast<double>(width) / w0, static_cast<double>(height) / h0);
        const auto dw = static_cast<int64_t>(w0 * scale), dh = static_cast<int64_t>(h0 * scale);
        const int64_t effective = std::min(dw * dh, int64_t{w0} * h0);
        const int64_t wasted = int64_t{width} * height - effective;
        if (effective > max_effective || (effective == max_effective && wasted < min_wasted)) {
            max_effective = effective;
            min_wasted = wasted;
            best = {width, height};
        }
    }
    return best;
}

namespace {

// floor(round(x, 7)) for x >= 0, as Python's int(round(x, 7)).
int int_round7(double x) { return static_cast<int>(std::floor(x + 5e-8)); }

}  // namespace

Result<AnyresLayout> anyres_layout(int w0, int h0, const AnyresConfig& cfg) {
    FS_RETURN_IF_ERROR(cfg.validate());
    FS_RETURN_IF_ERROR(check_image_size(w0, h0));
    AnyresLayout L;
    L.orig_w = w0;
    L.orig_h = h0;
    const Resolution r = select_best_resolution(w0, h0, cfg);
    const int W = r.width, H = r.height;
    L.canvas_w = W;
    L.canvas_h = H;
    if (cfg.variant == AnyresVariant::minimax) {
        if (static_cast<double>(w0) / h0 > static_cast<double>(W) / H) {
            L.scaled_w = W;
            L.scaled_h = static_cast<int>(static_cast<double>(int64_t{W} * h0) / w0);
        } else {
            L.scaled_w = static_cast<int>(static_cast<double>(int64_t{H} * w0) / h0);
            L.scaled_h = H;
        }
    } else {
        const double sw = static_cast<double>(W) / w0, sh = static_cast<double>(H) / h0;
        if (sw < sh) {
            L.scaled_w = W;
            L.scaled_h = std::min(static_cast<int>(std::ceil(h0 * sw)), H);
        } else {
            L.scaled_h = H;
            L.scaled_w = std::min(static_cast<int>(std::ceil(w0 * sh)), W);
        }
    }
    L.scaled_w = std::max(L.scaled_w, 1);
    L.scaled_h = std::max(L.scaled_h, 1);
    L.pad_x = (W - L.scaled_w) / 2;
    L.pad_y = (H - L.scaled_h) / 2;
    L.tiles_x = W / cfg.tile;
    L.tiles_y = H / cfg.tile;
    L.grid_w = L.tiles_x * cfg.side();
    L.grid_h = L.tiles_y * cfg.side();
    const int Wc = L.grid_w, Hc = L.grid_h;
    L.keep_x0 = 0;
    L.keep_x1 = Wc;
    L.keep_y0 = 0;
    L.keep_y1 = Hc;
    if (static_cast<double>(w0) / h0 > static_cast<double>(Wc) / Hc) {
        const int new_h = cfg.variant == AnyresVariant::minimax ? static_cast<int>(int64_t{h0} * Wc / w0)
                                                                : int_round7(h0 * (static_cast<double>(Wc) / w0));
        const int pad = (Hc - new_h) / 2;
        L.keep_y0 = pad;
        L.keep_y1 = Hc - pad;
    } else {
        const int new_w = cfg.variant == AnyresVariant::minimax ? static_cast<int>(int64_t{w0} * Hc / h0)
                                                                : int_round7(w0 * (static_cast<double>(Hc) / h0));
        const int pad = (Wc - new_w) / 2;
        L.keep_x0 = pad;
        L.keep_x1 = Wc - pad;
    }
    const int64_t side = cfg.side();
    L.n_tokens = side * side + int64_t{L.kept_w() + (cfg.newline ? 1 : 0)} * L.kept_h();
    return L;
}

void normalize_tile(const Rgb8View& tile, const AnyresConfig& cfg, float* out) {
    const int64_t plane = int64_t{tile.width} * tile.height;
    float mean[3], stdv[3];
    for (int c = 0; c < 3; ++c) {
        mean[c] = static_cast<float>(cfg.mean[static_cast<size_t>(c)]);
        stdv[c] = static_cast<float>(cfg.std[static_cast<size_t>(c)]);
    }
    const bool div255 = cfg.variant == AnyresVariant::minimax;
    for (int y = 0; y < tile.height; ++y) {
        const uint8_t* p = tile.row(y);
        for (int x = 0; x < tile.width; ++x)
            for (int c = 0; c < 3; ++c) {
                const uint8_t u = p[3 * x + c];
                // ToTensor: f32(u) / 255 in f32; transformers' rescale: f32(f64(u) * (1/255)).
                const float v = div255 ? static_cast<float>(u) / 255.0f : static_cast<float>(u * (1.0 / 255.0));
                out[c * plane + int64_t{y} * tile.width + x] = (v - mean[c]) / stdv[c];
            }
    }
}

Result<Rgb8Image> anyres_canvas(const Rgb8View& img, const AnyresConfig& cfg, AnyresLayout* layout) {
    FS_ASSIGN_OR_RETURN(AnyresLayout L, anyres_layout(img.width, img.height, cfg));
    FS_ASSIGN_OR_RETURN(Rgb8Image canvas, Rgb8Image::create(L.canvas_w, L.canvas_h, 0));
    FS_ASSIGN_OR_RETURN(Rgb8Image scaled, resize(img, L.scaled_w, L.scaled_h, ResampleFilter::bicubic, cfg.passes));
    paste(canvas, scaled.view(), L.pad_x, L.pad_y);
    if (layout) *layout = L;
    return canvas;
}

Result<AnyresImage> anyres_preprocess(const Rgb8View& img, const AnyresConfig& cfg) {
    AnyresImage out;
    FS_ASSIGN_OR_RETURN(Rgb8Image canvas, anyres_canvas(img, cfg, &out.layout));
    FS_ASSIGN_OR_RETURN(Rgb8Image thumb, resize(img, cfg.tile, cfg.tile, ResampleFilter::bicubic, cfg.passes));
    const AnyresLayout& L = out.layout;
    const int64_t per_tile = int64_t{3} * cfg.tile * cfg.tile;
    out.pixel_values.resize(static_cast<size_t>(per_tile * L.n_tiles()));
    normalize_tile(thumb.view(), cfg, out.pixel_values.data());
    int64_t t = 1;
    for (int ty = 0; ty < L.tiles_y; ++ty)
        for (int tx = 0; tx < L.tiles_x; ++tx, ++t)
            normalize_tile(crop_view(canvas.view(), tx * cfg.tile, ty * cfg.tile, cfg.tile, cfg.tile), cfg,
                           out.pixel_values.data() + t * per_tile);
    return out;
}

}  // namespace farsight::vision
