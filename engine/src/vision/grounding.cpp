// Box parsing: one left-to-right scan that tries, at each position, the JSON object / token / tag /
// plain-list forms (regex-free: answers are untrusted text, so every form is matched by hand with
// bounded look-ahead). Mapping uses the AnyresLayout of the preprocessing that produced the input.
#include "vision/grounding.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

namespace farsight::vision {
namespace {

using nlohmann::json;

bool starts_at(std::string_view s, size_t i, std::string_view p) { return s.substr(i, p.size()) == p; }

// Numbers (optionally signed/decimal) between i and the first occurrence of `end`, skipping
// separators ( ) [ ] , ; whitespace. Fails on any other character or past `limit` bytes.
bool numbers_until(std::string_view s, size_t i, std::string_view end, std::vector<double>& out, size_t* end_pos,
                   size_t limit = 160) {
    out.clear();
    const size_t stop = std::min(s.size(), i + limit);
    while (i < stop) {
        if (starts_at(s, i, end)) {
            *end_pos = i + end.size();
            return true;
        }
        const char c = s[i];
        if (std::isdigit(static_cast<unsigned char>(c)) || ((c == '-' || c == '.') && i + 1 < s.size() &&
                                                            std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
            char* e = nullptr;
            const std::string tmp(s.substr(i, std::min<size_t>(32, s.size() - i)));
            const double v = std::strtod(tmp.c_str(), &e);
            if (e == tmp.c_str()) return false;
            out.push_back(v);
            i += static_cast<size_t>(e - tmp.c_str());
            continue;
        }
        if (std::strchr("()[], ;\t\n\r", c) == nullptr) return false;
        ++i;
    }
    return false;
}

Box ordered(double a, double b, double c, double d) {
    return {std::min(a, c), std::min(b, d), std::max(a, c), std::max(b, d)};
}

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && (std::isspace(static_cast<unsigned char>(s[b])) || std::strchr("*-:,.\"'`([", s[b]))) ++b;
    while (e > b && (std::isspace(static_cast<unsigned char>(s[e - 1])) || std::strchr("*-:,.\"'`(=", s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

// The label written just before position i: a <ref>…</ref> or <|object_ref_start|>…<|object_ref_end|>
// that ends right there, else the last words (at most 6) after a line or sentence break, without
// trailing filler such as "is at" or "coordinates".
std::string label_before(std::string_view s, size_t i) {
    size_t j = i;
    while (j > 0 && std::isspace(static_cast<unsigned char>(s[j - 1]))) --j;
    for (auto [open, close] : {std::pair{std::string_view("<ref>"), std::string_view("</ref>")},
                               {std::string_view("<|object_ref_start|>"), std::string_view("<|object_ref_end|>")}}) {
        if (j >= close.size() && s.substr(j - close.size(), close.size()) == close) {
            const size_t o = s.rfind(open, j - close.size());
            if (o != std::string_view::npos) return trim(s.substr(o + open.size(), j - close.size() - o - open.size()));
        }
    }
    size_t b = j;
    int words = 0;
    while (b > 0) {
        const char c = s[b - 1];
        if (c == '\n' || c == '.' || c == ']' || c == '>' || c == ';' || c == ')' || c == '}') break;
        if (std::isspace(static_cast<unsigned char>(c)) && b < j && !std::isspace(static_cast<unsigned char>(s[b])) && ++words >= 6)
            break;
        --b;
    }
    std::string label = trim(s.substr(b, j - b));
    static const char* const kFiller[] = {"at", "is", "are", "located", "in", "box", "bbox", "coordinates", "position", "of"};
    for (bool changed = true; changed && !label.empty();) {
        changed = false;
        const size_t sp = label.find_last_of(' ');
        const std::string last = sp == std::string::npos ? label : label.substr(sp + 1);
        for (const char* f : kFiller)
            if (last == f && sp != std::string::npos) {
                label = trim(label.substr(0, sp));
                changed = true;
                break;
            }
    }
    static const char* const kLeading[] = {"and", "or", "then", "also", "while", "plus"};
    for (bool changed = true; changed && !label.empty();) {
        changed = false;
        const size_t sp = label.find(' ');
        if (sp == std::string::npos) break;
        for (const char* f : kLeading)
            if (label.compare(0, sp, f) == 0) {
                label = trim(label.substr(sp + 1));
                changed = true;
                break;
            }
    }
    return label;
}

// A balanced {...} or [...] starting at i (strings respected), bounded by max bytes; `budget`
// (bytes scanned over the whole answer) keeps hostile input like 10^5 unclosed braces linear.
size_t json_extent(std::string_view s, size_t i, int64_t& budget, size_t max = 1 << 16) {
    int depth = 0;
    bool in_str = false;
    for (size_t j = i; j < s.size() && j < i + max; ++j) {
        if (--budget < 0) return 0;
        const char c = s[j];
        if (in_str) {
            if (c == '\\') ++j;
            else if (c == '"') in_str = false;
            continue;
        }
        if (c == '"') in_str = true;
        else if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') {
            if (--depth == 0) return j + 1;
        }
    }
    return 0;
}

bool box_from_json(const json& o, ParsedBox& pb) {
    if (!o.is_object()) return false;
    for (const char* key : {"bbox_2d", "bbox", "box_2d", "box", "bounding_box"}) {
        auto it = o.find(key);
        if (it == o.end() || !it->is_array() || it->size() != 4) continue;
        double v[4];
        for (size_t k = 0; k < 4; ++k) {
            if (!(*it)[k].is_number()) return false;
            v[k] = (*it)[k].get<double>();
        }
        pb.box = ordered(v[0], v[1], v[2], v[3]);
        for (const char* lk : {"label", "name", "text", "category", "object"})
            if (auto l = o.find(lk); l != o.end() && l->is_string()) {
                pb.label = l->get<std::string>();
                break;
            }
        for (const char* sk : {"score", "confidence"})
            if (auto c = o.find(sk); c != o.end() && c->is_number()) pb.score = c->get<double>();
        return true;
    }
    return false;
}

void collect_json(const json& j, std::vector<ParsedBox>& out, const ParsedBox& proto, int depth = 0) {
    if (depth > 8) return;
    ParsedBox pb = proto;
    if (box_from_json(j, pb)) {
        out.push_back(pb);
        return;
    }
    if (j.is_array() || j.is_object())
        for (const auto& v : j) collect_json(v, out, proto, depth + 1);
}

}  // namespace

std::vector<ParsedBox> parse_boxes(std::string_view s, const GroundingOptions& opt) {
    std::vector<ParsedBox> out;
    std::vector<double> nums;
    int64_t json_budget = 8 * static_cast<int64_t>(s.size()) + (1 << 20);
    size_t i = 0;
    while (i < s.size()) {
        size_t end = 0;
        // <|box_start|>(x1,y1),(x2,y2)<|box_end|> and <box>…</box> (0–1000 unless all <= 1).
        for (auto [open, close, fmt] : {std::tuple{std::string_view("<|box_start|>"), std::string_view("<|box_end|>"), BoxFormat::box_tokens},
                                        {std::string_view("<box>"), std::string_view("</box>"), BoxFormat::box_tag},
                                        {std::string_view("<bbox>"), std::string_view("</bbox>"), BoxFormat::box_tag}}) {
            if (!starts_at(s, i, open)) continue;
            if (numbers_until(s, i + open.size(), close, nums, &end) && nums.size() % 4 == 0 && !nums.empty()) {
                for (size_t k = 0; k < nums.size(); k += 4) {  // InternVL may list several boxes in one tag
                    ParsedBox pb;
                    pb.box = ordered(nums[k], nums[k + 1], nums[k + 2], nums[k + 3]);
                    pb.format = fmt;
                    pb.units = BoxUnits::norm1000;
                    pb.label = label_before(s, i);
                    pb.text_begin = i;
                    pb.text_end = end;
                    out.push_back(pb);
                }
            }
            break;
        }
        if (end) {
            i = end;
            continue;
        }
        const char c = s[i];
        if (c == '{' || (c == '[' && i + 1 < s.size() && (s[i + 1] == '{' || std::isspace(static_cast<unsigned char>(s[i + 1])) ||
                                                          s[i + 1] == '\n'))) {
            if (const size_t e = json_extent(s, i, json_budget)) {
                json j = json::parse(s.substr(i, e - i), nullptr, false);
                if (!j.is_discarded()) {
                    ParsedBox proto;
                    proto.format = BoxFormat::json;
                    proto.units = opt.json_units;
                    proto.text_begin = i;
                    proto.text_end = e;
                    const size_t before = out.size();
                    collect_json(j, out, proto);
                    if (out.size() > before) {
                        i = e;
                        continue;
                    }
                }
            }
        }
        if (c == '[' || c == '(') {
            const std::string_view close = c == '[' ? "]" : ")";
            if (numbers_until(s, i + 1, close, nums, &end, 96) && nums.size() == 4) {
                ParsedBox pb;
                pb.box = ordered(nums[0], nums[1], nums[2], nums[3]);
                pb.format = BoxFormat::plain_list;
                pb.units = opt.plain_units;
                pb.label = label_before(s, i);
                pb.text_begin = i;
                pb.text_end = end;
                out.push_back(pb);
                i = end;
                continue;
            }
        }
        ++i;
    }
    // Resolve "unknown" units: all coordinates within [0, 1] means fractions, else pixels.
    for (ParsedBox& pb : out)
        if (pb.units == BoxUnits::unknown) {
            const Box& b = pb.box;
            const bool unit = std::max({b.x1, b.y1, b.x2, b.y2}) <= 1.0 && std::min({b.x1, b.y1}) >= 0.0;
            pb.units = unit ? BoxUnits::norm1 : BoxUnits::pixels;
        }
    return out;
}

AnyresLayout identity_layout(int width, int height) {
    AnyresLayout L;
    L.orig_w = L.canvas_w = L.scaled_w = width;
    L.orig_h = L.canvas_h = L.scaled_h = height;
    return L;
}

Box map_to_original(const ParsedBox& pb, const AnyresLayout& L, const GroundingOptions& opt) {
    Box b = pb.box;
    BoxFrame frame = opt.pixel_frame;
    double sx = 1, sy = 1;
    switch (pb.units) {
        case BoxUnits::norm1000: frame = opt.norm_frame; sx = sy = 1.0 / 1000.0; break;
        case BoxUnits::norm1: frame = opt.norm_frame; break;
        default: break;
    }
    if (pb.units == BoxUnits::norm1000 || pb.units == BoxUnits::norm1) {
        const double w = frame == BoxFrame::canvas ? L.canvas_w : L.orig_w, h = frame == BoxFrame::canvas ? L.canvas_h : L.orig_h;
        b = {b.x1 * sx * w, b.y1 * sy * h, b.x2 * sx * w, b.y2 * sy * h};
    }
    if (frame == BoxFrame::canvas && L.scaled_w > 0 && L.scaled_h > 0) {
        const double kx = static_cast<double>(L.orig_w) / L.scaled_w, ky = static_cast<double>(L.orig_h) / L.scaled_h;
        b = {(b.x1 - L.pad_x) * kx, (b.y1 - L.pad_y) * ky, (b.x2 - L.pad_x) * kx, (b.y2 - L.pad_y) * ky};
    }
    auto clampx = [&](double v) { return std::clamp(v, 0.0, static_cast<double>(L.orig_w)); };
    auto clampy = [&](double v) { return std::clamp(v, 0.0, static_cast<double>(L.orig_h)); };
    return {clampx(b.x1), clampy(b.y1), clampx(b.x2), clampy(b.y2)};
}

Box original_to_canvas(const Box& b, const AnyresLayout& L) {
    const double kx = static_cast<double>(L.scaled_w) / L.orig_w, ky = static_cast<double>(L.scaled_h) / L.orig_h;
    return {b.x1 * kx + L.pad_x, b.y1 * ky + L.pad_y, b.x2 * kx + L.pad_x, b.y2 * ky + L.pad_y};
}

}  // namespace farsight::vision
