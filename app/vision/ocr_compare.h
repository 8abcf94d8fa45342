// Side-by-side OCR: aligns the words a VLM read with the words Tesseract read (word-level
// Levenshtein alignment), so a panel can mark agreements and disagreements on the image, and
// scores their agreement (vision/scoring.h's CER/word accuracy, one taken as the reference).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vision/ocr_engine.h"
#include "vision/scoring.h"

namespace farsight::appvision {

enum class AlignOp : uint8_t { same, changed, only_vlm, only_ocr };

struct AlignedWord {
    AlignOp op = AlignOp::same;
    std::string vlm_word, ocr_word;
    int ocr_index = -1;  // index into OcrResult::words (its box), -1 when only the VLM has the word
};

struct OcrComparison {
    std::vector<AlignedWord> words;
    double word_agreement = 0;     // same / max(words of either)
    vision::OcrScore vlm_vs_ocr;   // Tesseract's text as the reference
};

// Case-sensitive by default; punctuation at word edges is ignored for matching ("dog." == "dog").
OcrComparison compare_ocr(std::string_view vlm_text, const OcrResult& ocr, bool case_sensitive = true);

}  // namespace farsight::appvision
