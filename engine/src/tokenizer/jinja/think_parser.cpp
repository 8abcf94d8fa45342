// ThinkParser (see think_parser.h). Tags split across chunks are handled by holding back the
// longest suffix of the buffer that could still become a tag; whitespace around tags (the "\n"
// after <think>, before </think>, after </think>) is dropped so UIs get clean segments.
#include "tokenizer/jinja/think_parser.h"

#include <algorithm>

namespace farsight {

namespace {

constexpr std::string_view k_think_open = "<think>";
constexpr std::string_view k_think_close = "</think>";
constexpr std::string_view k_tools_open = "<tool_calls>";
constexpr std::string_view k_tools_close = "</tool_calls>";

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Length of the longest proper prefix of `tag` that `buf` ends with.
size_t partial_suffix(std::string_view buf, std::string_view tag) {
    if (tag.empty()) return 0;
    for (size_t k = std::min(buf.size(), tag.size() - 1); k > 0; --k)
        if (buf.substr(buf.size() - k) == tag.substr(0, k)) return k;
    return 0;
}

struct Hit { size_t pos = std::string::npos; std::string_view tag; };

Hit earliest(std::string_view buf, std::initializer_list<std::string_view> tags) {
    Hit h;
    for (auto t : tags) {
        if (t.empty()) continue;
        size_t p = buf.find(t);
        if (p < h.pos) { h.pos = p; h.tag = t; }
    }
    return h;
}

}  // namespace

ThinkParser::ThinkParser(ThinkParserOptions options)
    : m_opt(std::move(options)), m_state(m_opt.start_in_reasoning ? State::reasoning : State::start) {}

std::vector<ThinkEvent> ThinkParser::push(std::string_view chunk) {
    std::vector<ThinkEvent> out;
    if (m_state == State::done) return out;
    m_buf.append(chunk);
    process(out, false);
    return out;
}

std::vector<ThinkEvent> ThinkParser::finish() {
    std::vector<ThinkEvent> out;
    process(out, true);
    m_pending_ws.clear();
    m_state = State::done;
    return out;
}

void ThinkParser::emit_text(std::vector<ThinkEvent>& out, ThinkEvent::Kind kind, std::string_view text) {
    if (m_at_segment_start) {
        size_t i = 0;
        while (i < text.size() && is_ws(text[i])) ++i;
        text.remove_prefix(i);
        if (text.empty()) return;
        m_at_segment_start = false;
    }
    std::string s = m_pending_ws;
    s.append(text);
    size_t end = s.size();
    while (end > 0 && is_ws(s[end - 1])) --end;
    m_pending_ws = s.substr(end);
    s.resize(end);
    if (s.empty()) return;
    (kind == ThinkEvent::Kind::reasoning ? m_reasoning : m_answer) += s;
    if (!out.empty() && out.back().kind == kind) out.back().text += s;
    else out.push_back(ThinkEvent{kind, std::move(s), {}});
}

void ThinkParser::emit_tool_block(std::vector<ThinkEvent>& out, std::string_view block) {
    size_t start = 0;
    while (start <= block.size()) {
        size_t nl = block.find('\n', start);
        std::string_view line = block.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        start = nl == std::string_view::npos ? block.size() + 1 : nl + 1;
        while (!line.empty() && is_ws(line.front())) line.remove_prefix(1);
        while (!line.empty() && is_ws(line.back())) line.remove_suffix(1);
        if (line.empty()) continue;
        auto call = nlohmann::ordered_json::parse(line, nullptr, false);
        bool ok = !call.is_discarded() && call.is_object() && call.contains("name") && call["name"].is_string();
        if (ok) out.push_back(ThinkEvent{ThinkEvent::Kind::tool_call, std::string(line), std::move(call)});
        else out.push_back(ThinkEvent{ThinkEvent::Kind::invalid_tool_call, std::string(line), {}});
    }
}

void ThinkParser::process(std::vector<ThinkEvent>& out, bool final) {
    const std::string_view end_marker = m_opt.end_marker;
    while (true) {
        std::string_view buf = m_buf;
        switch (m_state) {
            case State::done:
                m_buf.clear();
                return;
            case State::start: {
                size_t i = 0;
                while (i < buf.size() && is_ws(buf[i])) ++i;
                std::string_view rest = buf.substr(i);
                if (rest.substr(0, k_think_open.size()) == k_think_open) {
                    m_buf.erase(0, i + k_think_open.size());
                    m_state = State::reasoning;
                    m_at_segment_start = true;
                    continue;
                }
                if (!final && rest.size() < k_think_open.size() && k_think_open.substr(0, rest.size()) == rest) return;
                m_state = State::answer;
                continue;
            }
            case State::reasoning:
            case State::answer: {
                bool reasoning = m_state == State::reasoning;
                ThinkEvent::Kind kind = reasoning ? ThinkEvent::Kind::reasoning : ThinkEvent::Kind::answer;
                std::string_view open = reasoning ? k_think_close : k_tools_open;
                Hit h = earliest(buf, {open, end_marker});
                if (h.pos != std::string::npos) {
                    emit_text(out, kind, buf.substr(0, h.pos));
                    m_pending_ws.clear();
                    std::string_view tag = h.tag;
                    m_buf.erase(0, h.pos + tag.size());
                    if (tag == end_marker) m_state = State::done;
                    else if (reasoning) m_state = State::answer;
                    else m_state = State::tool_calls;
                    m_at_segment_start = true;
                    continue;
                }
                size_t hold = final ? 0 : std::max(partial_suffix(buf, open), partial_suffix(buf, end_marker));
                emit_text(out, kind, buf.substr(0, buf.size() - hold));
                m_buf.erase(0, buf.size() - hold);
                return;
            }
            case State::tool_calls: {
                size_t p = buf.find(k_tools_close);
                if (p != std::string::npos) {
                    emit_tool_block(out, buf.substr(0, p));
                    m_buf.erase(0, p + k_tools_close.size());
                    m_state = State::answer;
                    m_at_segment_start = true;
                    continue;
                }
                if (final) {
                    size_t e = end_marker.empty() ? std::string::npos : buf.find(end_marker);
                    emit_tool_block(out, buf.substr(0, e));
                    m_buf.clear();
                    m_state = State::done;
                }
                return;
            }
        }
    }
}

}  // namespace farsight
