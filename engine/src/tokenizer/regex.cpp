// PCRE2 wrapper with Oniguruma (Ruby syntax) semantics; see regex.h. The character sets below were checked
// against HF tokenizers 0.23.3 over every code point (tests/engine/tokenizer/test_regex.cpp keeps them so).
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/regex.h"

#include <pcre2.h>

#include "tokenizer/unicode.h"

namespace farsight::tok {
namespace {

// Oniguruma's \s is Unicode White_Space (U+0085 included).
constexpr std::string_view kSpace =
    "\\t-\\r\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}";
constexpr std::string_view kNotSpace =
    "\\x{0}-\\x{8}\\x{e}-\\x{1f}\\x{21}-\\x{84}\\x{86}-\\x{9f}\\x{a1}-\\x{167f}\\x{1681}-\\x{1fff}"
    "\\x{200b}-\\x{2027}\\x{202a}-\\x{202e}\\x{2030}-\\x{205e}\\x{2060}-\\x{2fff}\\x{3001}-\\x{10ffff}";
// Oniguruma's \w: Alphabetic | Mark | Nd | Pc (PCRE2's own \w is L | N | '_'). A bare \w also takes the
// Latin-1 digits/fractions U+00B2 U+00B3 U+00B9 U+00BC-U+00BE; inside a bracket class it does not.
constexpr std::string_view kWordInClass = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}";
constexpr std::string_view kWord = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{b2}\\x{b3}\\x{b9}\\x{bc}-\\x{be}";
// Ruby syntax: \h is a hex digit, not horizontal space.
constexpr std::string_view kHex = "0-9a-fA-F";
constexpr std::string_view kNotHex = "\\x{0}-/:-@G-`g-\\x{10ffff}";

constexpr uint32_t kMatchLimit = 20'000'000;
constexpr uint32_t kDepthLimit = 100'000;
constexpr uint32_t kHeapLimitKiB = 256 * 1024;

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

void append_class(std::string& out, bool in_class, bool negate, std::string_view body) {
    if (in_class) {
        out += body;
        return;
    }
    out += negate ? "[^" : "[";
    out += body;
    out += ']';
}

// Per-thread PCRE2 match state: the JIT stack and match data must not be shared between threads.
struct MatchScratch {
    pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    pcre2_jit_stack* jit_stack = pcre2_jit_stack_create(32 * 1024, 16 * 1024 * 1024, nullptr);
    MatchScratch() {
        if (context != nullptr) {
            if (jit_stack != nullptr) pcre2_jit_stack_assign(context, nullptr, jit_stack);
            pcre2_set_match_limit(context, kMatchLimit);
            pcre2_set_depth_limit(context, kDepthLimit);
            pcre2_set_heap_limit(context, kHeapLimitKiB);
        }
    }
    ~MatchScratch() {
        pcre2_jit_stack_free(jit_stack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(data);
    }
    MatchScratch(const MatchScratch&) = delete;
    MatchScratch& operator=(const MatchScratch&) = delete;
};

MatchScratch& scratch() {
    thread_local MatchScratch s;
    return s;
}

}  // namespace

struct Regex::Code {
    pcre2_code* code = nullptr;
    Code() = default;
    Code(const Code&) = delete;
    Code& operator=(const Code&) = delete;
    ~Code() { pcre2_code_free(code); }
};

std::string translate_onig_pattern(std::string_view p) {
    std::string out;
    out.reserve(p.size() * 2);
    bool in_class = false;
    std::size_t i = 0;
    const std::size_t n = p.size();
    while (i < n) {
        const char c = p[i];
        if (c == '\\' && i + 1 < n) {
            const char e = p[i + 1];
            switch (e) {
            case 's': append_class(out, in_class, false, kSpace); i += 2; continue;
            case 'S':
                if (in_class) out += kNotSpace;
                else append_class(out, false, true, kSpace);
                i += 2;
                continue;
            case 'w': append_class(out, in_class, false, in_class ? kWordInClass : kWord); i += 2; continue;
            case 'W':
                // A negated union cannot be written inside a class; PCRE2's own \W is the nearest there.
                if (in_class) out += "\\W";
                else append_class(out, false, true, kWord);
                i += 2;
                continue;
            case 'h': append_class(out, in_class, false, kHex); i += 2; continue;
            case 'H':
                if (in_class) out += kNotHex;
                else append_class(out, false, true, kHex);
                i += 2;
                continue;
            case 'u':
                if (i + 6 <= n && is_hex(p[i + 2]) && is_hex(p[i + 3]) && is_hex(p[i + 4]) &&
                    is_hex(p[i + 5])) {
                    out += "\\x{";
                    out.append(p.substr(i + 2, 4));
                    out += '}';
                    i += 6;
                    continue;
                }
                break;
            case 'p':
            case 'P':
            case 'x':
                if (i + 2 < n && p[i + 2] == '{') {
                    const std::size_t close = p.find('}', i + 2);
                    if (close != std::string_view::npos) {
                        out.append(p.substr(i, close + 1 - i));
                        i = close + 1;
                        continue;
                    }
                }
                break;
            default: break;
            }
            out += c;
            out += e;
            i += 2;
            continue;
        }
        if (!in_class && c == '[') {
            in_class = true;
            out += c;
            ++i;
            if (i < n && p[i] == '^') out += p[i++];
            if (i < n && p[i] == ']') out += p[i++];  // a leading ']' is a literal
            continue;
        }
        if (in_class && c == '[' && i + 1 < n && p[i + 1] == ':') {
            const std::size_t close = p.find(":]", i + 2);
            if (close != std::string_view::npos) {
                out.append(p.substr(i, close + 2 - i));
                i = close + 2;
                continue;
            }
        }
        if (in_class && c == ']') in_class = false;
        out += c;
        ++i;
    }
    return out;
}

namespace {

Result<std::shared_ptr<const Regex::Code>> compile_raw(std::string_view pattern, uint32_t options) {
    pcre2_compile_context* cc = pcre2_compile_context_create(nullptr);
    if (cc == nullptr) return Status(ErrorCode::out_of_memory, "pcre2 compile context");
    pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
    int err = 0;
    PCRE2_SIZE offset = 0;
    auto holder = std::make_shared<Regex::Code>();
    holder->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &err,
                                 &offset, cc);
    pcre2_compile_context_free(cc);
    if (holder->code == nullptr) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(err, buf, sizeof buf);
        return Status(ErrorCode::bad_config, "regex does not compile at offset " + std::to_string(offset) + ": " +
                                                 reinterpret_cast<const char*>(buf));
    }
    // Without JIT (unsupported CPU, no executable memory) pcre2_match falls back to the interpreter.
    pcre2_jit_compile(holder->code, PCRE2_JIT_COMPLETE);
    return std::shared_ptr<const Regex::Code>(std::move(holder));
}

}  // namespace

Result<Regex> Regex::compile(std::string_view onig_pattern) {
    if (!is_valid_utf8(onig_pattern)) return Status(ErrorCode::bad_config, "regex pattern is not valid UTF-8");
    auto code = compile_raw(translate_onig_pattern(onig_pattern), PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE);
    if (!code.ok()) return code.status().with_context("pattern '" + std::string(onig_pattern) + "'");
    Regex r;
    r.m_code = std::move(code).value();
    r.m_source = std::string(onig_pattern);
    return r;
}

Result<Regex> Regex::compile_pcre2(std::string_view pattern) {
    auto code = compile_raw(pattern, PCRE2_UTF | PCRE2_UCP);
    if (!code.ok()) return code.status().with_context("pattern '" + std::string(pattern) + "'");
    Regex r;
    r.m_code = std::move(code).value();
    r.m_source = std::string(pattern);
    return r;
}

Result<Regex> Regex::literal(std::string_view text) {
    if (!is_valid_utf8(text)) return Status(ErrorCode::bad_config, "pattern string is not valid UTF-8");
    // PCRE2_LITERAL takes no UCP/MULTILINE, which a literal does not need.
    auto code = compile_raw(text, PCRE2_UTF | PCRE2_LITERAL);
    if (!code.ok()) return code.status();
    Regex r;
    r.m_code = std::move(code).value();
    r.m_source = std::string(text);
    return r;
}

Status Regex::find_all(std::string_view subject, std::vector<Match>& out) const {
    MatchScratch& s = scratch();
    if (s.data == nullptr || s.context == nullptr) return Status(ErrorCode::out_of_memory, "pcre2 match state");
    // HF's Pattern::find_matches never reports a match in an empty string, even for patterns that match "".
    if (subject.empty()) return {};
    const auto* subj = reinterpret_cast<PCRE2_SPTR>(subject.data());
    const std::size_t n = subject.size();
    std::size_t last_end = 0;
    bool have_last = false;
    std::size_t last_match_end = 0;
    while (last_end <= n) {
        const int rc = pcre2_match(m_code->code, subj, n, last_end, PCRE2_NO_UTF_CHECK, s.data, s.context);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
                rc == PCRE2_ERROR_JIT_STACKLIMIT) {
                return Status(ErrorCode::limit_exceeded,
                              "tokenizer regex '" + m_source + "' hit its backtracking limit on a " +
                                  std::to_string(n) + "-byte piece of text");
            }
            PCRE2_UCHAR buf[256];
            pcre2_get_error_message(rc, buf, sizeof buf);
            return Status(ErrorCode::internal, std::string("pcre2_match: ") + reinterpret_cast<const char*>(buf));
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(s.data);
        const std::size_t b = ov[0], e = ov[1];
        if (b == e && have_last && b == last_match_end) {
            if (last_end >= n) break;
            last_end += utf8_len(static_cast<unsigned char>(subject[last_end]));
            continue;
        }
        last_end = e < last_end ? last_end + 1 : e;  // \K could report an end before the start
        have_last = true;
        last_match_end = e;
        out.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
    }
    return {};
}

}  // namespace farsight::tok
