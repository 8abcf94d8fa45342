// Lexer (see lexer.h). Reference: jinja2 3.1 lexer.py (Lexer.__init__ rules, tokeniter's
// OptionalLStrip handling for lstrip_blocks, balancing stack for braces inside tags).
#include "tokenizer/jinja/lexer.h"

#include <cerrno>
#include <cstdlib>

#include "tokenizer/jinja/pystring.h"
#include "tokenizer/jinja/value.h"

namespace farsight::jinja {

std::string normalize_source(std::string_view source) {
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        char c = source[i];
        if (c == '\r') {
            out += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            out += c;
        }
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

std::string describe_position(std::string_view source, size_t pos) {
    if (pos > source.size()) pos = source.size();
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < pos; ++i)
        if (source[i] == '\n') { ++line; line_start = i + 1; }
    size_t col = py::length(source.substr(line_start, pos - line_start)) + 1;
    return std::to_string(line) + ":" + std::to_string(col);
}

const char* token_name(Tok t) {
    switch (t) {
        case Tok::data: return "template data";
        case Tok::variable_begin: return "begin of print statement";
        case Tok::variable_end: return "end of print statement";
        case Tok::block_begin: return "begin of statement block";
        case Tok::block_end: return "end of statement block";
        case Tok::name: return "name";
        case Tok::string: return "string";
        case Tok::integer: return "integer";
        case Tok::floating: return "float";
        case Tok::add: return "'+'";
        case Tok::sub: return "'-'";
        case Tok::div: return "'/'";
        case Tok::floordiv: return "'//'";
        case Tok::mul: return "'*'";
        case Tok::mod: return "'%'";
        case Tok::pow: return "'**'";
        case Tok::tilde: return "'~'";
        case Tok::lbracket: return "'['";
        case Tok::rbracket: return "']'";
        case Tok::lparen: return "'('";
        case Tok::rparen: return "')'";
        case Tok::lbrace: return "'{'";
        case Tok::rbrace: return "'}'";
        case Tok::eq: return "'=='";
        case Tok::ne: return "'!='";
        case Tok::gt: return "'>'";
        case Tok::gteq: return "'>='";
        case Tok::lt: return "'<'";
        case Tok::lteq: return "'<='";
        case Tok::assign: return "'='";
        case Tok::dot: return "'.'";
        case Tok::colon: return "':'";
        case Tok::pipe: return "'|'";
        case Tok::comma: return "','";
        case Tok::semicolon: return "';'";
        case Tok::eof: return "end of template";
    }
    return "token";
}

namespace {

class Lexer {
public:
    explicit Lexer(const std::string& src) : m_src(src), m_n(src.size()) { m_tokens.reserve(src.size() / 8 + 16); }

    std::vector<Token> run() {
        while (m_pos < m_n) root_step();
        push(Tok::eof, static_cast<uint32_t>(m_n));
        return std::move(m_tokens);
    }

private:
    [[noreturn]] void error(size_t pos, const std::string& msg) const {
        fail(ErrorCode::invalid_argument, "template syntax error at " + describe_position(m_src, pos) + ": " + msg);
    }

    void push(Tok t, uint32_t pos, std::string text = {}) { m_tokens.push_back(Token{t, pos, std::move(text)}); }

    // Unicode whitespace (Python's \s) length at byte offset i, 0 if none.
    size_t space_len(size_t i) const {
        if (i >= m_n) return 0;
        auto c = static_cast<unsigned char>(m_src[i]);
        if (c < 0x80) return py::is_space(c) ? 1 : 0;
        size_t n = (c >> 5) == 6 ? 2 : ((c >> 4) == 14 ? 3 : 4);
        if (i + n > m_n) return 0;
        char32_t cp = py::decode(std::string_view(m_src).substr(i, n))[0];
        return py::is_space(cp) ? n : 0;
    }
    size_t skip_spaces(size_t i) const {
        while (size_t l = space_len(i)) i += l;
        return i;
    }
    bool starts(size_t i, std::string_view s) const { return m_src.compare(i, s.size(), s) == 0; }

    // Data before a tag: '-' strips all trailing whitespace; otherwise lstrip_blocks removes the
    // whitespace between the last newline (or a line start) and a block/comment tag.
    std::string strip_before_tag(std::string text, char sign, bool is_variable) const {
        if (sign == '-') {
            return py::strip(text, nullptr, false, true);
        }
        if (sign != '+' && !is_variable) {
            size_t nl = text.rfind('\n');
            size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
            if ((l_pos > 0 || m_line_starting) && l_pos < text.size()) {
                std::string tail = text.substr(l_pos);
                bool all_space = true;
                for (char32_t c : py::decode(tail))
                    if (!py::is_space(c)) { all_space = false; break; }
                if (all_space) text.resize(l_pos);
            }
        }
        return text;
    }

    // Matches a block end at i ("+%}", "-%}\s*", "%}\n?"); returns the end offset or npos.
    size_t block_end_at(size_t i) const {
        if (starts(i, "+%}")) return i + 3;
        if (starts(i, "-%}")) return skip_spaces(i + 3);
        if (starts(i, "%}")) return (i + 2 < m_n && m_src[i + 2] == '\n') ? i + 3 : i + 2;
        return std::string::npos;
    }

    void root_step() {
        size_t tag = m_pos;
        while (true) {
            tag = m_src.find('{', tag);
            if (tag == std::string::npos || tag + 1 >= m_n) { tag = std::string::npos; break; }
            char k = m_src[tag + 1];
            if (k == '%' || k == '{' || k == '#') break;
            ++tag;
        }
        if (tag == std::string::npos) {
            push(Tok::data, static_cast<uint32_t>(m_pos), m_src.substr(m_pos));
            m_pos = m_n;
            return;
        }
        char kind = m_src[tag + 1];
        char sign = (tag + 2 < m_n && (m_src[tag + 2] == '-' || m_src[tag + 2] == '+')) ? m_src[tag + 2] : 0;
        size_t after = tag + 2 + (sign ? 1 : 0);
        size_t raw_end = kind == '%' ? raw_begin_end(after) : std::string::npos;

        std::string text = strip_before_tag(m_src.substr(m_pos, tag - m_pos), sign, kind == '{');
        if (!text.empty()) push(Tok::data, static_cast<uint32_t>(m_pos), std::move(text));
        m_line_starting = false;

        if (raw_end != std::string::npos) {
            lex_raw(raw_end);
        } else if (kind == '#') {
            lex_comment(after);
        } else {
            lex_tag(after, kind == '%', static_cast<uint32_t>(tag));
        }
    }

    // "{%[-+]? \s* raw \s* (-%}\s* | %})": returns the offset after the raw tag, or npos.
    size_t raw_begin_end(size_t i) const {
        i = skip_spaces(i);
        if (!starts(i, "raw")) return std::string::npos;
        i = skip_spaces(i + 3);
        if (starts(i, "-%}")) return skip_spaces(i + 3);
        if (starts(i, "%}")) return i + 2;
        return std::string::npos;
    }

    void lex_raw(size_t body_start) {
        for (size_t at = m_src.find("{%", body_start); at != std::string::npos; at = m_src.find("{%", at + 1)) {
            size_t i = at + 2;
            char sign = (i < m_n && (m_src[i] == '-' || m_src[i] == '+')) ? m_src[i] : 0;
            if (sign) ++i;
            i = skip_spaces(i);
            if (!starts(i, "endraw")) continue;
            i = skip_spaces(i + 6);
            size_t end = block_end_at(i);
            if (end == std::string::npos) continue;
            std::string text = strip_before_tag(m_src.substr(body_start, at - body_start), sign, false);
            if (!text.empty()) push(Tok::data, static_cast<uint32_t>(body_start), std::move(text));
            m_line_starting = end > 0 && m_src[end - 1] == '\n';
            m_pos = end;
            return;
        }
        error(body_start, "Missing end of raw directive");
    }

    void lex_comment(size_t i) {
        size_t j = m_src.find("#}", i);
        if (j == std::string::npos) error(i, "Missing end of comment tag");
        size_t end = j + 2;
        char before = j > i ? m_src[j - 1] : 0;
        if (before == '-') end = skip_spaces(end);
        else if (before != '+' && end < m_n && m_src[end] == '\n') ++end;
        m_line_starting = m_src[end - 1] == '\n';
        m_pos = end;
    }

    void lex_tag(size_t i, bool is_block, uint32_t tag_pos) {
        push(is_block ? Tok::block_begin : Tok::variable_begin, tag_pos);
        std::vector<char> balance;
        while (true) {
            if (i >= m_n) {  // jinja2 just stops; the parser reports the missing end
                m_pos = m_n;
                return;
            }
            if (balance.empty()) {
                size_t end = std::string::npos;
                if (is_block) end = block_end_at(i);
                else if (starts(i, "-}}")) end = skip_spaces(i + 3);
                else if (starts(i, "}}")) end = i + 2;
                if (end != std::string::npos) {
                    push(is_block ? Tok::block_end : Tok::variable_end, static_cast<uint32_t>(i));
                    m_line_starting = m_src[end - 1] == '\n';
                    m_pos = end;
                    return;
                }
            }
            if (size_t l = space_len(i)) { i = skip_spaces(i + l); continue; }
            if (size_t e = match_float(i); e) { push_number(i, e, true); i = e; continue; }
            if (size_t e = match_integer(i); e) { push_number(i, e, false); i = e; continue; }
            if (size_t e = match_name(i); e) {
                push(Tok::name, static_cast<uint32_t>(i), m_src.substr(i, e - i));
                i = e;
                continue;
            }
            char c = m_src[i];
            if (c == '\'' || c == '"') {
                if (size_t e = lex_string(i); e) { i = e; continue; }
            }
            i = lex_operator(i, balance);
        }
    }

    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    // (\d+_)*\d+ : returns the end offset, 0 when there is no digit at i.
    size_t digits(size_t i) const {
        if (i >= m_n || !is_digit(m_src[i])) return 0;
        size_t j = i;
        while (true) {
            while (j < m_n && is_digit(m_src[j])) ++j;
            if (j + 1 < m_n && m_src[j] == '_' && is_digit(m_src[j + 1])) { ++j; continue; }
            return j;
        }
    }

    size_t match_float(size_t i) const {
        if (i > 0 && m_src[i - 1] == '.') return 0;
        size_t j = digits(i);
        if (!j) return 0;
        size_t frac_end = 0;
        if (j < m_n && m_src[j] == '.') frac_end = digits(j + 1);
        size_t k = frac_end ? frac_end : j;
        if (k < m_n && (m_src[k] == 'e' || m_src[k] == 'E')) {
            size_t e = k + 1;
            if (e < m_n && (m_src[e] == '+' || m_src[e] == '-')) ++e;
            if (size_t ed = digits(e)) return ed;
        }
        return frac_end;  // a float needs a fractional part or an exponent
    }

    size_t match_integer(size_t i) const {
        if (!is_digit(m_src[i])) return 0;
        if (m_src[i] == '0' && i + 1 < m_n) {
            char p = static_cast<char>(m_src[i + 1] | 0x20);
            auto valid = [&](char c) {
                c = static_cast<char>(c | 0x20);
                if (p == 'b') return c == '0' || c == '1';
                if (p == 'o') return c >= '0' && c <= '7';
                return is_digit(c) || (c >= 'a' && c <= 'f');
            };
            if (p == 'b' || p == 'o' || p == 'x') {
                size_t j = i + 2, e = 0;
                while (j < m_n) {
                    if (m_src[j] == '_' && j + 1 < m_n && valid(m_src[j + 1])) j += 2;
                    else if (valid(m_src[j])) ++j;
                    else break;
                    e = j;
                }
                if (e) return e;
            }
            size_t j = i + 1;  // 0(_?0)*
            while (j < m_n) {
                if (m_src[j] == '0') ++j;
                else if (m_src[j] == '_' && j + 1 < m_n && m_src[j + 1] == '0') j += 2;
                else break;
            }
            return j;
        }
        size_t j = i + 1;
        while (j < m_n) {
            if (is_digit(m_src[j])) ++j;
            else if (m_src[j] == '_' && j + 1 < m_n && is_digit(m_src[j + 1])) j += 2;
            else break;
        }
        return j;
    }

    size_t match_name(size_t i) const {
        auto start = [](unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; };
        auto cont = [&](unsigned char c) { return start(c) || is_digit(static_cast<char>(c)); };
        if (!start(static_cast<unsigned char>(m_src[i]))) return 0;
        if (static_cast<unsigned char>(m_src[i]) >= 0x80) {  // identifiers may be Unicode letters
            char32_t cp = py::decode(std::string_view(m_src).substr(i, 4))[0];
            if (!py::is_alpha(cp)) return 0;
        }
        size_t j = i + 1;
        while (j < m_n && cont(static_cast<unsigned char>(m_src[j]))) ++j;
        return j;
    }

    void push_number(size_t b, size_t e, bool is_float) {
        std::string lit;
        for (size_t k = b; k < e; ++k)
            if (m_src[k] != '_') lit += m_src[k];
        Token t{is_float ? Tok::floating : Tok::integer, static_cast<uint32_t>(b), {}};
        errno = 0;
        if (is_float) {
            t.fval = std::strtod(lit.c_str(), nullptr);
        } else {
            int base = 10;
            std::string digits = lit;
            if (lit.size() > 2 && lit[0] == '0' && (lit[1] | 0x20) != '0') {
                char p = static_cast<char>(lit[1] | 0x20);
                base = p == 'x' ? 16 : (p == 'o' ? 8 : 2);
                digits = lit.substr(2);
            }
            t.ival = std::strtoll(digits.c_str(), nullptr, base);
            if (errno == ERANGE) error(b, "integer literal out of the 64-bit range");
        }
        m_tokens.push_back(std::move(t));
    }

    static int hex_val(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        c = static_cast<char>(c | 0x20);
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    }

    // Python's unicode-escape decoding of a string literal; returns the end offset, 0 if unterminated.
    size_t lex_string(size_t i) {
        char q = m_src[i];
        size_t j = i + 1;
        while (j < m_n && m_src[j] != q) j += (m_src[j] == '\\' && j + 1 < m_n) ? 2 : 1;
        if (j >= m_n) return 0;
        std::string out;
        for (size_t k = i + 1; k < j;) {
            char c = m_src[k];
            if (c != '\\') { out += c; ++k; continue; }
            char e = m_src[k + 1];
            k += 2;
            switch (e) {
                case '\n': break;
                case '\\': out += '\\'; break;
                case '\'': out += '\''; break;
                case '"': out += '"'; break;
                case 'a': out += '\a'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'v': out += '\v'; break;
                case 'x': case 'u': case 'U': {
                    size_t n = e == 'x' ? 2 : (e == 'u' ? 4 : 8);
                    char32_t cp = 0;
                    for (size_t d = 0; d < n; ++d) {
                        int v = k + d < j ? hex_val(m_src[k + d]) : -1;
                        if (v < 0) error(k - 2, std::string("truncated \\") + e + " escape");
                        cp = cp * 16 + static_cast<char32_t>(v);
                    }
                    if (cp > 0x10FFFF) error(k - 2, "illegal Unicode character");
                    py::append_utf8(out, cp);
                    k += n;
                    break;
                }
                case 'N': error(k - 2, "\\N{...} escapes are not supported");
                default:
                    if (e >= '0' && e <= '7') {
                        char32_t cp = static_cast<char32_t>(e - '0');
                        for (int d = 0; d < 2 && k < j && m_src[k] >= '0' && m_src[k] <= '7'; ++d, ++k)
                            cp = cp * 8 + static_cast<char32_t>(m_src[k] - '0');
                        py::append_utf8(out, cp);
                    } else {
                        out += '\\';
                        out += e;
                    }
            }
        }
        push(Tok::string, static_cast<uint32_t>(i), std::move(out));
        return j + 1;
    }

    size_t lex_operator(size_t i, std::vector<char>& balance) {
        static const struct { const char* s; Tok t; } ops[] = {
            {"//", Tok::floordiv}, {"**", Tok::pow}, {"==", Tok::eq}, {"!=", Tok::ne}, {">=", Tok::gteq},
            {"<=", Tok::lteq}, {"+", Tok::add}, {"-", Tok::sub}, {"/", Tok::div}, {"*", Tok::mul},
            {"%", Tok::mod}, {"~", Tok::tilde}, {"[", Tok::lbracket}, {"]", Tok::rbracket}, {"(", Tok::lparen},
            {")", Tok::rparen}, {"{", Tok::lbrace}, {"}", Tok::rbrace}, {">", Tok::gt}, {"<", Tok::lt},
            {"=", Tok::assign}, {".", Tok::dot}, {":", Tok::colon}, {"|", Tok::pipe}, {",", Tok::comma},
            {";", Tok::semicolon},
        };
        for (const auto& op : ops) {
            if (!starts(i, op.s)) continue;
            char c = op.s[0];
            if (op.s[1] == 0) {
                if (c == '{') balance.push_back('}');
                else if (c == '(') balance.push_back(')');
                else if (c == '[') balance.push_back(']');
                else if (c == '}' || c == ')' || c == ']') {
                    if (balance.empty()) error(i, std::string("unexpected '") + c + "'");
                    if (balance.back() != c)
                        error(i, std::string("unexpected '") + c + "', expected '" + balance.back() + "'");
                    balance.pop_back();
                }
            }
            push(op.t, static_cast<uint32_t>(i));
            return i + std::char_traits<char>::length(op.s);
        }
        std::string ch;
        py::append_utf8(ch, py::decode(std::string_view(m_src).substr(i, 4))[0]);
        error(i, "unexpected char " + py::quote(ch));
    }

    const std::string& m_src;
    size_t m_n;
    size_t m_pos = 0;
    bool m_line_starting = true;
    std::vector<Token> m_tokens;
};

}  // namespace

std::vector<Token> tokenize(const std::string& source) { return Lexer(source).run(); }

}  // namespace farsight::jinja
