// Rgb8Image: an owned, tightly packed RGB8 image (row-major, [height, width, 3]) — what every
// decoder hands to vision preprocessing — and Rgb8View, a non-owning view with a row stride.
#pragma once

#include <cstdint>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight::vision {

struct Rgb8View {
    const uint8_t* data = nullptr;
    int width = 0, height = 0;
    int64_t stride = 0;  // bytes between rows (>= 3 * width)

    const uint8_t* row(int y) const { return data + static_cast<int64_t>(y) * stride; }
};

// Sizes beyond this are refused before any allocation (a 2^31-pixel canvas is a bomb, not a photo).
inline constexpr int64_t kMaxImagePixels = int64_t{1} << 28;  // 268 M pixels (~805 MB RGB8)

struct Rgb8Image {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;  // [height, width, 3]

    // A width x height image filled with `fill` (black by default); invalid_argument for
    // non-positive sizes, limit_exceeded past kMaxImagePixels, out_of_memory when allocation fails.
    static Result<Rgb8Image> create(int width, int height, uint8_t fill = 0);
    static Result<Rgb8Image> copy_of(const Rgb8View& v);

    Rgb8View view() const { return {pixels.data(), width, height, int64_t{3} * width}; }
    uint8_t* row(int y) { return pixels.data() + static_cast<int64_t>(y) * 3 * width; }
    const uint8_t* row(int y) const { return pixels.data() + static_cast<int64_t>(y) * 3 * width; }
};

Status check_image_size(int64_t width, int64_t height);

// PIL Image.crop for boxes inside the image: rows [y0, y0+h), cols [x0, x0+w) as a view.
Rgb8View crop_view(const Rgb8View& v, int x0, int y0, int w, int h);
// PIL Image.paste of `src` at (x, y) onto dst; parts outside dst are clipped (as PIL does).
void paste(Rgb8Image& dst, const Rgb8View& src, int x, int y);

}  // namespace farsight::vision
