// Python string formatting: `str % args` (printf-style, PyUnicode_Format) and str.format with the
// format mini-language (Python/formatter_unicode.c) for str, int and float; field lookups go
// through the sandbox's getattr/getitem, as jinja2's SandboxedFormatter does.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/evaluator.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

// printf-style formatting: %[(key)][flags][width][.precision]type
std::string percent_format(Evaluator& e, const std::string& fmt, const Value& args) {
    std::vector<Value> positional;
    const DictData* mapping = nullptr;
    if (args.is_tuple()) positional = args.items();
    else if (args.is_dict()) { mapping = &args.as_dict(); positional.push_back(args); }
    else positional.push_back(args);
    size_t next_arg = 0;
    std::string out;
    auto take = [&]() -> const Value& {
        if (next_arg >= positional.size()) type_error("not enough arguments for format string");
        return positional[next_arg++];
    };
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%') { out += fmt[i]; continue; }
        if (++i >= fmt.size()) type_error("incomplete format");
        const Value* arg = nullptr;
        if (fmt[i] == '(') {
            size_t close = fmt.find(')', i);
            if (close == std::string::npos) type_error("incomplete format key");
            if (!mapping) type_error("format requires a mapping");
            const Value* v = mapping->find(Value::str(fmt.substr(i + 1, close - i - 1)));
            if (!v) type_error("KeyError: " + py::quote(fmt.substr(i + 1, close - i - 1)));
            arg = v;
            i = close + 1;
        }
        std::string flags;
        while (i < fmt.size() && std::string_view("-+ #0").find(fmt[i]) != std::string_view::npos) flags += fmt[i++];
        std::string width, precision;
        if (i < fmt.size() && fmt[i] == '*') { width = std::to_string(int_arg(take(), "* width")); ++i; }
        while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) width += fmt[i++];
        bool has_precision = false;
        if (i < fmt.size() && fmt[i] == '.') {
            has_precision = true;
            ++i;
            if (i < fmt.size() && fmt[i] == '*') { precision = std::to_string(int_arg(take(), "* precision")); ++i; }
            while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) precision += fmt[i++];
            if (precision.empty()) precision = "0";
        }
        while (i < fmt.size() && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L')) ++i;
        if (i >= fmt.size()) type_error("incomplete format");
        char conv = fmt[i];
        if (conv == '%') { out += '%'; continue; }
        const Value& v = arg ? *arg : take();
        std::string piece;
        char buf[512];
        std::string cfmt = "%" + flags + width + (has_precision ? "." + precision : "");
        switch (conv) {
            case 's': case 'r': case 'a': {
                piece = conv == 's' ? to_str(v) : repr(v);
                if (has_precision) {
                    std::vector<char32_t> cps = py::decode(piece);
                    size_t p = static_cast<size_t>(std::stoll(precision));
                    if (cps.size() > p) { cps.resize(p); piece = py::encode(cps); }
                }
                int64_t w = width.empty() ? 0 : std::stoll(width);
                piece = flags.find('-') != std::string::npos ? py::ljust(piece, w) : py::rjust(piece, w);
                break;
            }
            case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c': {
                if (conv == 'c') {
                    if (v.is_string()) piece = v.as_string();
                    else py::append_utf8(piece, static_cast<char32_t>(int_arg(v, "%c")));
                    break;
                }
                int64_t n;
                if (v.is_float()) n = static_cast<int64_t>(v.as_float());
                else if (v.is_integral()) n = v.int_value();
                else type_error(std::string("%") + conv + " format: a real number is required, not " + type_name(v));
                char c = conv == 'i' || conv == 'u' ? 'd' : conv;
                std::snprintf(buf, sizeof(buf), (cfmt + "ll" + c).c_str(), static_cast<long long>(n));
                piece = buf;
                break;
            }
            case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
                if (!v.is_number()) type_error("must be real number, not " + type_name(v));
                std::snprintf(buf, sizeof(buf), (cfmt + conv).c_str(), v.number_value());
                piece = buf;
                break;
            }
            default: type_error(std::string("unsupported format character '") + conv + "'");
        }
        out += piece;
        e.check_size(out.size());
    }
    // CPython skips this check when the argument supports item access (a mapping, or a list/range).
    bool mapping_like = args.is_dict() || args.is_undefined() || (args.is_indexable_list() && !args.is_tuple());
    if (!mapping_like && next_arg < positional.size()) type_error("not all arguments converted during string formatting");
    return out;
}

namespace {

std::string group_digits(std::string digits, char sep) {
    std::string out;
    int n = 0;
    for (size_t i = digits.size(); i-- > 0;) {
        if (n && n % 3 == 0) out += sep;
        out += digits[i];
        ++n;
    }
    return {out.rbegin(), out.rend()};
}

// Python's format(value, spec) for str, int and float.
std::string format_value(const Value& v, const std::string& spec) {
    if (spec.empty()) return to_str(v);
    size_t i = 0;
    char32_t fill = U' ';
    char align = 0;
    std::vector<char32_t> cps = py::decode(spec);
    auto is_align = [](char32_t c) { return c == '<' || c == '>' || c == '^' || c == '='; };
    if (cps.size() >= 2 && is_align(cps[1])) { fill = cps[0]; align = static_cast<char>(cps[1]); i = 2; }
    else if (!cps.empty() && is_align(cps[0])) { align = static_cast<char>(cps[0]); i = 1; }
    char sign = '-';
    if (i < cps.size() && (cps[i] == '+' || cps[i] == '-' || cps[i] == ' ')) sign = static_cast<char>(cps[i++]);
    bool alt = false;
    if (i < cps.size() && cps[i] == '#') { alt = true; ++i; }
    if (i < cps.size() && cps[i] == '0') {
        if (!align) { fill = U'0'; align = '='; }
        ++i;
    }
    int64_t width = 0;
    while (i < cps.size() && cps[i] >= '0' && cps[i] <= '9') width = width * 10 + (cps[i++] - '0');
    char grouping = 0;
    if (i < cps.size() && (cps[i] == ',' || cps[i] == '_')) grouping = static_cast<char>(cps[i++]);
    int precision = -1;
    if (i < cps.size() && cps[i] == '.') {
        ++i;
        precision = 0;
        while (i < cps.size() && cps[i] >= '0' && cps[i] <= '9') precision = precision * 10 + static_cast<int>(cps[i++] - '0');
    }
    char type = i < cps.size() ? static_cast<char>(cps[i++]) : 0;
    if (i != cps.size()) type_error("Invalid format specifier");

    std::string body, prefix;
    if (v.is_string()) {
        if (type && type != 's') type_error(std::string("Unknown format code '") + type + "' for object of type 'str'");
        body = v.as_string();
        if (precision >= 0) {
            std::vector<char32_t> b = py::decode(body);
            if (b.size() > static_cast<size_t>(precision)) { b.resize(static_cast<size_t>(precision)); body = py::encode(b); }
        }
        if (!align) align = '<';
    } else if (v.is_number()) {
        bool as_int = v.is_integral() && (type == 0 || std::string_view("bcdoxXn").find(type) != std::string_view::npos);
        double d = v.number_value();
        bool neg;
        if (as_int) {
            int64_t n = v.int_value();
            neg = n < 0;
            uint64_t u = neg ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
            char buf[80];
            switch (type) {
                case 'x': std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(u)); if (alt) prefix = "0x"; break;
                case 'X': std::snprintf(buf, sizeof(buf), "%llX", static_cast<unsigned long long>(u)); if (alt) prefix = "0X"; break;
                case 'o': std::snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(u)); if (alt) prefix = "0o"; break;
                case 'b': {
                    std::string bits;
                    for (uint64_t x = u; x; x >>= 1) bits += static_cast<char>('0' + (x & 1));
                    if (bits.empty()) bits = "0";
                    std::snprintf(buf, sizeof(buf), "%s", std::string(bits.rbegin(), bits.rend()).c_str());
                    if (alt) prefix = "0b";
                    break;
                }
                case 'c': body.clear(); py::append_utf8(body, static_cast<char32_t>(u)); buf[0] = 0; break;
                default: std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(u));
            }
            if (type != 'c') body = buf;
            if (grouping) body = group_digits(body, grouping);
        } else {
            if (type && std::string_view("eEfFgGn%").find(type) == std::string_view::npos)
                type_error(std::string("Unknown format code '") + type + "' for object of type 'float'");
            neg = std::signbit(d);
            double a = std::fabs(d);
            char buf[512];
            if (type == 0) {
                if (precision < 0) {
                    body = to_str(Value::real(a));
                } else {
                    std::snprintf(buf, sizeof(buf), "%.*g", precision == 0 ? 1 : precision, a);
                    body = buf;
                    if (body.find_first_of(".en") == std::string::npos) body += ".0";
                }
            } else if (type == '%') {
                std::snprintf(buf, sizeof(buf), "%.*f", precision < 0 ? 6 : precision, a * 100);
                body = std::string(buf) + "%";
            } else {
                char t = type == 'n' ? 'g' : type;
                std::snprintf(buf, sizeof(buf), (std::string("%.*") + t).c_str(), precision < 0 ? 6 : precision, a);
                body = buf;
            }
            if (grouping) {
                size_t end = body.find_first_not_of("0123456789");
                body = group_digits(body.substr(0, end), grouping) + (end == std::string::npos ? "" : body.substr(end));
            }
        }
        if (neg) prefix = "-" + prefix;
        else if (sign == '+') prefix = "+" + prefix;
        else if (sign == ' ') prefix = " " + prefix;
        if (!align) align = '>';
    } else {
        if (!spec.empty()) type_error("unsupported format string passed to " + type_name(v) + ".__format__");
        return to_str(v);
    }
    int64_t len = static_cast<int64_t>(py::length(prefix) + py::length(body));
    std::string f;
    py::append_utf8(f, fill);
    auto pad = [&](int64_t n) { std::string p; for (int64_t k = 0; k < n; ++k) p += f; return p; };
    if (width <= len) return prefix + body;
    int64_t margin = width - len;
    switch (align) {
        case '<': return prefix + body + pad(margin);
        case '^': return pad(margin / 2) + prefix + body + pad(margin - margin / 2);
        case '=': return prefix + pad(margin) + body;
        default: return pad(margin) + prefix + body;
    }
}

}  // namespace

std::string str_format(Evaluator& e, const std::string& fmt, const CallArgs& args) {
    std::string out;
    int auto_index = 0;
    bool used_auto = false, used_manual = false;
    for (size_t i = 0; i < fmt.size(); ++i) {
        char c = fmt[i];
        if (c == '}') {
            if (i + 1 < fmt.size() && fmt[i + 1] == '}') { out += '}'; ++i; continue; }
            fail(ErrorCode::invalid_argument, "ValueError: Single '}' encountered in format string");
        }
        if (c != '{') { out += c; continue; }
        if (i + 1 < fmt.size() && fmt[i + 1] == '{') { out += '{'; ++i; continue; }
        size_t close = fmt.find('}', i);
        if (close == std::string::npos) fail(ErrorCode::invalid_argument, "ValueError: Single '{' encountered in format string");
        std::string field = fmt.substr(i + 1, close - i - 1);
        i = close;
        std::string spec, conversion;
        size_t colon = field.find(':');
        if (colon != std::string::npos) { spec = field.substr(colon + 1); field.resize(colon); }
        size_t bang = field.find('!');
        if (bang != std::string::npos) { conversion = field.substr(bang + 1); field.resize(bang); }
        size_t end_name = field.find_first_of(".[");
        std::string arg_name = field.substr(0, end_name);
        Value v;
        if (arg_name.empty() || std::all_of(arg_name.begin(), arg_name.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
            size_t idx;
            if (arg_name.empty()) {
                if (used_manual) fail(ErrorCode::invalid_argument, "ValueError: cannot switch from manual field specification to automatic field numbering");
                used_auto = true;
                idx = static_cast<size_t>(auto_index++);
            } else {
                if (used_auto) fail(ErrorCode::invalid_argument, "ValueError: cannot switch from automatic field numbering to manual field specification");
                used_manual = true;
                idx = static_cast<size_t>(std::stoul(arg_name));
            }
            if (idx >= args.args.size()) fail(ErrorCode::invalid_argument, "IndexError: Replacement index " + std::to_string(idx) + " out of range for positional args tuple");
            v = args.args[idx];
        } else {
            bool found = false;
            for (const auto& [k, val] : args.kwargs)
                if (k == arg_name) { v = val; found = true; }
            if (!found) fail(ErrorCode::invalid_argument, "KeyError: " + py::quote(arg_name));
        }
        size_t p = end_name;
        while (p != std::string::npos && p < field.size()) {
            if (field[p] == '.') {
                size_t q = field.find_first_of(".[", p + 1);
                v = e.getattr(v, field.substr(p + 1, q == std::string::npos ? std::string::npos : q - p - 1));
                p = q;
            } else {
                size_t q = field.find(']', p);
                if (q == std::string::npos) fail(ErrorCode::invalid_argument, "ValueError: Missing ']' in format string");
                std::string key = field.substr(p + 1, q - p - 1);
                bool numeric = !key.empty() && std::all_of(key.begin(), key.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
                v = e.getitem(v, numeric ? Value::integer(std::stoll(key)) : Value::str(key));
                p = q + 1;
            }
        }
        if (v.is_undefined() && v.undefined_info() && v.undefined_info()->security) raise_undefined(v);
        if (conversion == "r" || conversion == "a") v = Value::str(repr(v));
        else if (conversion == "s") v = Value::str(to_str(v));
        else if (!conversion.empty()) fail(ErrorCode::invalid_argument, "ValueError: Unknown conversion specifier " + conversion);
        if (spec.find('{') != std::string::npos) fail(ErrorCode::unsupported, "nested replacement fields in a format spec are not supported");
        out += format_value(v, spec);
        e.check_size(out.size());
    }
    return out;
}

}  // namespace farsight::jinja
