// Tesseract wrapper: TessBaseAPI::Init / SetImage / Recognize, words from the RIL_WORD iterator
// (line index from RIL_TEXTLINE boundaries). Tesseract's stderr chatter is turned off by config.
#include "vision/ocr_engine.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

namespace farsight::appvision {

Result<std::unique_ptr<TesseractOcr>> TesseractOcr::create(const OcrOptions& o) {
    std::unique_ptr<TesseractOcr> t(new TesseractOcr());
    t->m_api = std::make_unique<tesseract::TessBaseAPI>();
    if (t->m_api->Init(o.tessdata_dir.empty() ? nullptr : o.tessdata_dir.c_str(), o.language.c_str(),
                       tesseract::OEM_LSTM_ONLY) != 0)
        return Status(ErrorCode::not_found, "Tesseract has no '" + o.language + "' language data" +
                                                (o.tessdata_dir.empty() ? "" : " in " + o.tessdata_dir) +
                                                " (Debian: apt-get install tesseract-ocr-" + o.language + ")");
    t->m_api->SetVariable("debug_file", "/dev/null");
    t->m_api->SetPageSegMode(static_cast<tesseract::PageSegMode>(o.page_segmentation));
    return t;
}

TesseractOcr::~TesseractOcr() {
    if (m_api) m_api->End();
}

std::string TesseractOcr::version() { return tesseract::TessBaseAPI::Version(); }

Result<OcrResult> TesseractOcr::recognize(const uint8_t* rgb, int width, int height) {
    if (!rgb || width <= 0 || height <= 0) return Status(ErrorCode::invalid_argument, "OCR: empty image");
    m_api->SetImage(rgb, width, height, 3, 3 * width);
    if (m_api->Recognize(nullptr) != 0) return Status(ErrorCode::internal, "Tesseract could not recognise the image");
    OcrResult out;
    std::unique_ptr<tesseract::ResultIterator> it(m_api->GetIterator());
    int line = -1;
    if (it) {
        do {
            if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) ++line;
            std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
            if (!word || !*word.get()) continue;
            int x1, y1, x2, y2;
            it->BoundingBox(tesseract::RIL_WORD, &x1, &y1, &x2, &y2);
            out.words.push_back({word.get(), {double(x1), double(y1), double(x2), double(y2)}, it->Confidence(tesseract::RIL_WORD),
                                 std::max(line, 0)});
        } while (it->Next(tesseract::RIL_WORD));
    }
    for (size_t i = 0; i < out.words.size(); ++i) {
        if (i) out.text += out.words[i].line != out.words[i - 1].line ? "\n" : " ";
        out.text += out.words[i].text;
    }
    m_api->Clear();
    return out;
}

}  // namespace farsight::appvision
