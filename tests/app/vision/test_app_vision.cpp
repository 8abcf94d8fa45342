// app/vision: Tesseract on rendered text (real OCR, no VLM), VLM-vs-OCR word alignment, and the
// grounding overlays drawn for answers on images of several aspect ratios.
#include <gtest/gtest.h>

#include "media/image_decode.h"
#include "vision/ocr_compare.h"
#include "vision/ocr_engine.h"
#include "vision/overlays.h"

namespace farsight::appvision {
namespace {

const std::string kSynthetic = std::string(FARSIGHT_TEST_DATA) + "/fixtures/vision/synthetic/";

TEST(TesseractOcr, ReadsRenderedTextWithWordBoxes) {
    auto ocr = TesseractOcr::create();
    ASSERT_TRUE(ocr.ok()) << ocr.status().to_string();
    auto img = media::decode_image_file(kSynthetic + "images/text_03.png");
    ASSERT_TRUE(img.ok());
    auto r = (*ocr)->recognize(img->pixels.data(), img->width, img->height);
    ASSERT_TRUE(r.ok());
    const std::string want = "Paper paper seven number 753\ncoffee quick garden seven\nBrown stone stone\njumps light";
    const auto s = vision::score_ocr(r->text, want);
    EXPECT_GE(s.word_accuracy, 0.9) << r->text;
    ASSERT_FALSE(r->words.empty());
    for (const OcrWord& w : r->words) {
        EXPECT_GT(w.box.area(), 0);
        EXPECT_LE(w.box.x2, img->width);
        EXPECT_LE(w.box.y2, img->height);
    }
    EXPECT_EQ(r->words.front().line, 0);
    EXPECT_EQ(r->words.back().line, 3);
    EXPECT_EQ(TesseractOcr::create(OcrOptions{"xx_no_such_language", "", 3}).status().code(), ErrorCode::not_found);
}

TEST(OcrCompare, AlignsWordsAndMarksDisagreements) {
    OcrResult ocr;
    for (const char* w : {"the", "quick", "brovn", "fox"}) ocr.words.push_back({w, {0, 0, 1, 1}, 90, 0});
    ocr.text = "the quick brovn fox";
    const auto c = compare_ocr("The quick brown fox jumps.", ocr, /*case_sensitive=*/false);
    ASSERT_EQ(c.words.size(), 5u);
    EXPECT_EQ(c.words[0].op, AlignOp::same);
    EXPECT_EQ(c.words[2].op, AlignOp::changed);
    EXPECT_EQ(c.words[2].ocr_index, 2);
    EXPECT_EQ(c.words[4].op, AlignOp::only_vlm);
    EXPECT_DOUBLE_EQ(c.word_agreement, 3.0 / 5.0);
}

// The same physical box, written in each format and frame, lands on the same original pixels for
// wide, tall and square images (MiniMax-VL-01 preprocessing geometry).
TEST(Overlays, MapAnswersBackOnAnyAspectRatio) {
    for (auto [w, h] : {std::pair{500, 300}, {100, 900}, {1920, 1080}, {336, 336}, {3000, 40}}) {
        const auto L = vision::anyres_layout(w, h, vision::AnyresConfig::minimax_vl01()).value();
        const vision::Box truth{w * 0.25, h * 0.5, w * 0.75, h * 0.9};
        const vision::Box c = vision::original_to_canvas(truth, L);
        char json[256], canvas_px[128], norm[128];
        std::snprintf(json, sizeof json, "[{\"bbox_2d\": [%.6f, %.6f, %.6f, %.6f], \"label\": \"cat\"}]", truth.x1, truth.y1,
                      truth.x2, truth.y2);
        std::snprintf(canvas_px, sizeof canvas_px, "cat: [%.6f, %.6f, %.6f, %.6f]", c.x1, c.y1, c.x2, c.y2);
        std::snprintf(norm, sizeof norm, "<ref>cat</ref><box>[[250, 500, 750, 900]]</box>");
        vision::GroundingOptions canvas;
        canvas.pixel_frame = vision::BoxFrame::canvas;
        for (auto [text, opt] : {std::pair{std::string(json), vision::GroundingOptions{}}, {std::string(canvas_px), canvas},
                                 {std::string(norm), vision::GroundingOptions{}}}) {
            const auto ov = make_overlays(text, L, opt);
            ASSERT_EQ(ov.size(), 1u) << text;
            EXPECT_EQ(ov[0].label, "cat");
            EXPECT_NEAR(ov[0].box.x1, truth.x1, 1e-6) << w << "x" << h << " " << text;
            EXPECT_NEAR(ov[0].box.y1, truth.y1, 1e-6);
            EXPECT_NEAR(ov[0].box.x2, truth.x2, 1e-6);
            EXPECT_NEAR(ov[0].box.y2, truth.y2, 1e-6);
            EXPECT_EQ(text.substr(ov[0].text_begin, 1).find_first_of("[<"), 0u);
        }
    }
    const auto ov = make_overlays("a [1, 2, 3, 4] and b [5, 6, 7, 8] and a [0, 0, 9, 9] and [9999, 9999, 10000, 10000]",
                                  vision::identity_layout(100, 100));
    ASSERT_EQ(ov.size(), 4u);
    EXPECT_EQ(ov[0].colour_slot, ov[2].colour_slot);
    EXPECT_NE(ov[0].colour_slot, ov[1].colour_slot);
    EXPECT_TRUE(ov[3].degenerate);
}

}  // namespace
}  // namespace farsight::appvision
