// farsight-ocr: Tesseract OCR without a VLM. `farsight-ocr IMAGE...` prints each image's text and
// its words with boxes (TSV); `farsight-ocr --dataset FILE.jsonl --out PRED.jsonl` answers the OCR
// rows of an eval-vision set, to be scored by `farsight-cli eval-vision --predictions PRED.jsonl`.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "media/image_decode.h"
#include "vision/ocr_engine.h"

using namespace farsight;
namespace fs = std::filesystem;

namespace {

int fail(const Status& st) {
    std::fprintf(stderr, "farsight-ocr: %s\n", st.to_string().c_str());
    return 1;
}

int run_dataset(appvision::TesseractOcr& ocr, const fs::path& dataset, const fs::path& out_path) {
    std::ifstream in(dataset);
    if (!in) return fail(Status(ErrorCode::not_found, "cannot open " + dataset.string()));
    std::ofstream out(out_path);
    if (!out) return fail(Status(ErrorCode::io_error, "cannot write " + out_path.string()));
    std::string line;
    int n = 0;
    const auto t0 = std::chrono::steady_clock::now();
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || j.value("task", "") != "ocr") continue;
        auto img = media::decode_image_file(dataset.parent_path() / j.value("image", ""));
        if (!img.ok()) return fail(img.status());
        auto r = ocr.recognize(img->pixels.data(), img->width, img->height);
        if (!r.ok()) return fail(r.status());
        out << nlohmann::json{{"id", j.value("id", "")}, {"answer", r->text}}.dump() << "\n";
        ++n;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("ocr_images=%d seconds=%.2f engine=tesseract-%s\n", n, s, appvision::TesseractOcr::version().c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help")) {
        std::fprintf(stderr, "usage: farsight-ocr IMAGE...\n       farsight-ocr --dataset FILE.jsonl --out PRED.jsonl\n");
        return 2;
    }
    auto ocr = appvision::TesseractOcr::create();
    if (!ocr.ok()) return fail(ocr.status());
    if (!std::strcmp(argv[1], "--dataset")) {
        if (argc != 5 || std::strcmp(argv[3], "--out")) return fail(Status(ErrorCode::invalid_argument, "--dataset FILE --out FILE"));
        return run_dataset(**ocr, argv[2], argv[4]);
    }
    for (int i = 1; i < argc; ++i) {
        auto img = media::decode_image_file(argv[i]);
        if (!img.ok()) return fail(img.status());
        auto r = (*ocr)->recognize(img->pixels.data(), img->width, img->height);
        if (!r.ok()) return fail(r.status());
        std::printf("# %s\n%s\n", argv[i], r->text.c_str());
        for (const auto& w : r->words)
            std::printf("%d\t%.0f\t%.0f\t%.0f\t%.0f\t%.1f\t%s\n", w.line, w.box.x1, w.box.y1, w.box.x2, w.box.y2, w.confidence,
                        w.text.c_str());
    }
    return 0;
}
