// Python `str` semantics on UTF-8 strings (code-point indexing, str.isspace, strip, split,
// case mapping) and Python's float repr. Reference: CPython 3.11 Objects/unicodeobject.c,
// Python/pystrtod.c (repr = shortest round-trip, exponent when decpt <= -4 or > 16).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace farsight::jinja::py {

// UTF-8 <-> code points. Inputs are valid UTF-8 (checked where strings enter the sandbox).
std::vector<char32_t> decode(std::string_view s);
void append_utf8(std::string& out, char32_t cp);
std::string encode(const std::vector<char32_t>& cps);
bool is_valid_utf8(std::string_view s);
bool is_ascii(std::string_view s);
size_t length(std::string_view s);  // len() in code points

bool is_space(char32_t c);   // str.isspace
bool is_cased_lower(char32_t c);
bool is_cased_upper(char32_t c);
bool is_alpha(char32_t c);
bool is_digit(char32_t c);
bool is_alnum(char32_t c) ;
bool is_word_char(char32_t c);  // regex \w (Unicode)
char32_t to_upper(char32_t c);  // simple case mapping (no ß -> SS expansion besides ß itself)
char32_t to_lower(char32_t c);

std::string upper(std::string_view s);
std::string lower(std::string_view s);
std::string title(std::string_view s);       // str.title
std::string capitalize(std::string_view s);  // str.capitalize
std::string swapcase(std::string_view s);

// chars == nullptr: strip Unicode whitespace; otherwise strip any of the code points in *chars.
std::string strip(std::string_view s, const std::string* chars, bool left, bool right);
std::vector<std::string> split(std::string_view s, const std::string* sep, int64_t maxsplit);
std::vector<std::string> rsplit(std::string_view s, const std::string* sep, int64_t maxsplit);
std::vector<std::string> splitlines(std::string_view s, bool keepends);
std::string replace(std::string_view s, std::string_view old, std::string_view repl, int64_t count);
int64_t count(std::string_view s, std::string_view sub);
// find/rfind on code-point indices; -1 when absent
int64_t find(std::string_view s, std::string_view sub, bool reverse);
std::string center(std::string_view s, int64_t width, char32_t fill = U' ');
std::string ljust(std::string_view s, int64_t width, char32_t fill = U' ');
std::string rjust(std::string_view s, int64_t width, char32_t fill = U' ');

std::string float_repr(double d);           // repr(float)
std::string quote(std::string_view s);      // repr(str), with Python's choice of quotes
}  // namespace farsight::jinja::py
