// Python str semantics on UTF-8 (see pystring.h). Case mapping covers Latin, Greek, Cyrillic,
// Armenian and fullwidth letters with simple one-to-one mappings; that is what chat templates use.
#include "tokenizer/jinja/pystring.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace farsight::jinja::py {

std::vector<char32_t> decode(std::string_view s) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        char32_t cp;
        size_t n;
        if (c < 0x80) { cp = c; n = 1; }
        else if ((c >> 5) == 6) { cp = c & 0x1F; n = 2; }
        else if ((c >> 4) == 14) { cp = c & 0x0F; n = 3; }
        else { cp = c & 0x07; n = 4; }
        for (size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(cp);
        i += n;
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // lone surrogates cannot be encoded
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string encode(const std::vector<char32_t>& cps) {
    std::string out;
    out.reserve(cps.size());
    for (char32_t c : cps) append_utf8(out, c);
    return out;
}

bool is_valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t n;
        char32_t cp;
        if (c < 0x80) { ++i; continue; }
        if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
        else return false;
        if (i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k) {
            auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += n;
    }
    return true;
}

bool is_ascii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

size_t length(std::string_view s) {
    size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

bool is_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

namespace {

// Blocks where upper and lower case alternate (even code point = upper) or sit at a fixed offset.
struct PairRange { char32_t first, last; bool even_upper; };
constexpr PairRange k_pair_ranges[] = {
    {0x0100, 0x012F, true}, {0x0132, 0x0137, true}, {0x0139, 0x0148, false}, {0x014A, 0x0177, true},
    {0x0179, 0x017E, false}, {0x0460, 0x0481, true}, {0x048A, 0x04BF, true}, {0x04C1, 0x04CE, false},
    {0x04D0, 0x052F, true}, {0x1E00, 0x1E95, true}, {0x1EA0, 0x1EFF, true}, {0x03D8, 0x03EF, true},
};

}  // namespace

char32_t to_upper(char32_t c) {
    if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
    if (c == 0xFF) return 0x178;
    if (c == 0xB5) return 0x39C;
    if (c == 0x131) return 'I';
    if (c == 0x17F) return 'S';
    for (const auto& r : k_pair_ranges)
        if (c >= r.first && c <= r.last) {
            bool is_lower = ((c & 1) == 1) == r.even_upper;
            return is_lower ? c - 1 : c;
        }
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
    if (c == 0x3C2) return 0x3A3;
    if (c == 0x3AC) return 0x386;
    if (c >= 0x3AD && c <= 0x3AF) return c - 37;
    if (c == 0x3CC) return 0x38C;
    if (c == 0x3CD || c == 0x3CE) return c - 63;
    if (c >= 0x430 && c <= 0x44F) return c - 32;
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    if (c >= 0x561 && c <= 0x586) return c - 48;
    if (c >= 0xFF41 && c <= 0xFF5A) return c - 32;
    return c;
}

char32_t to_lower(char32_t c) {
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c == 0x178) return 0xFF;
    if (c == 0x130) return 'i';
    for (const auto& r : k_pair_ranges)
        if (c >= r.first && c <= r.last) {
            bool is_upper = ((c & 1) == 0) == r.even_upper;
            return is_upper ? c + 1 : c;
        }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    if (c >= 0x531 && c <= 0x556) return c + 48;
    if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;
    return c;
}

bool is_cased_upper(char32_t c) { return to_lower(c) != c || c == 0x130; }
bool is_cased_lower(char32_t c) { return to_upper(c) != c || c == 0xDF || c == 0xAA || c == 0xBA; }

bool is_alpha(char32_t c) {
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (is_cased_upper(c) || is_cased_lower(c)) return true;
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x05D0 && c <= 0x05EA) || (c >= 0x0620 && c <= 0x064A) ||
           (c >= 0x0904 && c <= 0x0939) || (c >= 0x0E01 && c <= 0x0E30) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x2FA1F);
}

bool is_digit(char32_t c) {
    return (c >= '0' && c <= '9') || (c >= 0x660 && c <= 0x669) || (c >= 0x6F0 && c <= 0x6F9) ||
           (c >= 0x966 && c <= 0x96F) || (c >= 0xFF10 && c <= 0xFF19);
}

bool is_alnum(char32_t c) { return is_alpha(c) || is_digit(c); }
bool is_word_char(char32_t c) { return is_alnum(c) || c == '_'; }

namespace {

template <class F>
std::string map_chars(std::string_view s, F f) {
    std::string out;
    out.reserve(s.size());
    if (is_ascii(s)) {
        for (char c : s) out += static_cast<char>(f(static_cast<char32_t>(c)));
        return out;
    }
    for (char32_t c : decode(s)) append_utf8(out, f(c));
    return out;
}

}  // namespace

std::string upper(std::string_view s) { return map_chars(s, to_upper); }
std::string lower(std::string_view s) { return map_chars(s, to_lower); }
std::string swapcase(std::string_view s) {
    return map_chars(s, [](char32_t c) { return is_cased_upper(c) ? to_lower(c) : to_upper(c); });
}

std::string title(std::string_view s) {
    std::string out;
    bool prev_cased = false;
    for (char32_t c : decode(s)) {
        bool cased = is_cased_upper(c) || is_cased_lower(c);
        append_utf8(out, prev_cased ? to_lower(c) : to_upper(c));
        prev_cased = cased;
    }
    return out;
}

std::string capitalize(std::string_view s) {
    std::string out;
    bool first = true;
    for (char32_t c : decode(s)) {
        append_utf8(out, first ? to_upper(c) : to_lower(c));
        first = false;
    }
    return out;
}

std::string strip(std::string_view s, const std::string* chars, bool left, bool right) {
    std::vector<char32_t> set;
    if (chars) set = decode(*chars);
    auto in_set = [&](char32_t c) {
        if (!chars) return is_space(c);
        for (char32_t x : set)
            if (x == c) return true;
        return false;
    };
    std::vector<char32_t> cps = decode(s);
    size_t b = 0, e = cps.size();
    if (left)
        while (b < e && in_set(cps[b])) ++b;
    if (right)
        while (e > b && in_set(cps[e - 1])) --e;
    return encode(std::vector<char32_t>(cps.begin() + static_cast<std::ptrdiff_t>(b),
                                        cps.begin() + static_cast<std::ptrdiff_t>(e)));
}

std::vector<std::string> split(std::string_view s, const std::string* sep, int64_t maxsplit) {
    std::vector<std::string> out;
    if (sep) {
        size_t pos = 0;
        while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
            size_t hit = s.find(*sep, pos);
            if (hit == std::string_view::npos) break;
            out.emplace_back(s.substr(pos, hit - pos));
            pos = hit + sep->size();
        }
        out.emplace_back(s.substr(pos));
        return out;
    }
    std::vector<char32_t> cps = decode(s);
    size_t i = 0, n = cps.size();
    while (true) {
        while (i < n && is_space(cps[i])) ++i;
        if (i >= n) break;
        if (maxsplit >= 0 && static_cast<int64_t>(out.size()) >= maxsplit) {  // the rest, as is
            out.push_back(encode(std::vector<char32_t>(cps.begin() + static_cast<std::ptrdiff_t>(i), cps.end())));
            break;
        }
        size_t j = i;
        while (j < n && !is_space(cps[j])) ++j;
        out.push_back(encode(std::vector<char32_t>(cps.begin() + static_cast<std::ptrdiff_t>(i),
                                                   cps.begin() + static_cast<std::ptrdiff_t>(j))));
        i = j;
    }
    return out;
}

std::vector<std::string> rsplit(std::string_view s, const std::string* sep, int64_t maxsplit) {
    std::vector<std::string> out;
    if (sep) {
        size_t end = s.size();
        while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
            if (end < sep->size()) break;
            size_t hit = s.rfind(*sep, end - sep->size());
            if (hit == std::string_view::npos) break;
            out.emplace_back(s.substr(hit + sep->size(), end - hit - sep->size()));
            end = hit;
        }
        out.emplace_back(s.substr(0, end));
        return {out.rbegin(), out.rend()};
    }
    std::vector<char32_t> cps = decode(s);
    int64_t i = static_cast<int64_t>(cps.size()) - 1;
    while (true) {
        while (i >= 0 && is_space(cps[static_cast<size_t>(i)])) --i;
        if (i < 0) break;
        if (maxsplit >= 0 && static_cast<int64_t>(out.size()) >= maxsplit) {  // the rest, as is
            out.push_back(encode(std::vector<char32_t>(cps.begin(), cps.begin() + i + 1)));
            break;
        }
        int64_t j = i;
        while (j >= 0 && !is_space(cps[static_cast<size_t>(j)])) --j;
        out.push_back(encode(std::vector<char32_t>(cps.begin() + j + 1, cps.begin() + i + 1)));
        i = j;
    }
    return {out.rbegin(), out.rend()};
}

std::vector<std::string> splitlines(std::string_view s, bool keepends) {
    std::vector<std::string> out;
    std::vector<char32_t> cps = decode(s);
    size_t start = 0, i = 0, n = cps.size();
    while (i < n) {
        char32_t c = cps[i];
        bool brk = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E ||
                   c == 0x85 || c == 0x2028 || c == 0x2029;
        if (!brk) { ++i; continue; }
        size_t eol = i + ((c == '\r' && i + 1 < n && cps[i + 1] == '\n') ? 2 : 1);
        size_t e = keepends ? eol : i;
        out.push_back(encode(std::vector<char32_t>(cps.begin() + static_cast<std::ptrdiff_t>(start),
                                                   cps.begin() + static_cast<std::ptrdiff_t>(e))));
        start = i = eol;
    }
    if (start < n)
        out.push_back(encode(std::vector<char32_t>(cps.begin() + static_cast<std::ptrdiff_t>(start), cps.end())));
    return out;
}

std::string replace(std::string_view s, std::string_view old, std::string_view repl, int64_t count) {
    std::string out;
    if (old.empty()) {  // Python inserts repl before every code point and at the end
        int64_t done = 0;
        std::vector<char32_t> cps = decode(s);
        for (char32_t c : cps) {
            if (count < 0 || done < count) { out += repl; ++done; }
            append_utf8(out, c);
        }
        if (count < 0 || done < count) out += repl;
        return out;
    }
    if (repl.size() > old.size()) out.reserve(s.size() + static_cast<size_t>(py::count(s, old)) * (repl.size() - old.size()));
    else out.reserve(s.size());
    size_t pos = 0;
    int64_t done = 0;
    while (count < 0 || done < count) {
        size_t hit = s.find(old, pos);
        if (hit == std::string_view::npos) break;
        out.append(s.substr(pos, hit - pos));
        out.append(repl);
        pos = hit + old.size();
        ++done;
    }
    out.append(s.substr(pos));
    return out;
}

int64_t count(std::string_view s, std::string_view sub) {
    if (sub.empty()) return static_cast<int64_t>(length(s)) + 1;
    int64_t n = 0;
    for (size_t pos = s.find(sub); pos != std::string_view::npos; pos = s.find(sub, pos + sub.size())) ++n;
    return n;
}

int64_t find(std::string_view s, std::string_view sub, bool reverse) {
    size_t hit = reverse ? s.rfind(sub) : s.find(sub);
    if (hit == std::string_view::npos) return -1;
    return static_cast<int64_t>(length(s.substr(0, hit)));
}

namespace {

std::string pad(std::string_view s, int64_t left, int64_t right, char32_t fill) {
    std::string f;
    append_utf8(f, fill);
    std::string out;
    for (int64_t i = 0; i < left; ++i) out += f;
    out += s;
    for (int64_t i = 0; i < right; ++i) out += f;
    return out;
}

}  // namespace

std::string center(std::string_view s, int64_t width, char32_t fill) {
    int64_t len = static_cast<int64_t>(length(s));
    if (width <= len) return std::string(s);
    int64_t marg = width - len;
    int64_t left = marg / 2 + (marg & width & 1);
    return pad(s, left, marg - left, fill);
}

std::string ljust(std::string_view s, int64_t width, char32_t fill) {
    int64_t len = static_cast<int64_t>(length(s));
    return width <= len ? std::string(s) : pad(s, 0, width - len, fill);
}

std::string rjust(std::string_view s, int64_t width, char32_t fill) {
    int64_t len = static_cast<int64_t>(length(s));
    return width <= len ? std::string(s) : pad(s, width - len, 0, fill);
}

std::string float_repr(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
    if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);  // "-1.2345e+17": shortest round-trip digits
    bool neg = sci[0] == '-';
    if (neg) sci.erase(0, 1);
    size_t epos = sci.find('e');
    std::string digits;
    for (size_t i = 0; i < epos; ++i)
        if (sci[i] != '.') digits += sci[i];
    int exp10 = std::atoi(sci.c_str() + epos + 1);
    int decpt = exp10 + 1;  // position of the decimal point relative to the digits
    int n = static_cast<int>(digits.size());
    std::string out = neg ? "-" : "";
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            out.append("0.").append(static_cast<size_t>(-decpt), '0').append(digits);
        } else if (decpt >= n) {
            out.append(digits).append(static_cast<size_t>(decpt - n), '0').append(".0");
        } else {
            out.append(digits, 0, static_cast<size_t>(decpt)).append(1, '.').append(digits, static_cast<size_t>(decpt));
        }
        return out;
    }
    out += digits[0];
    if (n > 1) out.append(1, '.').append(digits, 1);
    int e = decpt - 1;
    char ebuf[16];
    std::snprintf(ebuf, sizeof(ebuf), "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    return out + ebuf;
}

namespace {

bool is_printable(char32_t c) {
    if (c < 0x20 || (c >= 0x7F && c <= 0xA0)) return false;
    if (c == 0xAD || c == 0x1680 || (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
        (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) ||
        c == 0xFFFE || c == 0xFFFF)
        return false;
    if ((c >= 0x600 && c <= 0x605) || c == 0x61C || c == 0x6DD || c == 0x70F || c == 0x180E) return false;
    if ((c >= 0xD800 && c <= 0xF8FF) || c >= 0xF0000 || (c >= 0xE0000 && c <= 0xE0FFF)) return false;
    return true;
}

}  // namespace

std::string quote(std::string_view s) {
    bool has_single = s.find('\'') != std::string_view::npos;
    bool has_double = s.find('"') != std::string_view::npos;
    char q = (has_single && !has_double) ? '"' : '\'';
    std::string out(1, q);
    for (char32_t c : decode(s)) {
        if (c == static_cast<char32_t>(q) || c == '\\') { out += '\\'; out += static_cast<char>(c); }
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (is_printable(c)) append_utf8(out, c);
        else {
            char buf[16];
            if (c < 0x100) std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned>(c));
            else if (c < 0x10000) std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
            else std::snprintf(buf, sizeof(buf), "\\U%08x", static_cast<unsigned>(c));
            out += buf;
        }
    }
    out += q;
    return out;
}

}  // namespace farsight::jinja::py
