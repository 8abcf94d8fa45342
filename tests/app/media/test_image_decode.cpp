// app/media image decoding: pixels against PIL's convert("RGB") (the reference processors' input),
// and the malformed/unusual corpus of scripts/vision/gen_media_corpus.py: bombs refused from the
// header, truncation and garbage refused with clear errors, odd formats decoded with notes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "media/image_decode.h"

namespace farsight::media {
namespace {

const std::string kDir = std::string(FARSIGHT_TEST_DATA) + "/fixtures/media_images/";

std::string checksum(const std::vector<uint8_t>& v) {
    uint64_t s = 0;
    for (size_t i = 0; i < v.size(); ++i) s += (uint64_t{v[i]} + 1) * (static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull + 1);
    char b[17];
    std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(s));
    return b;
}

TEST(ImageDecode, MatchesPilOnLosslessFormatsAndCloselyOnJpeg) {
    std::ifstream f(kDir + "pil_reference.json");
    ASSERT_TRUE(f.good());
    const auto ref = nlohmann::json::parse(f);
    for (const auto& [name, want] : ref.items()) {
        auto img = decode_image_file(kDir + name);
        ASSERT_TRUE(img.ok()) << name << ": " << img.status().to_string();
        EXPECT_EQ(img->width, want["width"].get<int>()) << name;
        EXPECT_EQ(img->height, want["height"].get<int>()) << name;
        if (name == "grey16.png") {
            // PIL clips 16-bit grey to 255 on convert("L"); OpenCV (and the app) scale by 1/256.
            EXPECT_FALSE(img->info.notes.empty());
            continue;
        }
        if (name.ends_with(".png")) {
            EXPECT_EQ(checksum(img->pixels), want["checksum"].get<std::string>()) << name;
        } else if (want["pixels"].is_array()) {
            int max_diff = 0;
            for (size_t i = 0; i < img->pixels.size(); ++i)
                max_diff = std::max(max_diff, std::abs(int(img->pixels[i]) - want["pixels"][i].get<int>()));
            // Different libjpeg-turbo builds (Pillow's wheel vs Debian's) and CMYK conversions.
            EXPECT_LE(max_diff, name == "cmyk.jpg" ? 8 : 4) << name;
            std::printf("[ jpeg ] %s: max |dpixel| vs PIL = %d\n", name.c_str(), max_diff);
        }
    }
}

TEST(ImageDecode, UnusualImagesDecodeWithNotes) {
    auto pal = decode_image_file(kDir + "palette.png");
    ASSERT_TRUE(pal.ok());
    EXPECT_TRUE(pal->info.palette);
    auto apng = decode_image_file(kDir + "animated.png");
    ASSERT_TRUE(apng.ok()) << apng.status().to_string();
    EXPECT_TRUE(apng->info.animated);
    auto cmyk = decode_image_file(kDir + "cmyk.jpg");
    ASSERT_TRUE(cmyk.ok());
    EXPECT_TRUE(cmyk->info.cmyk);
    auto g16 = decode_image_file(kDir + "grey16.png");
    ASSERT_TRUE(g16.ok());
    EXPECT_EQ(g16->info.bit_depth, 16);
    auto one = decode_image_file(kDir + "one_pixel.png");
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(one->pixels, (std::vector<uint8_t>{200, 10, 10}));
    auto tall = decode_image_file(kDir + "one_by_5000.png");
    ASSERT_TRUE(tall.ok());
    EXPECT_EQ(tall->height, 5000);
}

TEST(ImageDecode, RefusesBombsTruncationAndGarbageWithClearErrors) {
    struct Case {
        const char* file;
        ErrorCode code;
        const char* words;
    };
    const Case cases[] = {{"bomb_100000x100000.png", ErrorCode::limit_exceeded, "100000x100000"},
                          {"truncated.png", ErrorCode::bad_header, "truncated"},
                          {"truncated.jpg", ErrorCode::bad_header, "truncated"},
                          {"animated.gif", ErrorCode::unsupported, "GIF"},
                          {"random.bin", ErrorCode::bad_header, "not an image"},
                          {"empty.png", ErrorCode::bad_header, "empty"}};
    for (const Case& c : cases) {
        auto r = decode_image_file(kDir + c.file);
        ASSERT_FALSE(r.ok()) << c.file;
        EXPECT_EQ(r.status().code(), c.code) << c.file << ": " << r.status().to_string();
        EXPECT_NE(r.status().message().find(c.words), std::string::npos) << r.status().message();
    }
    DecodeLimits small;
    small.max_pixels = 100;
    EXPECT_EQ(decode_image_file(kDir + "rgb_32x24.png", small).status().code(), ErrorCode::limit_exceeded);
    EXPECT_EQ(decode_image_file(kDir + "no_such_file.png").status().code(), ErrorCode::not_found);
}

// Every prefix and single-byte corruption of a valid PNG and JPEG: an error or an image, never a crash.
TEST(ImageDecode, CorruptionSweepNeverCrashes) {
    for (const char* name : {"rgb_32x24.png", "rgb.jpg"}) {
        std::ifstream f(kDir + name, std::ios::binary);
        std::vector<uint8_t> good((std::istreambuf_iterator<char>(f)), {});
        int ok = 0;
        for (size_t n = 0; n < good.size(); n += 7) ok += decode_image({good.data(), n}).ok();
        for (size_t i = 0; i < good.size(); i += 3) {
            auto bad = good;
            bad[i] ^= 0x5A;
            ok += decode_image(bad).ok();
        }
        EXPECT_GE(ok, 0);
    }
}

}  // namespace
}  // namespace farsight::media
