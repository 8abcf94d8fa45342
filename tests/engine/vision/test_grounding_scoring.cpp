// Box parsing/mapping and the verifier scores, on hand-made answers with known results.
#include <gtest/gtest.h>

#include "vision/anyres.h"
#include "vision/grounding.h"
#include "vision/scoring.h"

namespace farsight::vision {
namespace {

void expect_box(const Box& b, double x1, double y1, double x2, double y2, double tol = 1e-9) {
    EXPECT_NEAR(b.x1, x1, tol);
    EXPECT_NEAR(b.y1, y1, tol);
    EXPECT_NEAR(b.x2, x2, tol);
    EXPECT_NEAR(b.y2, y2, tol);
}

TEST(ParseBoxes, JsonBbox2dInFences) {
    const std::string a = "Here:\n```json\n[{\"bbox_2d\": [10, 20, 110, 220], \"label\": \"red car\"},\n"
                          " {\"bbox_2d\": [300, 5, 250, 50], \"label\": \"tree\", \"score\": 0.4}]\n```";
    auto boxes = parse_boxes(a);
    ASSERT_EQ(boxes.size(), 2u);
    expect_box(boxes[0].box, 10, 20, 110, 220);
    EXPECT_EQ(boxes[0].label, "red car");
    EXPECT_EQ(boxes[0].format, BoxFormat::json);
    EXPECT_EQ(boxes[0].units, BoxUnits::pixels);
    expect_box(boxes[1].box, 250, 5, 300, 50);  // corners put in order
    EXPECT_EQ(boxes[1].score, 0.4);
    EXPECT_EQ(a.substr(boxes[0].text_begin, 1), "[");
}

TEST(ParseBoxes, TokenAndTagFormatsAreNormalised1000) {
    auto q = parse_boxes("<|object_ref_start|>the dog<|object_ref_end|><|box_start|>(100,200),(500,800)<|box_end|>");
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].label, "the dog");
    EXPECT_EQ(q[0].units, BoxUnits::norm1000);
    expect_box(q[0].box, 100, 200, 500, 800);
    auto r = parse_boxes("Found <ref>cat</ref><box>[[10, 20, 300, 400], [1, 2, 3, 4]]</box> and <box>5 6 7 8</box>.");
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].label, "cat");
    EXPECT_EQ(r[1].label, "cat");
    expect_box(r[2].box, 5, 6, 7, 8);
    EXPECT_EQ(r[2].format, BoxFormat::box_tag);
}

TEST(ParseBoxes, PlainListsWithLabelsAndUnits) {
    auto p = parse_boxes("The red circle is at [12, 40, 200, 180]. A blue square: (0.1, 0.2, 0.5, 0.9)");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].label, "The red circle");
    EXPECT_EQ(p[0].units, BoxUnits::pixels);
    EXPECT_EQ(p[1].label, "A blue square");
    EXPECT_EQ(p[1].units, BoxUnits::norm1);
    EXPECT_TRUE(parse_boxes("I don't see any. [1, 2, 3] and [a, b, c, d]").empty());
    EXPECT_TRUE(parse_boxes("").empty());
    EXPECT_TRUE(parse_boxes("<box>1 2 3").empty());                    // unterminated
    EXPECT_TRUE(parse_boxes(std::string(100000, '[')).empty());        // hostile input stays linear
    EXPECT_TRUE(parse_boxes(std::string(100000, '{')).empty());
    EXPECT_EQ(parse_boxes(std::string(50000, '{') + "{\"bbox\": [1, 2, 3, 4]}").size(), 1u);
    GroundingOptions o;
    o.plain_units = BoxUnits::norm1000;
    EXPECT_EQ(parse_boxes("[1, 2, 3, 4]", o)[0].units, BoxUnits::norm1000);
}

TEST(MapBoxes, ThroughResizeAndPadding) {
    // 500x300 → canvas 672x336, image resized to 560x336 at x offset 56 (spec §4.3).
    const AnyresLayout L = anyres_layout(500, 300, AnyresConfig::minimax_vl01()).value();
    ASSERT_EQ(L.scaled_w, 560);
    ASSERT_EQ(L.pad_x, 56);
    GroundingOptions canvas;
    canvas.pixel_frame = canvas.norm_frame = BoxFrame::canvas;
    ParsedBox pb;
    pb.units = BoxUnits::pixels;
    pb.box = {56, 0, 616, 336};
    expect_box(map_to_original(pb, L, canvas), 0, 0, 500, 300);
    pb.box = {0, 0, 672, 336};  // the padding maps outside the image: clamped
    expect_box(map_to_original(pb, L, canvas), 0, 0, 500, 300);
    pb.units = BoxUnits::norm1000;
    pb.box = {500, 500, 1000, 1000};
    expect_box(map_to_original(pb, L), 250, 150, 500, 300);                  // of the original
    expect_box(map_to_original(pb, L, canvas), (336 - 56) * 500.0 / 560, 150, 500, 300, 1e-9);  // of the canvas
    const Box orig{100, 50, 200, 250};
    pb.units = BoxUnits::pixels;
    pb.box = original_to_canvas(orig, L);
    expect_box(map_to_original(pb, L, canvas), 100, 50, 200, 250, 1e-9);
    // Tall image: padding on the left/right of a 336-wide canvas column.
    const AnyresLayout T = anyres_layout(100, 900, AnyresConfig::minimax_vl01()).value();
    pb.box = original_to_canvas({0, 0, 100, 900}, T);
    EXPECT_NEAR(pb.box.x1, T.pad_x, 1e-9);
    expect_box(map_to_original(pb, T, canvas), 0, 0, 100, 900, 1e-9);
}

TEST(Scores, IouEditDistanceAndCounts) {
    EXPECT_DOUBLE_EQ(iou({0, 0, 10, 10}, {0, 0, 10, 10}), 1.0);
    EXPECT_DOUBLE_EQ(iou({0, 0, 10, 10}, {5, 0, 15, 10}), 50.0 / 150.0);
    EXPECT_DOUBLE_EQ(iou({0, 0, 10, 10}, {20, 20, 30, 30}), 0.0);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
    EXPECT_EQ(edit_distance("café", "cafe"), 1);  // code points, not bytes
    EXPECT_EQ(edit_distance("", "abc"), 3);
    auto s = score_ocr("Hello  wrld\nfoo", "Hello world foo");
    EXPECT_EQ(s.edit_distance, 1);
    EXPECT_NEAR(s.cer, 1.0 / 15, 1e-12);
    EXPECT_NEAR(s.word_accuracy, 2.0 / 3, 1e-12);
    EXPECT_FALSE(s.exact);
    EXPECT_TRUE(score_ocr(" a  b ", "a b").exact);
    EXPECT_TRUE(score_ocr("HELLO", "hello", false).exact);
    EXPECT_EQ(parse_count("There are 3 apples."), 3);
    EXPECT_EQ(parse_count("I count three."), 3);
    EXPECT_EQ(parse_count("about 12,000 stars"), 12000);
    EXPECT_EQ(parse_count("Seventeen"), 17);
    EXPECT_FALSE(parse_count("none at all").has_value());
    EXPECT_FALSE(parse_count("someone").has_value());  // "one" inside a word is not a number
}

TEST(Scores, CocoStyleAveragePrecision) {
    GroundingSample perfect{{{0, 0, 10, 10}, {20, 20, 40, 40}}, {}, {{0, 0, 10, 10}, {20, 20, 40, 40}}};
    auto p = score_grounding({perfect});
    EXPECT_DOUBLE_EQ(p.map, 1.0);
    EXPECT_DOUBLE_EQ(p.mean_iou, 1.0);
    // A false positive ranked first, then one true positive, of two references: at IoU 0.5 the
    // monotone precision is 0.5 up to recall 0.5 → 51 of 101 recall points at 0.5.
    GroundingSample s{{{100, 100, 110, 110}, {0, 0, 10, 10}}, {0.9, 0.8}, {{0, 0, 10, 10}, {20, 20, 40, 40}}};
    auto g = score_grounding({s});
    EXPECT_NEAR(g.ap50, 25.5 / 101, 1e-12);
    EXPECT_NEAR(g.map, 25.5 / 101, 1e-12);  // the matched box is exact: same AP at every threshold
    EXPECT_DOUBLE_EQ(g.recall_50, 0.5);
    EXPECT_DOUBLE_EQ(g.precision_50, 0.5);
    EXPECT_DOUBLE_EQ(g.mean_iou, 0.5);
    // An IoU of 0.6 counts at 0.50, 0.55 and 0.60 (COCO matches IoU >= threshold): mAP = 3/10.
    GroundingSample m{{{0, 0, 10, 6}}, {}, {{0, 0, 10, 10}}};
    auto h = score_grounding({m});
    EXPECT_DOUBLE_EQ(h.ap50, 1.0);
    EXPECT_DOUBLE_EQ(h.ap75, 0.0);
    EXPECT_NEAR(h.map, 0.3, 1e-12);
    // Nothing predicted: zero, not NaN.
    auto z = score_grounding({GroundingSample{{}, {}, {{0, 0, 1, 1}}}});
    EXPECT_EQ(z.map, 0.0);
}

}  // namespace
}  // namespace farsight::vision
