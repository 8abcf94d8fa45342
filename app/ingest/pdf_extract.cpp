// PDF extraction through poppler-cpp. Lines are rebuilt from page::text_list(): poppler's words in
// reading order (flows -> blocks -> lines, as pdftotext), each with its box. page::text() is not
// used because its reading-order mode joins hyphenated lines itself, shifting line numbers.
// Runs in the helper process.
#include "ingest/pdf_extract.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace farsight::ingest {

namespace {

// poppler reports problems through a global callback; keep the last ones for error messages.
thread_local std::string t_poppler_messages;

void collect_poppler_message(const std::string& message, void*) {
    if (t_poppler_messages.size() > 2048) return;
    if (!t_poppler_messages.empty()) t_poppler_messages += "; ";
    t_poppler_messages += message;
}

void install_poppler_sink() {
    static std::once_flag once;
    std::call_once(once, [] { poppler::set_debug_error_function(collect_poppler_message, nullptr); });
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Control characters would confuse the model and the line count.
void append_clean(std::string& out, const std::vector<char>& utf8) {
    for (char c : utf8)
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') out += c;
}

// Words -> lines: a word starts a new line when it does not sit on the previous word's line
// (vertical overlap under half the smaller height) or goes back left; a gap taller than most of
// a line, or a jump upwards (next column/block), also leaves a blank line.
std::string words_to_text(const poppler::page& page) {
    const std::vector<poppler::text_box> words = page.text_list();
    std::string out;
    double line_top = 0, line_bottom = 0, prev_right = 0;
    bool prev_space = false, have_line = false;
    for (const poppler::text_box& w : words) {
        const poppler::rectf box = w.bbox();
        const double top = box.top(), bottom = box.bottom(), h = std::max(bottom - top, 1e-3);
        const double overlap = std::min(bottom, line_bottom) - std::max(top, line_top);
        const double min_h = std::min(h, std::max(line_bottom - line_top, 1e-3));
        const bool same_line = have_line && overlap > 0.5 * min_h && box.left() >= prev_right - 0.5 * h;
        std::vector<char> text = w.text().to_utf8();
        if (text.empty()) continue;
        if (same_line) {
            if (prev_space || box.left() - prev_right > 0.15 * h) out += ' ';
            line_top = std::min(line_top, top);
            line_bottom = std::max(line_bottom, bottom);
        } else {
            if (have_line) {
                out += '\n';
                const double gap = top - line_bottom;
                if (gap > 0.8 * min_h || bottom < line_top) out += '\n';
            }
            line_top = top;
            line_bottom = bottom;
            have_line = true;
        }
        append_clean(out, text);
        prev_right = box.right();
        prev_space = w.has_space_after();
    }
    while (!out.empty() && is_space(out.back())) out.pop_back();
    if (!out.empty()) out += '\n';
    return out;
}

bool is_ascii_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string dehyphenate_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    std::string carry;   // word fragment moved up from the line below
    while (pos < text.size()) {
        const size_t nl = text.find('\n', pos);
        const size_t end = nl == std::string_view::npos ? text.size() : nl;
        std::string_view line = text.substr(pos, end - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        // The fragment taken by the previous line is removed from the start of this one.
        if (!carry.empty()) {
            line.remove_prefix(carry.size());
            while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
            carry.clear();
        }
        const bool hyphen_end = line.size() >= 2 && line.back() == '-' &&
                                is_ascii_alpha(static_cast<unsigned char>(line[line.size() - 2]));
        if (hyphen_end && pos < text.size()) {
            // Only a lowercase continuation is a broken word ("exam-/ple"), not "Jean-/Paul".
            size_t next_end = text.find('\n', pos);
            if (next_end == std::string_view::npos) next_end = text.size();
            std::string_view next = text.substr(pos, next_end - pos);
            size_t w = 0;
            while (w < next.size() && (is_ascii_alpha(static_cast<unsigned char>(next[w])) ||
                                       static_cast<unsigned char>(next[w]) >= 0x80))
                ++w;
            if (w > 0 && next[0] >= 'a' && next[0] <= 'z') {
                size_t trailing = w;
                while (trailing < next.size() && (next[trailing] == ',' || next[trailing] == '.' ||
                                                  next[trailing] == ';' || next[trailing] == ':'))
                    ++trailing;
                carry.assign(next.substr(0, trailing));
                out.append(line.substr(0, line.size() - 1));
                out += carry;
                if (nl != std::string_view::npos) out += '\n';
                continue;
            }
        }
        out.append(line);
        if (nl != std::string_view::npos) out += '\n';
    }
    return out;
}

Result<Document> extract_pdf(SourceInfo info, const ExtractOptions& options, const PageFn& on_page) {
    install_poppler_sink();
    t_poppler_messages.clear();
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(info.path));
    if (!doc) {
        std::string msg = "not a readable PDF (damaged, truncated or not a PDF)";
        if (!t_poppler_messages.empty()) msg += " [poppler: " + t_poppler_messages + "]";
        return make_error(ErrorCode::bad_header, std::move(msg));
    }
    if (doc->is_locked())
        return make_error(ErrorCode::unsupported,
                          "the PDF is encrypted (password-protected); remove the password and attach it again");
    const int n_pages = doc->pages();
    if (n_pages <= 0) return make_error(ErrorCode::bad_header, "the PDF has no pages");
    if (n_pages > options.max_pdf_pages)
        return make_error(ErrorCode::limit_exceeded, "the PDF has " + std::to_string(n_pages) + " pages (limit " +
                                                         std::to_string(options.max_pdf_pages) + ")");
    info.format = SourceFormat::pdf;
    info.encoding = "pdf";
    info.n_pages = n_pages;
    if (on_page && !on_page(0, n_pages)) return make_error(ErrorCode::cancelled, "cancelled");

    std::string text;
    std::vector<Span> spans;
    std::vector<Notice> notices;
    int64_t n_lines = 0;
    for (int i = 0; i < n_pages; ++i) {
        const int32_t page_no = i + 1;
        if (options.page_markers) {
            spans.push_back({text.size(), 0, page_no, 0});
            text += "--- page " + std::to_string(page_no) + " ---\n";
        }
        std::unique_ptr<poppler::page> page(doc->create_page(i));
        std::string page_text;
        if (!page) {
            notices.push_back({0, page_no, "page " + std::to_string(page_no) + " could not be read"});
        } else {
            page_text = words_to_text(*page);
            if (options.dehyphenate) page_text = dehyphenate_lines(page_text);
            if (page_text.empty())
                notices.push_back({0, page_no, "page " + std::to_string(page_no) + " has no extractable text (scanned?)"});
        }
        if (!page_text.empty()) {
            spans.push_back({text.size(), 0, page_no, 1});
            for (char c : page_text) n_lines += c == '\n';
            text += page_text;
        }
        if (on_page && !on_page(page_no, n_pages)) return make_error(ErrorCode::cancelled, "cancelled");
    }
    info.n_lines = static_cast<int32_t>(n_lines);
    info.content = {0, text.size()};
    std::vector<SourceInfo> files;
    files.push_back(std::move(info));
    return Document::assemble(std::move(text), std::move(files), std::move(spans), {}, std::move(notices));
}

}  // namespace farsight::ingest
