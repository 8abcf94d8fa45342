// libpng simplified API wrapper. Reads RGBA (palette/grey/16-bit expanded to 8-bit, not
// premultiplied) and drops alpha itself: asking libpng for RGB would composite onto a background.
#include "vision/png.h"

#include <png.h>

#include <cstring>
#include <memory>
#include <new>
#include <vector>

namespace farsight::vision {
namespace {

struct ImageFree {
    void operator()(png_image* img) const {
        png_image_free(img);
        delete img;
    }
};

}  // namespace

Result<Rgb8Image> read_png(const std::filesystem::path& path, int64_t max_pixels) {
    std::unique_ptr<png_image, ImageFree> img(new png_image);
    std::memset(img.get(), 0, sizeof(png_image));
    img->version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(img.get(), path.c_str()))
        return Status(ErrorCode::bad_header, path.filename().string() + ": not a readable PNG (" + img->message + ")");
    const int64_t w = img->width, h = img->height;
    if (w <= 0 || h <= 0 || w * h > max_pixels)
        return Status(ErrorCode::limit_exceeded, path.filename().string() + ": " + std::to_string(w) + "x" +
                                                     std::to_string(h) + " exceeds the pixel limit");
    img->format = PNG_FORMAT_RGBA;
    std::vector<uint8_t> rgba;
    try {
        rgba.resize(static_cast<size_t>(w * h * 4));
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::out_of_memory, path.filename().string() + ": cannot allocate the decoded image");
    }
    if (!png_image_finish_read(img.get(), nullptr, rgba.data(), 0, nullptr))
        return Status(ErrorCode::bad_header, path.filename().string() + ": " + img->message);
    FS_ASSIGN_OR_RETURN(Rgb8Image out, Rgb8Image::create(static_cast<int>(w), static_cast<int>(h)));
    for (int64_t i = 0; i < w * h; ++i) std::memcpy(&out.pixels[static_cast<size_t>(3 * i)], &rgba[static_cast<size_t>(4 * i)], 3);
    return out;
}

Status write_png(const std::filesystem::path& path, const Rgb8View& v) {
    std::unique_ptr<png_image, ImageFree> img(new png_image);
    std::memset(img.get(), 0, sizeof(png_image));
    img->version = PNG_IMAGE_VERSION;
    img->width = static_cast<png_uint_32>(v.width);
    img->height = static_cast<png_uint_32>(v.height);
    img->format = PNG_FORMAT_RGB;
    if (!png_image_write_to_file(img.get(), path.c_str(), 0, v.data, static_cast<png_int_32>(v.stride), nullptr))
        return Status(ErrorCode::io_error, path.string() + ": " + img->message);
    return {};
}

}  // namespace farsight::vision
