// Scorers. AP follows pycocotools' COCOeval.accumulate (greedy matching of score-ranked predictions
// to unmatched references per image, precision made monotone, sampled at 101 recall points).
#include "vision/scoring.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>

namespace farsight::vision {
namespace {

std::vector<uint32_t> code_points(std::string_view s) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) {
            out.push_back(0x110000u + c);  // a stray byte: one unit, never equal to a real code point
            ++i;
            continue;
        }
        uint32_t cp = n == 1 ? c : c & (0x7F >> n);
        bool ok = true;
        for (int k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            ok &= (cc >> 6) == 2;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (!ok) {
            out.push_back(0x110000u + c);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += static_cast<size_t>(n);
    }
    return out;
}

std::string normalise(std::string_view s, bool case_sensitive) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(case_sensitive ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> w;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        size_t j = i;
        while (j < s.size() && s[j] != ' ') ++j;
        if (j > i) w.emplace_back(s.substr(i, j - i));
        i = j;
    }
    return w;
}

}  // namespace

double iou(const Box& a, const Box& b) {
    const double ix = std::min(a.x2, b.x2) - std::max(a.x1, b.x1), iy = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
    if (ix <= 0 || iy <= 0) return 0.0;
    const double inter = ix * iy, uni = a.area() + b.area() - inter;
    return uni > 0 ? inter / uni : 0.0;
}

int64_t edit_distance(std::string_view a, std::string_view b) {
    const auto x = code_points(a), y = code_points(b);
    std::vector<int64_t> prev(y.size() + 1), cur(y.size() + 1);
    std::iota(prev.begin(), prev.end(), 0);
    for (size_t i = 1; i <= x.size(); ++i) {
        cur[0] = static_cast<int64_t>(i);
        for (size_t j = 1; j <= y.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[y.size()];
}

OcrScore score_ocr(std::string_view prediction, std::string_view reference, bool case_sensitive) {
    const std::string p = normalise(prediction, case_sensitive), r = normalise(reference, case_sensitive);
    OcrScore s;
    s.edit_distance = edit_distance(p, r);
    s.n_ref_chars = static_cast<int64_t>(code_points(r).size());
    s.cer = static_cast<double>(s.edit_distance) / static_cast<double>(std::max<int64_t>(1, s.n_ref_chars));
    s.char_accuracy = std::max(0.0, 1.0 - s.cer);
    s.exact = p == r;
    std::map<std::string, int> pred_words;
    for (auto& w : words(p)) ++pred_words[w];
    const auto ref_words = words(r);
    int64_t hit = 0;
    for (const auto& w : ref_words)
        if (auto it = pred_words.find(w); it != pred_words.end() && it->second > 0) {
            --it->second;
            ++hit;
        }
    s.word_accuracy = ref_words.empty() ? (p.empty() ? 1.0 : 0.0) : static_cast<double>(hit) / ref_words.size();
    return s;
}

std::optional<int64_t> parse_count(std::string_view a) {
    static const char* const kWords[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                                         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                                         "eighteen", "nineteen", "twenty"};
    for (size_t i = 0; i < a.size(); ++i) {
        const auto c = static_cast<unsigned char>(a[i]);
        if (std::isdigit(c)) {
            auto digit = [&](size_t k) { return k < a.size() && std::isdigit(static_cast<unsigned char>(a[k])); };
            int64_t v = 0;
            for (size_t j = i; j < a.size(); ++j) {
                if (digit(j)) {
                    if (v > (int64_t{1} << 50)) return std::nullopt;
                    v = v * 10 + (a[j] - '0');
                } else if (a[j] == ',' && digit(j + 1) && digit(j + 2) && digit(j + 3) && !digit(j + 4)) {
                    continue;  // a thousands separator: "12,000"
                } else {
                    break;
                }
            }
            return v;
        }
        if (std::isalpha(c) && (i == 0 || !std::isalpha(static_cast<unsigned char>(a[i - 1])))) {
            size_t j = i;
            while (j < a.size() && std::isalpha(static_cast<unsigned char>(a[j]))) ++j;
            std::string w(a.substr(i, j - i));
            for (auto& ch : w) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            for (int k = 0; k <= 20; ++k)
                if (w == kWords[k]) return k;
            i = j - 1;
        }
    }
    return std::nullopt;
}

GroundingScore score_grounding(const std::vector<GroundingSample>& samples) {
    GroundingScore out;
    struct Pred {
        double score;
        size_t sample, index;
    };
    std::vector<Pred> preds;
    double iou_sum = 0;
    int64_t matched50_ref = 0, matched50_pred = 0;
    for (size_t si = 0; si < samples.size(); ++si) {
        const GroundingSample& s = samples[si];
        out.n_reference += static_cast<int64_t>(s.reference.size());
        out.n_predicted += static_cast<int64_t>(s.predicted.size());
        for (size_t k = 0; k < s.predicted.size(); ++k)
            preds.push_back({k < s.scores.size() ? s.scores[k] : -static_cast<double>(k), si, k});
        // Greedy 1:1 matching by IoU for mean IoU / recall / precision.
        std::vector<std::array<double, 3>> pairs;
        for (size_t p = 0; p < s.predicted.size(); ++p)
            for (size_t r = 0; r < s.reference.size(); ++r) pairs.push_back({iou(s.predicted[p], s.reference[r]), double(p), double(r)});
        std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a[0] > b[0]; });
        std::vector<bool> pu(s.predicted.size()), ru(s.reference.size());
        for (const auto& [v, p, r] : pairs) {
            if (pu[size_t(p)] || ru[size_t(r)] || v <= 0) continue;
            pu[size_t(p)] = ru[size_t(r)] = true;
            iou_sum += v;
            if (v >= 0.5) ++matched50_ref, ++matched50_pred;
        }
    }
    if (out.n_reference > 0) {
        out.mean_iou = iou_sum / static_cast<double>(out.n_reference);
        out.recall_50 = static_cast<double>(matched50_ref) / static_cast<double>(out.n_reference);
    }
    if (out.n_predicted > 0) out.precision_50 = static_cast<double>(matched50_pred) / static_cast<double>(out.n_predicted);
    if (out.n_reference == 0) return out;
    std::stable_sort(preds.begin(), preds.end(), [](const Pred& a, const Pred& b) { return a.score > b.score; });
    double ap_sum = 0;
    for (int ti = 0; ti < 10; ++ti) {
        const double thr = 0.5 + 0.05 * ti;
        std::vector<std::vector<bool>> used(samples.size());
        for (size_t si = 0; si < samples.size(); ++si) used[si].assign(samples[si].reference.size(), false);
        std::vector<double> prec, rec;
        int64_t tp = 0, fp = 0;
        for (const Pred& p : preds) {
            const GroundingSample& s = samples[p.sample];
            double best = thr - 1e-10;
            int64_t best_r = -1;
            for (size_t r = 0; r < s.reference.size(); ++r) {
                if (used[p.sample][r]) continue;
                const double v = iou(s.predicted[p.index], s.reference[r]);
                if (v >= best) best = v, best_r = static_cast<int64_t>(r);
            }
            if (best_r >= 0) used[p.sample][static_cast<size_t>(best_r)] = true, ++tp;
            else ++fp;
            prec.push_back(static_cast<double>(tp) / static_cast<double>(tp + fp));
            rec.push_back(static_cast<double>(tp) / static_cast<double>(out.n_reference));
        }
        for (size_t k = prec.size(); k-- > 1;) prec[k - 1] = std::max(prec[k - 1], prec[k]);
        double ap = 0;
        size_t k = 0;
        for (int q = 0; q <= 100; ++q) {
            const double r = q / 100.0;
            while (k < rec.size() && rec[k] < r) ++k;
            ap += k < prec.size() ? prec[k] : 0.0;
        }
        ap /= 101.0;
        ap_sum += ap;
        if (ti == 0) out.ap50 = ap;
        if (ti == 5) out.ap75 = ap;
    }
    out.map = ap_sum / 10.0;
    return out;
}

}  // namespace farsight::vision
