// Lexer for the chat-template Jinja subset, reproducing jinja2 3.1's lexer.py with the
// environment transformers uses (trim_blocks=True, lstrip_blocks=True, default delimiters,
// keep_trailing_newline=False): `{%- -%}`/`{{- -}}`/`{#- -#}` and `+` whitespace control,
// `{% raw %}`, Python string escapes, int/float literals with `_` separators.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace farsight::jinja {

enum class Tok : uint8_t {
    data, variable_begin, variable_end, block_begin, block_end, name, string, integer, floating,
    add, sub, div, floordiv, mul, mod, pow, tilde, lbracket, rbracket, lparen, rparen, lbrace, rbrace,
    eq, ne, gt, gteq, lt, lteq, assign, dot, colon, pipe, comma, semicolon, eof,
};

struct Token {
    Tok type;
    uint32_t pos;      // byte offset in the normalized source
    std::string text;  // data, name, decoded string literal
    int64_t ival = 0;
    double fval = 0;
};

// Newlines normalized to "\n" and one trailing newline removed, as jinja2 does before lexing.
std::string normalize_source(std::string_view source);
// 1-based line and column (in code points) of a byte offset, for error messages.
std::string describe_position(std::string_view source, size_t pos);
const char* token_name(Tok t);

// Tokenizes a normalized source. Throws TemplateError (invalid_argument) on a lexical error.
std::vector<Token> tokenize(const std::string& source);

}  // namespace farsight::jinja
