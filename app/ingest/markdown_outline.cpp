// Markdown outline (see markdown_outline.h; reference: CommonMark 0.31 sections 4.2, 4.3, 4.5).
#include "ingest/markdown_outline.h"

#include <string>

namespace farsight::ingest {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Up to three spaces of indentation are allowed before block markers.
size_t indent_of(std::string_view line) {
    size_t i = 0;
    while (i < line.size() && line[i] == ' ') ++i;
    return i;
}

bool is_fence(std::string_view line, char& fence_char, size_t& fence_len) {
    const size_t ind = indent_of(line);
    if (ind > 3 || ind >= line.size()) return false;
    const char c = line[ind];
    if (c != '`' && c != '~') return false;
    size_t n = 0;
    while (ind + n < line.size() && line[ind + n] == c) ++n;
    if (n < 3) return false;
    fence_char = c;
    fence_len = n;
    return true;
}

// "# Title ##" -> level 1, "Title"; 0 when not an ATX heading.
int atx_heading(std::string_view line, std::string_view& title) {
    const size_t ind = indent_of(line);
    if (ind > 3) return 0;
    size_t n = 0;
    while (ind + n < line.size() && line[ind + n] == '#') ++n;
    if (n < 1 || n > 6) return 0;
    const size_t after = ind + n;
    if (after < line.size() && line[after] != ' ' && line[after] != '\t') return 0;
    std::string_view rest = trim(line.substr(after));
    // A closing run of '#' preceded by a space is not part of the title.
    size_t end = rest.size();
    while (end > 0 && rest[end - 1] == '#') --end;
    if (end == 0) rest = {};
    else if (end < rest.size() && (rest[end - 1] == ' ' || rest[end - 1] == '\t')) rest = trim(rest.substr(0, end));
    title = rest;
    return static_cast<int>(n);
}

// "====" -> 1, "----" -> 2, else 0.
int setext_underline(std::string_view line) {
    if (indent_of(line) > 3) return 0;
    std::string_view t = trim(line);
    if (t.empty() || (t.front() != '=' && t.front() != '-')) return 0;
    for (char c : t)
        if (c != t.front()) return 0;
    return t.front() == '=' ? 1 : 2;
}

bool starts_other_block(std::string_view line) {
    std::string_view t = trim(line);
    if (t.empty()) return true;
    const char c = t.front();
    if (c == '>' ) return true;
    if ((c == '-' || c == '*' || c == '+') && t.size() > 1 && t[1] == ' ') return true;
    return indent_of(line) >= 4;
}

}  // namespace

std::vector<Heading> markdown_headings(std::string_view text) {
    std::vector<Heading> out;
    bool in_fence = false;
    char fence_char = 0;
    size_t fence_len = 0;
    bool prev_paragraph = false;     // previous line is paragraph text that a Setext line may underline
    size_t prev_begin = 0;
    std::string_view prev_line;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        const size_t end = nl == std::string_view::npos ? text.size() : nl;
        const std::string_view line = text.substr(pos, end - pos);
        const size_t begin = pos;
        pos = end + 1;

        char c = 0;
        size_t len = 0;
        if (in_fence) {
            if (is_fence(line, c, len) && c == fence_char && len >= fence_len && trim(line).size() == len) in_fence = false;
            prev_paragraph = false;
            continue;
        }
        if (is_fence(line, c, len)) {
            in_fence = true; fence_char = c; fence_len = len;
            prev_paragraph = false;
            continue;
        }
        std::string_view title;
        if (const int level = atx_heading(line, title)) {
            out.push_back({0, level, std::string(title), begin});
            prev_paragraph = false;
            continue;
        }
        if (prev_paragraph) {
            if (const int level = setext_underline(line)) {
                out.push_back({0, level, std::string(trim(prev_line)), prev_begin});
                prev_paragraph = false;
                continue;
            }
        }
        prev_paragraph = !starts_other_block(line);
        prev_begin = begin;
        prev_line = line;
    }
    return out;
}

}  // namespace farsight::ingest
