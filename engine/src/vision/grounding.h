// Boxes in a VLM's answer, in the common formats, and their mapping back to the original image:
//   JSON objects with bbox_2d / bbox / box (Qwen2.5-VL style, absolute pixels),
//   <|box_start|>(x1,y1),(x2,y2)<|box_end|> and <box>(x1,y1),(x2,y2)</box> (Qwen-VL, 0–1000),
//   <box>[x1, y1, x2, y2]</box> / <box>x1 y1 x2 y2</box> (InternVL-style tags, 0–1000),
//   plain [x1, y1, x2, y2] lists in prose ("the cat: [10, 20, 200, 180]").
// Labels come from the JSON object, a preceding <ref>…</ref>, or the words just before a box.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vision/anyres.h"

namespace farsight::vision {

enum class BoxFormat : uint8_t { json, box_tokens, box_tag, plain_list };
enum class BoxUnits : uint8_t {
    unknown,   // decided by GroundingOptions
    pixels,    // absolute pixels of `pixel_frame`
    norm1000,  // 0–1000 of `norm_frame`
    norm1,     // 0–1 of `norm_frame`
};
// The image a coordinate refers to: the original, or the model's input canvas (resized + padded).
enum class BoxFrame : uint8_t { original, canvas };

struct Box {
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    double width() const { return x2 - x1; }
    double height() const { return y2 - y1; }
    double area() const { return width() > 0 && height() > 0 ? width() * height() : 0.0; }
};

struct ParsedBox {
    Box box;                 // as written (x1 <= x2, y1 <= y2 after normalising the order)
    std::string label;
    double score = -1;       // a confidence the answer gave ("score"/"confidence"), else -1
    BoxFormat format = BoxFormat::plain_list;
    BoxUnits units = BoxUnits::unknown;  // what the format implies
    size_t text_begin = 0, text_end = 0; // byte span of the box in the answer (links overlay ↔ text)
};

struct GroundingOptions {
    BoxUnits json_units = BoxUnits::pixels;        // bbox_2d convention
    BoxUnits plain_units = BoxUnits::unknown;      // unknown: norm1 when all values <= 1, else pixels
    BoxFrame pixel_frame = BoxFrame::original;     // absolute pixels refer to this image
    BoxFrame norm_frame = BoxFrame::original;      // normalised coordinates refer to this image
};

// Every box found, in answer order. Never fails: text without boxes gives an empty list.
std::vector<ParsedBox> parse_boxes(std::string_view answer, const GroundingOptions& opt = {});

// A parsed box in original-image pixels (clamped to the image): units resolved as in opt, canvas
// coordinates mapped back through the padding offset and the resize scale of `layout`.
Box map_to_original(const ParsedBox& b, const AnyresLayout& layout, const GroundingOptions& opt = {});
// Original pixels → the model's canvas (for drawing what the model saw, or for prompting in canvas units).
Box original_to_canvas(const Box& b, const AnyresLayout& layout);

// The geometry of a plain resize without tiling (an image shown as-is): canvas = original.
AnyresLayout identity_layout(int width, int height);

}  // namespace farsight::vision
