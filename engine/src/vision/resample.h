// Pillow-exact image resizing: a re-implementation of PIL's ImagingResample (libImaging/Resample.c)
// for 8-bit RGB — separable two-pass convolution, filter support widened by the downscale factor
// (antialiasing), coefficients normalised then quantised to 22-bit fixed point, u8 rounding and
// clipping after each pass. Bit-exact with Pillow's Image.resize (tests/engine/vision goldens).
// Pillow 13 changed the pass order for images whose height shrinks much more than their width
// (vertical first); older releases always run the horizontal pass first. Both are offered.
#pragma once

#include "vision/image.h"

namespace farsight::vision {

enum class ResampleFilter : uint8_t { bilinear, bicubic };  // PIL.Image.BILINEAR / BICUBIC (a = -0.5)

enum class PillowPasses : uint8_t {
    adaptive,          // Pillow >= 13.0: vertical first when (h_in - h_out) > 2 * (w_in - w_out) > ...
    horizontal_first,  // Pillow <= 12.x (checked 11.3.0, 12.0.0, 12.1.0)
};

// Image.resize((width, height), filter) of the whole image. Same size returns a copy (as PIL).
Result<Rgb8Image> resize(const Rgb8View& src, int width, int height, ResampleFilter filter = ResampleFilter::bicubic,
                         PillowPasses passes = PillowPasses::adaptive);

}  // namespace farsight::vision
