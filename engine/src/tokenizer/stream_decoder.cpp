// StreamDecoder; see stream_decoder.h. Reference: huggingface/tokenizers tokenizer/mod.rs step_decode_stream.
#include "tokenizer/stream_decoder.h"

namespace farsight {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD: the tail is an incomplete character

bool ends_incomplete(const std::string& s) {
    return s.size() >= kReplacement.size() && s.compare(s.size() - kReplacement.size(), kReplacement.size(), kReplacement) == 0;
}

std::size_t common_prefix(const std::string& a, const std::string& b) {
    std::size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
    // Never cut a UTF-8 sequence in half.
    while (n > 0 && n < a.size() && (static_cast<unsigned char>(a[n]) & 0xC0) == 0x80) --n;
    return n;
}

}  // namespace

StreamDecoder::StreamDecoder(Tokenizer tokenizer, bool skip_special_tokens)
    : m_tokenizer(std::move(tokenizer)), m_skip_special(skip_special_tokens) {}

std::string StreamDecoder::step(int32_t id) {
    if (m_prefix.empty() && !m_ids.empty()) {
        std::string p = m_tokenizer.decode(m_ids, m_skip_special);
        if (!ends_incomplete(p)) {
            m_prefix = std::move(p);
            m_prefix_index = m_ids.size();
        }
    }
    m_ids.push_back(id);
    std::string text = m_tokenizer.decode(m_ids, m_skip_special);
    if (text.size() <= m_prefix.size() || ends_incomplete(text)) return {};
    // A decoder that rewrites earlier text (it should not) loses the rewritten part rather than repeating it.
    const std::size_t keep = text.compare(0, m_prefix.size(), m_prefix) == 0 ? m_prefix.size() : common_prefix(text, m_prefix);
    std::string fresh = text.substr(keep);
    const std::size_t new_prefix_index = m_ids.size() - m_prefix_index;
    m_ids.erase(m_ids.begin(), m_ids.begin() + static_cast<std::ptrdiff_t>(m_prefix_index));
    m_prefix = m_tokenizer.decode(m_ids, m_skip_special);
    m_prefix_index = new_prefix_index;
    return fresh;
}

std::string StreamDecoder::flush() {
    std::string rest;
    if (!m_ids.empty()) {
        const std::string text = m_tokenizer.decode(m_ids, m_skip_special);
        const std::size_t keep =
            text.compare(0, m_prefix.size(), m_prefix) == 0 ? m_prefix.size() : common_prefix(text, m_prefix);
        if (text.size() > keep) rest = text.substr(keep);
    }
    reset();
    return rest;
}

void StreamDecoder::reset() {
    m_ids.clear();
    m_prefix.clear();
    m_prefix_index = 0;
}

}  // namespace farsight
