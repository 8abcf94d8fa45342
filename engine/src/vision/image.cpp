// Rgb8Image helpers: checked allocation, crop views, clipped paste (PIL semantics).
#include "vision/image.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace farsight::vision {

Status check_image_size(int64_t width, int64_t height) {
    if (width <= 0 || height <= 0)
        return Status(ErrorCode::invalid_argument,
                      "image size " + std::to_string(width) + "x" + std::to_string(height) + " is empty");
    if (width > kMaxImagePixels || height > kMaxImagePixels || width * height > kMaxImagePixels)
        return Status(ErrorCode::limit_exceeded, "image size " + std::to_string(width) + "x" + std::to_string(height) +
                                                     " exceeds the limit of " + std::to_string(kMaxImagePixels) + " pixels");
    return {};
}

Result<Rgb8Image> Rgb8Image::create(int width, int height, uint8_t fill) {
    FS_RETURN_IF_ERROR(check_image_size(width, height));
    Rgb8Image img;
    img.width = width;
    img.height = height;
    try {
        img.pixels.assign(static_cast<size_t>(width) * static_cast<size_t>(height) * 3, fill);
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::out_of_memory, "cannot allocate a " + std::to_string(width) + "x" +
                                                    std::to_string(height) + " RGB image");
    }
    return img;
}

Result<Rgb8Image> Rgb8Image::copy_of(const Rgb8View& v) {
    FS_ASSIGN_OR_RETURN(Rgb8Image img, create(v.width, v.height));
    for (int y = 0; y < v.height; ++y) std::memcpy(img.row(y), v.row(y), static_cast<size_t>(v.width) * 3);
    return img;
}

Rgb8View crop_view(const Rgb8View& v, int x0, int y0, int w, int h) {
    return {v.data + static_cast<int64_t>(y0) * v.stride + int64_t{3} * x0, w, h, v.stride};
}

void paste(Rgb8Image& dst, const Rgb8View& src, int x, int y) {
    const int sx0 = std::max(0, -x), sy0 = std::max(0, -y);
    const int sx1 = std::min(src.width, dst.width - x), sy1 = std::min(src.height, dst.height - y);
    if (sx1 <= sx0 || sy1 <= sy0) return;
    for (int sy = sy0; sy < sy1; ++sy)
        std::memcpy(dst.row(y + sy) + int64_t{3} * (x + sx0), src.row(sy) + int64_t{3} * sx0,
                    static_cast<size_t>(sx1 - sx0) * 3);
}

}  // namespace farsight::vision
