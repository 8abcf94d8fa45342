// Image decoding for the app (no Qt): PNG, JPEG, BMP, WebP, TIFF through OpenCV's imgcodecs
// (Debian libopencv-imgcodecs-dev), with every risky property checked from the header before any
// pixel is decoded: declared size (bombs), degenerate sizes, formats we do not take (GIF), and
// truncation. The result is 8-bit RGB as PIL's convert("RGB") gives it to the reference processors:
// palette/grey expanded, 16-bit scaled to 8, alpha dropped (not composited), CMYK converted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight::media {

struct DecodeLimits {
    int64_t max_pixels = int64_t{1} << 26;  // 67 M pixels (8192 x 8192): far above any VLM's input
    int64_t max_side = 1 << 16;             // either side
    uint64_t max_file_bytes = 256ull << 20;
};

// What the header says. `notes` explains conversions a user may want to know about.
struct ImageInfo {
    std::string format;      // "png", "jpeg", "bmp", "webp", "tiff", "gif"
    int64_t width = 0, height = 0;
    int bit_depth = 8;       // per channel as stored
    int channels = 3;        // as stored (1 grey, 2 grey+alpha, 3, 4 RGBA or CMYK)
    bool palette = false, alpha = false, cmyk = false, animated = false;
    std::vector<std::string> notes;  // e.g. "16-bit channels scaled to 8 bits", "animated: first frame"
};

struct RgbImage {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;  // [height, width, 3] RGB8, rows packed
    ImageInfo info;
};

// Header only. Errors: bad_header (not an image we know / malformed header), unsupported (GIF),
// limit_exceeded (declared size past the limits), invalid_argument (a zero side).
Result<ImageInfo> probe_image(std::span<const uint8_t> bytes, const DecodeLimits& limits = {});
// probe_image, then a truncation check (bad_header "truncated"), then decoding.
Result<RgbImage> decode_image(std::span<const uint8_t> bytes, const DecodeLimits& limits = {});
// Reads at most limits.max_file_bytes (limit_exceeded beyond), then decode_image.
Result<RgbImage> decode_image_file(const std::filesystem::path& path, const DecodeLimits& limits = {});

}  // namespace farsight::media
