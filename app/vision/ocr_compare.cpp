// Word alignment by dynamic programming over the two word sequences (unit costs).
#include "vision/ocr_compare.h"

#include <algorithm>
#include <cctype>

namespace farsight::appvision {
namespace {

std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        size_t j = i;
        while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        if (j > i) out.emplace_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string key(const std::string& w, bool case_sensitive) {
    size_t b = 0, e = w.size();
    while (b < e && std::ispunct(static_cast<unsigned char>(w[b]))) ++b;
    while (e > b && std::ispunct(static_cast<unsigned char>(w[e - 1]))) --e;
    std::string k = w.substr(b, e - b);
    if (!case_sensitive)
        for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k;
}

}  // namespace

OcrComparison compare_ocr(std::string_view vlm_text, const OcrResult& ocr, bool case_sensitive) {
    const auto a = split_words(vlm_text);
    std::vector<std::string> b;
    for (const auto& w : ocr.words) b.push_back(w.text);
    const size_t n = a.size(), m = b.size();
    std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
    for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
    for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
    for (size_t i = 1; i <= n; ++i)
        for (size_t j = 1; j <= m; ++j)
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                                d[i - 1][j - 1] + (key(a[i - 1], case_sensitive) == key(b[j - 1], case_sensitive) ? 0 : 1)});
    OcrComparison out;
    size_t i = n, j = m, same = 0;
    while (i > 0 || j > 0) {
        AlignedWord w;
        if (i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + (key(a[i - 1], case_sensitive) == key(b[j - 1], case_sensitive) ? 0 : 1)) {
            w.op = key(a[i - 1], case_sensitive) == key(b[j - 1], case_sensitive) ? AlignOp::same : AlignOp::changed;
            same += w.op == AlignOp::same;
            w.vlm_word = a[--i];
            w.ocr_word = b[--j];
            w.ocr_index = static_cast<int>(j);
        } else if (i > 0 && d[i][j] == d[i - 1][j] + 1) {
            w.op = AlignOp::only_vlm;
            w.vlm_word = a[--i];
        } else {
            w.op = AlignOp::only_ocr;
            w.ocr_word = b[--j];
            w.ocr_index = static_cast<int>(j);
        }
        out.words.push_back(std::move(w));
    }
    std::reverse(out.words.begin(), out.words.end());
    out.word_agreement = std::max(n, m) ? static_cast<double>(same) / static_cast<double>(std::max(n, m)) : 1.0;
    out.vlm_vs_ocr = vision::score_ocr(vlm_text, ocr.text, case_sensitive);
    return out;
}

}  // namespace farsight::appvision
