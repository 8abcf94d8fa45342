// PCRE2 (UTF + UCP + JIT) regex with the Oniguruma semantics HF `tokenizers` gets from its `onig` crate:
// \s, \S, \w, \W, \h, \H and \uHHHH are rewritten to what Oniguruma (Ruby syntax) means by them, ^/$ are
// line anchors, and find_all() iterates like onig's find_iter. Match/depth/heap limits turn catastrophic
// backtracking into ErrorCode::limit_exceeded instead of a hang.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight::tok {

struct Match {
    uint32_t begin;
    uint32_t end;
};

class Regex {
public:
    // A pattern as written in tokenizer.json ({"Regex": ...}).
    static Result<Regex> compile(std::string_view onig_pattern);
    // A literal string ({"String": ...}): HF escapes it into a regex, so it matches like one.
    static Result<Regex> literal(std::string_view text);
    // A pattern already in PCRE2 syntax (for the few places HF uses the Rust regex crate instead of onig).
    static Result<Regex> compile_pcre2(std::string_view pattern);

    // Appends the matches in `subject` (valid UTF-8, < 4 GiB) in order. Like onig's find_iter, an empty
    // match right where the previous match ended is skipped and the search moves on one character; like
    // HF's find_matches, an empty subject has no matches at all.
    Status find_all(std::string_view subject, std::vector<Match>& out) const;

    const std::string& pattern() const { return m_source; }

    struct Code;  // the compiled pcre2_code (public only so the .cpp's helpers can build one)

private:
    std::shared_ptr<const Code> m_code;
    std::string m_source;
};

// The Oniguruma -> PCRE2 rewrite, exposed for tests.
std::string translate_onig_pattern(std::string_view pattern);

}  // namespace farsight::tok
