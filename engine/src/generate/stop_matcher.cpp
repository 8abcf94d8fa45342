// StopMatcher implementation. Hold-back never splits a UTF-8 character.
#include "generate/stop_matcher.h"

#include <algorithm>

namespace farsight {

StopMatcher::StopMatcher(std::vector<std::string> stops) {
    for (auto& s : stops)
        if (!s.empty()) m_stops.push_back(std::move(s));
}

std::string StopMatcher::push(std::string_view text) {
    if (m_stopped) return {};
    m_pending += text;
    size_t cut = std::string::npos;
    for (const auto& s : m_stops) cut = std::min(cut, m_pending.find(s));
    if (cut != std::string::npos) {
        m_stopped = true;
        std::string out = m_pending.substr(0, cut);
        m_pending.clear();
        return out;
    }
    // Hold back the longest suffix that is a proper prefix of some stop string.
    size_t hold = 0;
    for (const auto& s : m_stops)
        for (size_t k = std::min(s.size() - 1, m_pending.size()); k > hold; --k)
            if (m_pending.compare(m_pending.size() - k, k, s, 0, k) == 0) {
                hold = k;
                break;
            }
    size_t emit = m_pending.size() - hold;
    while (emit > 0 && emit < m_pending.size() && (static_cast<unsigned char>(m_pending[emit]) & 0xC0) == 0x80) --emit;
    std::string out = m_pending.substr(0, emit);
    m_pending.erase(0, emit);
    return out;
}

std::string StopMatcher::flush() {
    std::string out;
    if (!m_stopped) out.swap(m_pending);
    m_pending.clear();
    return out;
}

}  // namespace farsight
