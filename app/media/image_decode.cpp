// Header probing written against the format specs (PNG ISO/IEC 15948 chunks, JPEG ITU T.81
// markers, RIFF/WebP VP8/VP8L/VP8X, TIFF 6.0 IFD, BMP BITMAPINFOHEADER), then cv::imdecode.
#include "media/image_decode.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>
#include <fstream>
#include <mutex>

namespace farsight::media {
namespace {

uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t le32(const uint8_t* p) { return p[0] | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24); }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

Status bad(const std::string& m) { return Status(ErrorCode::bad_header, m); }

// PNG: IHDR fields, acTL (APNG), and whether the chunk chain reaches IEND inside the data.
Status probe_png(std::span<const uint8_t> b, ImageInfo& info, bool* complete) {
    if (b.size() < 33 || std::memcmp(b.data() + 12, "IHDR", 4) != 0) return bad("PNG without an IHDR chunk");
    info.width = be32(b.data() + 16);
    info.height = be32(b.data() + 20);
    info.bit_depth = b[24];
    const int ct = b[25];
    info.palette = ct == 3;
    info.alpha = ct == 4 || ct == 6;
    info.channels = ct == 0 ? 1 : ct == 2 ? 3 : ct == 3 ? 1 : ct == 4 ? 2 : 4;
    if (ct != 0 && ct != 2 && ct != 3 && ct != 4 && ct != 6) return bad("PNG colour type " + std::to_string(ct) + " is invalid");
    size_t p = 8;
    *complete = false;
    while (p + 12 <= b.size()) {
        const uint64_t len = be32(b.data() + p);
        const char* kind = reinterpret_cast<const char*>(b.data() + p + 4);
        if (p + 12 + len > b.size()) break;  // a chunk running past the end: truncated
        if (std::memcmp(kind, "acTL", 4) == 0) info.animated = true;
        if (std::memcmp(kind, "IEND", 4) == 0) {
            *complete = true;
            break;
        }
        p += 12 + len;
    }
    return {};
}

Status probe_jpeg(std::span<const uint8_t> b, ImageInfo& info, bool* complete) {
    size_t p = 2;
    bool found = false;
    while (p + 4 <= b.size()) {
        if (b[p] != 0xFF) return bad("JPEG marker expected at byte " + std::to_string(p));
        const uint8_t m = b[p + 1];
        if (m == 0xFF) {
            ++p;
            continue;
        }
        if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
            p += 2;
            continue;
        }
        const uint16_t len = be16(b.data() + p + 2);
        const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) {
            if (p + 2 + len > b.size() || len < 8) return bad("truncated JPEG frame header");
            info.bit_depth = b[p + 4];
            info.height = be16(b.data() + p + 5);
            info.width = be16(b.data() + p + 7);
            info.channels = b[p + 9];
            info.cmyk = info.channels == 4;
            found = true;
            break;
        }
        if (m == 0xDA) break;  // scan data before a frame header
        p += 2 + len;
    }
    if (!found) return bad("JPEG without a frame header");
    // The end-of-image marker, allowing a little trailing padding some writers add.
    *complete = false;
    for (size_t i = b.size(); i >= 2 && i + 64 >= b.size(); --i)
        if (b[i - 2] == 0xFF && b[i - 1] == 0xD9) {
            *complete = true;
            break;
        }
    return {};
}

Status probe_webp(std::span<const uint8_t> b, ImageInfo& info) {
    if (b.size() < 30) return bad("truncated WebP header");
    const uint8_t* c = b.data() + 12;
    if (std::memcmp(c, "VP8 ", 4) == 0) {
        info.width = le16(c + 14) & 0x3FFF;
        info.height = le16(c + 16) & 0x3FFF;
    } else if (std::memcmp(c, "VP8L", 4) == 0) {
        const uint32_t v = le32(c + 9);
        info.width = (v & 0x3FFF) + 1;
        info.height = ((v >> 14) & 0x3FFF) + 1;
        info.alpha = true;
    } else if (std::memcmp(c, "VP8X", 4) == 0) {
        info.animated = (c[8] & 0x02) != 0;
        info.alpha = (c[8] & 0x10) != 0;
        info.width = 1 + (c[12] | (c[13] << 8) | (c[14] << 16));
        info.height = 1 + (c[15] | (c[16] << 8) | (c[17] << 16));
    } else {
        return bad("unknown WebP chunk");
    }
    return {};
}

Status probe_tiff(std::span<const uint8_t> b, ImageInfo& info) {
    const bool le = b[0] == 'I';
    auto u16 = [&](size_t o) { return le ? le16(b.data() + o) : be16(b.data() + o); };
    auto u32 = [&](size_t o) { return le ? le32(b.data() + o) : be32(b.data() + o); };
    const uint64_t ifd = u32(4);
    if (ifd + 2 > b.size()) return bad("TIFF directory past the end of the file");
    const uint16_t n = u16(ifd);
    for (uint16_t k = 0; k < n && ifd + 2 + 12 * (k + 1) <= b.size(); ++k) {
        const size_t e = ifd + 2 + 12 * k;
        const uint16_t tag = u16(e), type = u16(e + 2);
        const uint32_t val = type == 3 ? u16(e + 8) : u32(e + 8);
        if (tag == 256) info.width = val;
        if (tag == 257) info.height = val;
        if (tag == 258) info.bit_depth = static_cast<int>(type == 3 ? val : 8);
        if (tag == 262 && val == 5) info.cmyk = true;  // PhotometricInterpretation = separated
        if (tag == 277) info.channels = static_cast<int>(val);
    }
    if (info.width == 0 || info.height == 0) return bad("TIFF without image width/length tags");
    return {};
}

void quiet_opencv() {
    static std::once_flag once;
    std::call_once(once, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
}

}  // namespace

Result<ImageInfo> probe_image(std::span<const uint8_t> b, const DecodeLimits& limits) {
    ImageInfo info;
    bool complete = true;
    if (b.size() < 12) return bad(b.empty() ? "empty file" : "file too short to be an image");
    if (std::memcmp(b.data(), "\x89PNG\r\n\x1a\n", 8) == 0) {
        info.format = "png";
        FS_RETURN_IF_ERROR(probe_png(b, info, &complete));
    } else if (b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
        info.format = "jpeg";
        FS_RETURN_IF_ERROR(probe_jpeg(b, info, &complete));
    } else if (std::memcmp(b.data(), "GIF87a", 6) == 0 || std::memcmp(b.data(), "GIF89a", 6) == 0) {
        info.format = "gif";
        info.width = le16(b.data() + 6);
        info.height = le16(b.data() + 8);
        return Status(ErrorCode::unsupported, "GIF images are not supported (OpenCV has no GIF decoder): convert to PNG");
    } else if (b[0] == 'B' && b[1] == 'M' && b.size() >= 26) {
        info.format = "bmp";
        info.width = static_cast<int32_t>(le32(b.data() + 18));
        const int32_t h = static_cast<int32_t>(le32(b.data() + 22));
        info.height = h < 0 ? -int64_t{h} : h;
    } else if (std::memcmp(b.data(), "RIFF", 4) == 0 && std::memcmp(b.data() + 8, "WEBP", 4) == 0) {
        info.format = "webp";
        FS_RETURN_IF_ERROR(probe_webp(b, info));
    } else if ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42)) {
        info.format = "tiff";
        FS_RETURN_IF_ERROR(probe_tiff(b, info));
    } else {
        return bad("not an image format we read (PNG, JPEG, BMP, WebP, TIFF)");
    }
    if (info.width <= 0 || info.height <= 0)
        return Status(ErrorCode::invalid_argument, info.format + " image of size " + std::to_string(info.width) + "x" +
                                                       std::to_string(info.height) + " has no pixels");
    if (info.width > limits.max_side || info.height > limits.max_side || info.width * info.height > limits.max_pixels)
        return Status(ErrorCode::limit_exceeded, info.format + " image declares " + std::to_string(info.width) + "x" +
                                                     std::to_string(info.height) + " pixels, over the limit of " +
                                                     std::to_string(limits.max_pixels) + " pixels");
    if (!complete) return bad(info.format + " file is truncated (no end marker)");
    if (info.bit_depth > 8) info.notes.push_back(std::to_string(info.bit_depth) + "-bit channels scaled to 8 bits");
    if (info.palette) info.notes.push_back("palette colours expanded to RGB");
    if (info.alpha) info.notes.push_back("transparency dropped (pixels kept as stored)");
    if (info.cmyk) info.notes.push_back("CMYK converted to RGB (colours may differ from a colour-managed viewer)");
    if (info.animated) info.notes.push_back("animated image: first frame only");
    return info;
}

Result<RgbImage> decode_image(std::span<const uint8_t> bytes, const DecodeLimits& limits) {
    FS_ASSIGN_OR_RETURN(ImageInfo info, probe_image(bytes, limits));
    quiet_opencv();
    cv::Mat bgr;
    try {
        const cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<uint8_t*>(bytes.data()));
        bgr = cv::imdecode(buf, cv::IMREAD_COLOR);
    } catch (const cv::Exception& e) {
        return bad(info.format + " decoding failed: " + e.what());
    }
    if (bgr.empty()) return bad(info.format + " data could not be decoded (corrupt or truncated)");
    if (bgr.cols != info.width || bgr.rows != info.height || bgr.type() != CV_8UC3)
        return bad(info.format + " decoded to an unexpected size or type");
    RgbImage out;
    out.width = bgr.cols;
    out.height = bgr.rows;
    out.info = std::move(info);
    out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
    cv::Mat rgb(out.height, out.width, CV_8UC3, out.pixels.data());
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return out;
}

Result<RgbImage> decode_image_file(const std::filesystem::path& path, const DecodeLimits& limits) {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) return Status(ErrorCode::not_found, "cannot read " + path.string() + ": " + ec.message());
    if (size > limits.max_file_bytes)
        return Status(ErrorCode::limit_exceeded, path.filename().string() + " is " + std::to_string(size >> 20) +
                                                     " MiB, over the " + std::to_string(limits.max_file_bytes >> 20) + " MiB limit");
    std::ifstream f(path, std::ios::binary);
    std::vector<uint8_t> bytes(size);
    if (!f.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        return Status(ErrorCode::io_error, "cannot read " + path.string());
    auto r = decode_image(bytes, limits);
    if (!r.ok()) return r.status().with_context(path.filename().string());
    return r;
}

}  // namespace farsight::media
