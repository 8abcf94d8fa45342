// find_quotes() (declared in citations.h): the quoted passages of a Markdown answer. Blockquotes and
// fenced code blocks are found line by line first; the rest is scanned paragraph by paragraph for
// "…", “…”, „…“, «…» and `code` spans (CommonMark backtick-run rule).
#include <string>
#include <vector>

#include "ingest/citations.h"

namespace farsight::ingest {

namespace {

struct Line {
    size_t begin, end;   // without the '\n'
};

std::vector<Line> split_lines(std::string_view s) {
    std::vector<Line> lines;
    size_t pos = 0;
    while (pos <= s.size()) {
        const size_t nl = s.find('\n', pos);
        const size_t end = nl == std::string_view::npos ? s.size() : nl;
        lines.push_back({pos, end});
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return lines;
}

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

size_t indent(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    return i;
}

bool is_fence(std::string_view line) {
    const size_t i = indent(line);
    return i <= 3 && (line.substr(i, 3) == "```" || line.substr(i, 3) == "~~~");
}

int32_t count_code_points(std::string_view s) {
    int32_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

// Trims ASCII whitespace and the Unicode spaces French quotes carry (U+00A0, U+202F).
TextRange trim_range(std::string_view s, TextRange r) {
    auto space_at_front = [&](uint64_t b) -> size_t {
        if (b >= r.end) return 0;
        const char c = s[b];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
        if (s.substr(b, 2) == "\xC2\xA0") return 2;
        if (s.substr(b, 3) == "\xE2\x80\xAF") return 3;
        return 0;
    };
    auto space_at_back = [&](uint64_t e) -> size_t {
        if (e <= r.begin) return 0;
        const char c = s[e - 1];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
        if (e >= r.begin + 2 && s.substr(e - 2, 2) == "\xC2\xA0") return 2;
        if (e >= r.begin + 3 && s.substr(e - 3, 3) == "\xE2\x80\xAF") return 3;
        return 0;
    };
    while (size_t n = space_at_front(r.begin)) r.begin += n;
    while (size_t n = space_at_back(r.end)) r.end -= n;
    if (r.end < r.begin) r.end = r.begin;
    return r;
}

struct Mark {
    std::string_view open;
    std::string_view close1;
    std::string_view close2;
    QuoteKind kind;
};

constexpr Mark k_marks[] = {
    {"\"", "\"", "", QuoteKind::double_quotes},
    {"\xE2\x80\x9C", "\xE2\x80\x9D", "", QuoteKind::curly_quotes},               // “ ”
    {"\xE2\x80\x9E", "\xE2\x80\x9C", "\xE2\x80\x9D", QuoteKind::curly_quotes},   // „ “ (or ”)
    {"\xC2\xAB", "\xC2\xBB", "", QuoteKind::guillemets},                         // « »
};

void scan_paragraph(std::string_view answer, size_t begin, size_t end, const QuoteOptions& options,
                    std::vector<Quote>& out) {
    size_t i = begin;
    while (i < end) {
        if (answer[i] == '`') {
            size_t run = 0;
            while (i + run < end && answer[i + run] == '`') ++run;
            // The span closes at the next run of exactly the same length.
            size_t j = i + run, close = std::string_view::npos;
            while (j < end) {
                if (answer[j] != '`') { ++j; continue; }
                size_t r2 = 0;
                while (j + r2 < end && answer[j + r2] == '`') ++r2;
                if (r2 == run) { close = j; break; }
                j += r2;
            }
            if (close == std::string_view::npos) { i += run; continue; }
            const TextRange inner = trim_range(answer, {i + run, close});
            const std::string_view text = answer.substr(inner.begin, inner.size());
            if (count_code_points(text) >= options.min_code_chars)
                out.push_back({std::string(text), inner, QuoteKind::code});
            i = close + run;
            continue;
        }
        const Mark* mark = nullptr;
        for (const Mark& m : k_marks)
            if (answer.substr(i, m.open.size()) == m.open) { mark = &m; break; }
        if (!mark) { ++i; continue; }
        const size_t from = i + mark->open.size();
        size_t close = std::string_view::npos;
        std::string_view close_mark;
        for (std::string_view c : {mark->close1, mark->close2}) {
            if (c.empty()) continue;
            const size_t at = answer.substr(0, end).find(c, from);
            if (at != std::string_view::npos && at < close) { close = at; close_mark = c; }
        }
        if (close == std::string_view::npos) { i = from; continue; }
        const TextRange inner = trim_range(answer, {from, close});
        const std::string_view text = answer.substr(inner.begin, inner.size());
        if (count_code_points(text) >= options.min_chars) out.push_back({std::string(text), inner, mark->kind});
        i = close + close_mark.size();
    }
}

// "“…”" or "\"…\"" around a whole blockquote is punctuation, not part of the passage.
void strip_wrapping_quotes(std::string& s) {
    for (const Mark& m : k_marks) {
        for (std::string_view c : {m.close1, m.close2}) {
            if (c.empty()) continue;
            if (s.size() >= m.open.size() + c.size() && s.compare(0, m.open.size(), m.open) == 0 &&
                s.compare(s.size() - c.size(), c.size(), c) == 0) {
                s = s.substr(m.open.size(), s.size() - m.open.size() - c.size());
                return;
            }
        }
    }
}

}  // namespace

std::vector<Quote> find_quotes(std::string_view answer, const QuoteOptions& options) {
    std::vector<Quote> out;
    const std::vector<Line> lines = split_lines(answer);
    bool in_fence = false;
    size_t para_begin = std::string_view::npos, para_end = 0;
    auto flush_paragraph = [&] {
        if (para_begin != std::string_view::npos) scan_paragraph(answer, para_begin, para_end, options, out);
        para_begin = std::string_view::npos;
    };
    for (size_t li = 0; li < lines.size(); ++li) {
        const std::string_view line = answer.substr(lines[li].begin, lines[li].end - lines[li].begin);
        if (is_fence(line)) { flush_paragraph(); in_fence = !in_fence; continue; }
        if (in_fence) continue;
        const size_t ind = indent(line);
        if (ind <= 3 && ind < line.size() && line[ind] == '>') {
            flush_paragraph();
            // A blockquote: consecutive '>' lines, markers (and nested ones) removed, lines kept.
            std::string text;
            uint64_t first = 0, last = 0;
            bool any = false;
            for (; li < lines.size(); ++li) {
                const std::string_view l = answer.substr(lines[li].begin, lines[li].end - lines[li].begin);
                size_t k = indent(l);
                if (k > 3 || k >= l.size() || l[k] != '>') break;
                while (k < l.size() && (l[k] == '>' || l[k] == ' ')) ++k;   // nested markers
                const std::string_view content = l.substr(k);
                if (!any && is_blank(content)) continue;
                if (!any) first = lines[li].begin + k;
                any = true;
                last = lines[li].end;
                if (!text.empty()) text += '\n';
                text.append(content);
            }
            --li;
            while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
            strip_wrapping_quotes(text);
            if (any && count_code_points(text) >= options.min_chars)
                out.push_back({std::move(text), {first, last}, QuoteKind::blockquote});
            continue;
        }
        if (is_blank(line)) { flush_paragraph(); continue; }
        if (para_begin == std::string_view::npos) para_begin = lines[li].begin;
        para_end = lines[li].end;
    }
    flush_paragraph();
    return out;
}

}  // namespace farsight::ingest
