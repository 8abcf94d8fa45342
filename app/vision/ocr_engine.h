// Classical OCR without a VLM: Tesseract 5 (Debian libtesseract-dev + tesseract-ocr-eng) over an
// RGB8 image, returning the text and every word with its box and confidence (original pixels).
// One TesseractOcr per thread (the Tesseract API object is not thread-safe).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "farsight/engine/status.h"
#include "vision/grounding.h"

namespace tesseract {
class TessBaseAPI;
}

namespace farsight::appvision {

struct OcrWord {
    std::string text;
    vision::Box box;   // original-image pixels
    float confidence;  // 0–100 as Tesseract reports it
    int line = 0;      // index of the text line the word belongs to
};

struct OcrResult {
    std::string text;  // lines joined by '\n', words by ' ' (Tesseract's reading order)
    std::vector<OcrWord> words;
};

struct OcrOptions {
    std::string language = "eng";
    std::string tessdata_dir;  // empty: Tesseract's default (TESSDATA_PREFIX or the packaged path)
    int page_segmentation = 3; // PSM_AUTO; 6 = one uniform block of text, 7 = a single line
};

class TesseractOcr {
public:
    // not_found (with the package to install) when the language data is missing.
    static Result<std::unique_ptr<TesseractOcr>> create(const OcrOptions& options = {});
    ~TesseractOcr();
    TesseractOcr(const TesseractOcr&) = delete;
    TesseractOcr& operator=(const TesseractOcr&) = delete;

    // rgb: [height, width, 3] packed rows.
    Result<OcrResult> recognize(const uint8_t* rgb, int width, int height);
    static std::string version();

private:
    TesseractOcr() = default;
    std::unique_ptr<tesseract::TessBaseAPI> m_api;
};

}  // namespace farsight::appvision
