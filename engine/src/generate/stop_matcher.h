// StopMatcher: streams generated text while watching for stop strings. Text that could be the
// start of a stop string is held back until it is disambiguated; on a match the text before the
// stop string is released and the rest dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace farsight {

class StopMatcher {
public:
    explicit StopMatcher(std::vector<std::string> stops);
    // Adds text; returns the part that is safe to show now. `stopped()` turns true on a match.
    std::string push(std::string_view text);
    // End of generation: whatever is still held back.
    std::string flush();
    bool stopped() const { return m_stopped; }

private:
    std::vector<std::string> m_stops;
    std::string m_pending;
    bool m_stopped = false;
};

}  // namespace farsight
