// PIL ImagingResample for 8-bit RGB. Mirrors precompute_coeffs / normalize_coeffs_8bpc /
// ImagingResampleHorizontal_8bpc / ImagingResampleVertical_8bpc / ImagingResampleInner: the
// double-precision coefficient formulas, the (int)(x + 0.5) bound rounding, the first/last source
// row trimming before the horizontal pass and the order of the passes all matter for bit-exactness.
#include "vision/resample.h"

#include <cmath>
#include <cstring>
#include <string>

namespace farsight::vision {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;

struct Filter {
    double support;
    double (*fn)(double);
};

double bilinear_filter(double x) {
    if (x < 0.0) x = -x;
    if (x < 1.0) return 1.0 - x;
    return 0.0;
}

double bicubic_filter(double x) {
    constexpr double a = -0.5;
    if (x < 0.0) x = -x;
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

Filter filter_of(ResampleFilter f) {
    return f == ResampleFilter::bilinear ? Filter{1.0, bilinear_filter} : Filter{2.0, bicubic_filter};
}

// Per output pixel: the first source index, the tap count and ksize fixed-point weights.
struct Coeffs {
    int ksize = 0;
    std::vector<int> bounds;   // [out, 2]: xmin, count
    std::vector<int32_t> kk;   // [out, ksize]
};

Result<Coeffs> precompute_coeffs(int in_size, float in0, float in1, int out_size, const Filter& filter) {
    const double scale = static_cast<double>(in1 - in0) / out_size;
    const double filterscale = scale < 1.0 ? 1.0 : scale;
    const double support = filter.support * filterscale;
    Coeffs c;
    c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
    if (static_cast<int64_t>(out_size) * c.ksize > (int64_t{1} << 31) / 8)
        return Status(ErrorCode::limit_exceeded, "resize: filter too large for the output size");
    std::vector<double> k(static_cast<size_t>(c.ksize));
    c.bounds.resize(static_cast<size_t>(out_size) * 2);
    c.kk.assign(static_cast<size_t>(out_size) * c.ksize, 0);
    for (int xx = 0; xx < out_size; ++xx) {
        const double center = in0 + (xx + 0.5) * scale;
        const double ss = 1.0 / filterscale;
        int xmin = static_cast<int>(center - support + 0.5);
        if (xmin < 0) xmin = 0;
        int xmax = static_cast<int>(center + support + 0.5);
        if (xmax > in_size) xmax = in_size;
        xmax -= xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; ++x) {
            const double w = filter.fn((x + xmin - center + 0.5) * ss);
            k[static_cast<size_t>(x)] = w;
            ww += w;
        }
        int32_t* out = c.kk.data() + static_cast<size_t>(xx) * c.ksize;
        for (int x = 0; x < xmax; ++x) {
            double v = k[static_cast<size_t>(x)];
            if (ww != 0.0) v /= ww;
            // normalize_coeffs_8bpc: round half away from zero into 22-bit fixed point.
            out[x] = v < 0 ? static_cast<int32_t>(-0.5 + v * (1 << kPrecisionBits))
                           : static_cast<int32_t>(0.5 + v * (1 << kPrecisionBits));
        }
        c.bounds[static_cast<size_t>(xx) * 2] = xmin;
        c.bounds[static_cast<size_t>(xx) * 2 + 1] = xmax;
    }
    return c;
}

inline uint8_t clip8(int32_t v) {
    const int32_t s = v >> kPrecisionBits;  // arithmetic shift: floors negatives, as PIL's lookup
    return static_cast<uint8_t>(s < 0 ? 0 : (s > 255 ? 255 : s));
}

// Rows [row0, row0 + out.height) of src resampled horizontally into out.
void resample_horizontal(Rgb8Image& out, const Rgb8View& src, int row0, const Coeffs& c) {
    for (int yy = 0; yy < out.height; ++yy) {
        const uint8_t* in = src.row(yy + row0);
        uint8_t* o = out.row(yy);
        for (int xx = 0; xx < out.width; ++xx) {
            const int xmin = c.bounds[static_cast<size_t>(xx) * 2], xmax = c.bounds[static_cast<size_t>(xx) * 2 + 1];
            const int32_t* k = c.kk.data() + static_cast<size_t>(xx) * c.ksize;
            int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
            const uint8_t* p = in + int64_t{3} * xmin;
            for (int x = 0; x < xmax; ++x, p += 3) {
                s0 += p[0] * k[x];
                s1 += p[1] * k[x];
                s2 += p[2] * k[x];
            }
            o[3 * xx] = clip8(s0);
            o[3 * xx + 1] = clip8(s1);
            o[3 * xx + 2] = clip8(s2);
        }
    }
}

void resample_vertical(Rgb8Image& out, const Rgb8View& src, const Coeffs& c, int bound_shift) {
    const int n = 3 * out.width;
    std::vector<int32_t> acc(static_cast<size_t>(n));
    for (int yy = 0; yy < out.height; ++yy) {
        const int ymin = c.bounds[static_cast<size_t>(yy) * 2] - bound_shift, ymax = c.bounds[static_cast<size_t>(yy) * 2 + 1];
        const int32_t* k = c.kk.data() + static_cast<size_t>(yy) * c.ksize;
        std::fill(acc.begin(), acc.end(), 1 << (kPrecisionBits - 1));
        for (int y = 0; y < ymax; ++y) {
            const uint8_t* in = src.row(y + ymin);
            const int32_t w = k[y];
            for (int i = 0; i < n; ++i) acc[static_cast<size_t>(i)] += in[i] * w;
        }
        uint8_t* o = out.row(yy);
        for (int i = 0; i < n; ++i) o[i] = clip8(acc[static_cast<size_t>(i)]);
    }
}

}  // namespace

Result<Rgb8Image> resize(const Rgb8View& src, int width, int height, ResampleFilter filter_kind, PillowPasses passes) {
    FS_RETURN_IF_ERROR(check_image_size(src.width, src.height));
    FS_RETURN_IF_ERROR(check_image_size(width, height));
    if (width == src.width && height == src.height) return Rgb8Image::copy_of(src);
    const Filter filter = filter_of(filter_kind);
    const bool need_h = width != src.width, need_v = height != src.height;
    const int64_t dy = int64_t{src.height} - height, dx = int64_t{src.width} - width;
    const bool horizontal_first = passes == PillowPasses::horizontal_first || !(dy > 0 && dy > dx * 2);
    FS_ASSIGN_OR_RETURN(Coeffs ch, precompute_coeffs(src.width, 0.0f, static_cast<float>(src.width), width, filter));
    FS_ASSIGN_OR_RETURN(Coeffs cv, precompute_coeffs(src.height, 0.0f, static_cast<float>(src.height), height, filter));
    if (!horizontal_first) {  // need_v holds here (dy > 0)
        FS_ASSIGN_OR_RETURN(Rgb8Image tmp, Rgb8Image::create(src.width, height));
        resample_vertical(tmp, src, cv, 0);
        if (!need_h) return tmp;
        FS_ASSIGN_OR_RETURN(Rgb8Image out, Rgb8Image::create(width, height));
        resample_horizontal(out, tmp.view(), 0, ch);
        return out;
    }
    // Only the source rows the vertical pass will read go through the horizontal pass.
    const int ybox_first = cv.bounds[0];
    const int ybox_last = cv.bounds[static_cast<size_t>(height) * 2 - 2] + cv.bounds[static_cast<size_t>(height) * 2 - 1];
    Rgb8Image tmp;
    Rgb8View vin = src;
    int shift = 0;
    if (need_h) {
        FS_ASSIGN_OR_RETURN(tmp, Rgb8Image::create(width, ybox_last - ybox_first));
        resample_horizontal(tmp, src, ybox_first, ch);
        vin = tmp.view();
        shift = ybox_first;
    }
    if (!need_v) return tmp;  // need_h must hold here; its rows are all of the source rows
    FS_ASSIGN_OR_RETURN(Rgb8Image out, Rgb8Image::create(vin.width, height));
    resample_vertical(out, vin, cv, shift);
    return out;
}

}  // namespace farsight::vision
