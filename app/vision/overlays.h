// What the grounding panel draws: boxes found in a model's answer, mapped back to the original
// image through the model's resize and padding, each linked to its span in the answer text and to
// a stable colour slot. Qt-free: the panel (QML) only paints these and reacts to selection.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vision/anyres.h"
#include "vision/grounding.h"

namespace farsight::appvision {

struct Overlay {
    int index = 0;            // answer order
    std::string label;        // from the answer; "box N" when it gives none
    vision::Box box;          // original-image pixels, clamped
    vision::Box raw;          // as written in the answer
    vision::BoxUnits units;   // how `raw` was read
    size_t text_begin = 0, text_end = 0;  // byte span in the answer (selection ↔ text)
    int colour_slot = 0;      // same label → same slot, so repeated objects share a colour
    bool degenerate = false;  // zero area after clamping (outside the image): listed, not drawn
};

// `layout`: the AnyresLayout of the image as the model saw it (VisionLanguageModel::preprocess /
// vision::anyres_layout), or vision::identity_layout(w, h) for a model that saw it unchanged.
std::vector<Overlay> make_overlays(std::string_view answer, const vision::AnyresLayout& layout,
                                   const vision::GroundingOptions& options = {});

// Overlays for OCR words (Tesseract): one per word, label = the word.
std::vector<Overlay> ocr_overlays(const struct OcrResult& ocr);

}  // namespace farsight::appvision
