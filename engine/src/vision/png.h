// PNG files → Rgb8Image through libpng's simplified API (any bit depth, palette and grey are
// expanded to RGB8; alpha is dropped as PIL's convert("RGB") does). For the engine's own
// tools and tests (farsight-cli eval-vision); the application decodes every format in app/media.
#pragma once

#include <filesystem>

#include "vision/image.h"

namespace farsight::vision {

// Refuses images past max_pixels from the header, before decoding (limit_exceeded); broken or
// truncated files are bad_header/io_error with libpng's message.
Result<Rgb8Image> read_png(const std::filesystem::path& path, int64_t max_pixels = 64ll << 20);
Status write_png(const std::filesystem::path& path, const Rgb8View& img);

}  // namespace farsight::vision
