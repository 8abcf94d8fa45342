// Overlay construction: parse, map, label and colour.
#include "vision/overlays.h"

#include <map>

#include "vision/ocr_engine.h"

namespace farsight::appvision {

std::vector<Overlay> make_overlays(std::string_view answer, const vision::AnyresLayout& layout,
                                   const vision::GroundingOptions& options) {
    std::vector<Overlay> out;
    std::map<std::string, int> slots;
    for (const vision::ParsedBox& pb : vision::parse_boxes(answer, options)) {
        Overlay o;
        o.index = static_cast<int>(out.size());
        o.label = pb.label.empty() ? "box " + std::to_string(o.index + 1) : pb.label;
        o.raw = pb.box;
        o.units = pb.units;
        o.box = vision::map_to_original(pb, layout, options);
        o.text_begin = pb.text_begin;
        o.text_end = pb.text_end;
        o.degenerate = o.box.area() <= 0;
        auto [it, fresh] = slots.emplace(o.label, static_cast<int>(slots.size()));
        o.colour_slot = it->second;
        out.push_back(std::move(o));
    }
    return out;
}

std::vector<Overlay> ocr_overlays(const OcrResult& ocr) {
    std::vector<Overlay> out;
    for (const OcrWord& w : ocr.words) {
        Overlay o;
        o.index = static_cast<int>(out.size());
        o.label = w.text;
        o.box = o.raw = w.box;
        o.units = vision::BoxUnits::pixels;
        o.colour_slot = w.line;
        o.degenerate = w.box.area() <= 0;
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace farsight::appvision
