// Verifier-level scores for vision answers (V-Triune-style rule verifiers, aggregated per data
// source): grounding (IoU, COCO-style AP over IoU 0.50:0.05:0.95), OCR (edit distance, character
// and word accuracy) and counting (exact match of the number in the answer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vision/grounding.h"

namespace farsight::vision {

double iou(const Box& a, const Box& b);

// Levenshtein distance over Unicode code points (invalid UTF-8 bytes count as one unit each).
int64_t edit_distance(std::string_view a, std::string_view b);

struct OcrScore {
    int64_t edit_distance = 0;
    int64_t n_ref_chars = 0;
    double cer = 0;            // edit_distance / max(1, ref chars)
    double char_accuracy = 0;  // max(0, 1 - cer)
    double word_accuracy = 0;  // reference words found in the prediction (multiset), / ref words
    bool exact = false;        // equal after whitespace normalisation
};
// Both texts are compared after collapsing whitespace runs; `case_sensitive` off lowercases ASCII.
OcrScore score_ocr(std::string_view prediction, std::string_view reference, bool case_sensitive = true);

// The first number in an answer: digits ("3", "12,000" → 12000) or an English number word up to
// twenty ("three"). nullopt when there is none.
std::optional<int64_t> parse_count(std::string_view answer);

// One image's grounding result: predicted boxes (in answer order, with scores when given) against
// the reference boxes, all in original-image pixels.
struct GroundingSample {
    std::vector<Box> predicted;
    std::vector<double> scores;  // same length as predicted; empty = rank by answer order
    std::vector<Box> reference;
};

struct GroundingScore {
    double mean_iou = 0;       // mean over reference boxes of the best IoU of a greedy 1:1 matching
    double recall_50 = 0;      // reference boxes matched at IoU >= 0.5
    double precision_50 = 0;   // predicted boxes matched at IoU >= 0.5
    double ap50 = 0, ap75 = 0;
    double map = 0;            // mean AP over IoU 0.50, 0.55, ..., 0.95 (COCO 101-point interpolation)
    int64_t n_reference = 0, n_predicted = 0;
};

// Class-agnostic, COCO-style over a set of images (one data source): predictions of all images
// ranked together by score (answer order when no score: earlier = more confident).
GroundingScore score_grounding(const std::vector<GroundingSample>& samples);

}  // namespace farsight::vision
