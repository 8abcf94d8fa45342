// Pillow-exact resize and anyres preprocessing against goldens from Pillow, MiniMax's official
// image processor and transformers' LLaVA-NeXT processor (scripts/vision/gen_preprocess_goldens.py).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_pattern.h"
#include "vision/anyres.h"
#include "vision/resample.h"

namespace farsight::vision {
namespace {

using nlohmann::json;
using testing::checksum;
using testing::pattern;

json load_goldens() {
    std::ifstream f(std::string(FARSIGHT_TEST_DATA) + "/fixtures/vision/preprocess_goldens.json");
    EXPECT_TRUE(f.good());
    return json::parse(f);
}

const json& goldens() {
    static const json j = load_goldens();
    return j;
}

TEST(PillowResize, BitExactOnAllGoldenCases) {
    int n = 0;
    for (const json& c : goldens()["resize"]) {
        const Rgb8Image src = pattern(c["src"][0], c["src"][1], c["kind"], c["seed"]);
        const ResampleFilter f = c["filter"] == "bicubic" ? ResampleFilter::bicubic : ResampleFilter::bilinear;
        auto out = resize(src.view(), c["dst"][0], c["dst"][1], f);
        ASSERT_TRUE(out.ok()) << out.status().to_string();
        EXPECT_EQ(checksum(out->pixels.data(), out->pixels.size()), c["checksum"].get<std::string>())
            << c["src"] << " -> " << c["dst"] << " " << c["filter"];
        ++n;
    }
    EXPECT_GE(n, 50);
}

// Pillow <= 12 always ran the horizontal pass first (resize_pillow12.json, Pillow 12.0.0).
TEST(PillowResize, BitExactWithPillow12PassOrder) {
    std::ifstream f(std::string(FARSIGHT_TEST_DATA) + "/fixtures/vision/resize_pillow12.json");
    ASSERT_TRUE(f.good());
    const json j = json::parse(f);
    int n_order_matters = 0;
    for (const json& c : j["resize"]) {
        const Rgb8Image src = pattern(c["src"][0], c["src"][1], c["kind"], c["seed"]);
        const ResampleFilter flt = c["filter"] == "bicubic" ? ResampleFilter::bicubic : ResampleFilter::bilinear;
        auto out = resize(src.view(), c["dst"][0], c["dst"][1], flt, PillowPasses::horizontal_first);
        ASSERT_TRUE(out.ok());
        EXPECT_EQ(checksum(out->pixels.data(), out->pixels.size()), c["checksum"].get<std::string>())
            << c["src"] << " -> " << c["dst"] << " " << c["filter"];
        auto modern = resize(src.view(), c["dst"][0], c["dst"][1], flt, PillowPasses::adaptive);
        n_order_matters += modern->pixels != out->pixels;
    }
    EXPECT_GT(n_order_matters, 0);  // the goldens do exercise the difference
}

TEST(PillowResize, RejectsEmptyAndHugeSizes) {
    const Rgb8Image src = pattern(4, 4, 0, 1);
    EXPECT_EQ(resize(src.view(), 0, 4).status().code(), ErrorCode::invalid_argument);
    EXPECT_EQ(resize(src.view(), 1 << 20, 1 << 20).status().code(), ErrorCode::limit_exceeded);
}

void check_variant(const json& cases, const AnyresConfig& cfg, const char* name) {
    for (const json& c : cases) {
        const int w = c["size"][0], h = c["size"][1];
        auto layout = anyres_layout(w, h, cfg);
        ASSERT_TRUE(layout.ok());
        EXPECT_EQ(layout->n_tokens, c["n_tokens"].get<int64_t>()) << name << " " << w << "x" << h;
        if (c.contains("best")) {
            EXPECT_EQ(layout->canvas_w, c["best"][0].get<int>());
            EXPECT_EQ(layout->canvas_h, c["best"][1].get<int>());
        }
        if (!c.contains("tile_checksums")) continue;  // the reference itself failed on this size
        const Rgb8Image img = pattern(w, h, c["kind"], c["seed"]);
        auto pre = anyres_preprocess(img.view(), cfg);
        ASSERT_TRUE(pre.ok()) << pre.status().to_string();
        ASSERT_EQ(pre->layout.n_tiles(), c["n_tiles"].get<int>()) << name << " " << w << "x" << h;
        const size_t per_tile = size_t{3} * cfg.tile * cfg.tile;
        for (int t = 0; t < pre->layout.n_tiles(); ++t)
            EXPECT_EQ(checksum(pre->pixel_values.data() + t * per_tile, per_tile), c["tile_checksums"][t].get<std::string>())
                << name << " " << w << "x" << h << " tile " << t;
        float max_diff = 0;
        for (const json& s : c["samples"])
            max_diff = std::max(max_diff, std::fabs(pre->pixel_values[s[0].get<size_t>()] - s[1].get<float>()));
        EXPECT_EQ(max_diff, 0.0f) << name << " " << w << "x" << h;
    }
}

TEST(Anyres, MatchesMiniMaxOfficialProcessor) {
    AnyresConfig cfg = AnyresConfig::minimax_vl01();
    ASSERT_EQ(goldens()["minimax_pinpoints"].size(), cfg.pinpoints.size());
    check_variant(goldens()["minimax"], cfg, "minimax");
}

TEST(Anyres, MatchesTransformersLlavaNext) {
    AnyresConfig cfg;
    cfg.variant = AnyresVariant::llava_next;
    for (const json& p : goldens()["llava_pinpoints"]) cfg.pinpoints.emplace_back(p[0], p[1]);
    check_variant(goldens()["llava_next"], cfg, "llava_next");
}

// Spec §4.4 worked examples (w0 x h0 -> W x H, tiles incl. thumbnail, tokens).
TEST(Anyres, SpecWorkedExamples) {
    struct Ex { int w, h, W, H, tiles; int64_t tokens; };
    const Ex ex[] = {{500, 300, 672, 336, 3, 1560},  {336, 336, 336, 336, 2, 1176},   {1000, 200, 1008, 336, 4, 1598},
                     {100, 900, 336, 1008, 4, 1224}, {640, 480, 672, 672, 5, 2340},   {800, 800, 1008, 1008, 10, 5832},
                     {1920, 1080, 2016, 1008, 19, 9864}};
    const AnyresConfig cfg = AnyresConfig::minimax_vl01();
    for (const Ex& e : ex) {
        auto L = anyres_layout(e.w, e.h, cfg);
        ASSERT_TRUE(L.ok());
        EXPECT_EQ(L->canvas_w, e.W);
        EXPECT_EQ(L->canvas_h, e.H);
        EXPECT_EQ(L->n_tiles(), e.tiles);
        EXPECT_EQ(L->n_tokens, e.tokens) << e.w << "x" << e.h;
    }
}

// Aspect ratios the reference cannot resize (it asks PIL for a 0-pixel side) still preprocess.
TEST(Anyres, DegenerateSizesNeverFail) {
    const AnyresConfig cfg = AnyresConfig::minimax_vl01();
    for (auto [w, h] : {std::pair{1, 100000}, {100000, 1}, {1, 1}, {2, 1}, {1, 3000}}) {
        const Rgb8Image img = pattern(w, h, 1, 7);
        auto pre = anyres_preprocess(img.view(), cfg);
        ASSERT_TRUE(pre.ok()) << w << "x" << h << ": " << pre.status().to_string();
        EXPECT_GE(pre->layout.scaled_w, 1);
        EXPECT_GE(pre->layout.scaled_h, 1);
        EXPECT_EQ(pre->pixel_values.size(), size_t(pre->layout.n_tiles()) * 3 * 336 * 336);
        EXPECT_GE(pre->layout.n_tokens, 576);
    }
    EXPECT_FALSE(anyres_layout(0, 5, cfg).ok());
    AnyresConfig bad = cfg;
    bad.pinpoints = {{335, 336}};
    EXPECT_EQ(anyres_layout(5, 5, bad).status().code(), ErrorCode::bad_config);
}

}  // namespace
}  // namespace farsight::vision
