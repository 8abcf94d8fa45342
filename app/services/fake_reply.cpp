// The FakeEngine's scripted replies: a <think> section, Markdown (heading, bold, a table, a code
// block), an exact quote of an attached document (so citations match) and one invented quote
// (so the "no match" flag shows). Deterministic in (prompt, reply_number).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "services/fake_engine.h"

namespace farsight::app {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The text of the last "<|user|>" turn of the fake chat template.
std::string_view last_user_turn(std::string_view prompt) {
    const std::string_view open = "<|user|>\n";
    const size_t at = prompt.rfind(open);
    if (at == std::string_view::npos) return trim(prompt.substr(prompt.size() - std::min<size_t>(prompt.size(), 200)));
    std::string_view rest = prompt.substr(at + open.size());
    const size_t end = rest.find("\n<|end|>");
    return trim(rest.substr(0, end));
}

struct DocumentView {
    std::string name;
    std::string_view body;
};

std::vector<DocumentView> documents_in(std::string_view prompt) {
    std::vector<DocumentView> docs;
    size_t pos = 0;
    while ((pos = prompt.find("<document name=\"", pos)) != std::string_view::npos) {
        const size_t name_begin = pos + 16;
        const size_t name_end = prompt.find('"', name_begin);
        const size_t body_begin = prompt.find('>', name_end);
        const size_t body_end = prompt.find("</document>", body_begin);
        if (name_end == std::string_view::npos || body_begin == std::string_view::npos || body_end == std::string_view::npos) break;
        docs.push_back({std::string(prompt.substr(name_begin, name_end - name_begin)),
                        prompt.substr(body_begin + 1, body_end - body_begin - 1)});
        pos = body_end;
    }
    return docs;
}

// A sentence of 6..40 words from `body`, chosen by `seed` among the first 2,000 candidates.
std::string pick_sentence(std::string_view body, uint64_t seed) {
    std::vector<std::string_view> candidates;
    size_t start = 0;
    for (size_t i = 0; i < body.size() && candidates.size() < 2000; ++i) {
        const char c = body[i];
        if (c == '.' || c == '?' || c == '!' || c == '\n') {
            std::string_view s = trim(body.substr(start, i - start + (c == '\n' ? 0 : 1)));
            const auto words = std::count(s.begin(), s.end(), ' ') + 1;
            const bool plain = s.find_first_of("\"|#`*<>[]") == std::string_view::npos;
            if (plain && words >= 6 && words <= 40) candidates.push_back(s);
            start = i + 1;
        }
    }
    if (candidates.empty()) return {};
    return std::string(candidates[seed % candidates.size()]);
}

std::string short_topic(std::string_view question) {
    std::string topic(question.substr(0, std::min<size_t>(question.size(), 60)));
    std::replace(topic.begin(), topic.end(), '\n', ' ');
    std::erase_if(topic, [](char c) { return c == '*' || c == '`' || c == '|' || c == '"'; });
    if (question.size() > 60) topic += "...";
    return topic.empty() ? std::string("your question") : topic;
}

}  // namespace

std::string fake_reply_for_prompt(std::string_view prompt, uint64_t reply_number) {
    const std::string_view question = last_user_turn(prompt);
    const std::string topic = short_topic(question);
    const auto docs = documents_in(prompt);
    const auto n_words = std::count(question.begin(), question.end(), ' ') + (question.empty() ? 0 : 1);

    std::string out = "<think>\nThe user asks about \"" + topic + "\". ";
    if (!docs.empty())
        out += "There " + std::string(docs.size() == 1 ? "is 1 document" : "are " + std::to_string(docs.size()) + " documents") +
               " in the context; I should quote the passage that matters word for word. ";
    out += "I will answer with a short summary, a table and a small code example.\n</think>\n\n";

    out += "## Answer " + std::to_string(reply_number) + "\n\n";
    out += "Here is what I found about **" + topic + "**. This reply comes from the *offline* engine, so it is "
           "scripted, but it streams token by token like a real model.\n\n";
    if (!docs.empty()) {
        const std::string quote = pick_sentence(docs.front().body, reply_number * 7919 + 17);
        if (!quote.empty()) out += "The document **" + docs.front().name + "** says:\n\n> " + quote + "\n\n";
        out += "Elsewhere it is claimed that \"the moon is made of green cheese\", which I could not verify.\n\n";
    }
    out += "| Aspect | Detail |\n|---|---|\n";
    out += "| Words in your question | " + std::to_string(n_words) + " |\n";
    out += "| Documents in context | " + std::to_string(docs.size()) + " |\n";
    out += "| Reply number | " + std::to_string(reply_number) + " |\n\n";
    out += "```python\ndef summarize(text: str, limit: int = " + std::to_string(40 + reply_number % 60) +
           ") -> str:\n    words = text.split()\n    return \" \".join(words[:limit])\n```\n\n";
    out += "Ask a follow-up question to continue.";
    return out;
}

}  // namespace farsight::app
