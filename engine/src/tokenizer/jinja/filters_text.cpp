// Filters on strings and numbers (trim, upper, title, indent, truncate, int, float, round, format,
// escape, tojson, ...), each reproducing its jinja2 3.1 filters.py counterpart; also the Python-style
// argument binding (Params) shared by all built-ins. Sequence filters live in filters.cpp.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/evaluator.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

Params::Params(const CallArgs& args, std::initializer_list<const char*> names, const std::string& fn_name,
               size_t n_required)
    : m_vals(names.size(), nullptr) {
    if (args.args.size() > names.size())
        type_error(fn_name + "() takes at most " + std::to_string(names.size()) + " argument(s) (" +
                   std::to_string(args.args.size()) + " given)");
    for (size_t i = 0; i < args.args.size(); ++i) m_vals[i] = &args.args[i];
    for (const auto& [k, v] : args.kwargs) {
        size_t idx = 0;
        for (const char* n : names) {
            if (k == n) break;
            ++idx;
        }
        if (idx == names.size()) type_error(fn_name + "() got an unexpected keyword argument '" + k + "'");
        if (m_vals[idx]) type_error(fn_name + "() got multiple values for argument '" + k + "'");
        m_vals[idx] = &v;
    }
    for (size_t i = 0; i < n_required; ++i)
        if (!m_vals[i]) type_error(fn_name + "() missing required argument '" + std::string(names.begin()[i]) + "'");
}

const Value& Params::get(size_t i) const {
    static const Value k_undefined;
    return m_vals[i] ? *m_vals[i] : k_undefined;
}

int64_t int_arg(const Value& v, const char* what) {
    if (v.is_integral()) return v.int_value();
    if (v.is_undefined()) raise_undefined(v);
    type_error(std::string(what) + ": '" + type_name(v) + "' object cannot be interpreted as an integer");
}

std::string soft_str(const Value& v) { return to_str(v); }

namespace {

Value str_result(Evaluator& e, std::string s) {
    e.check_size(s.size());
    e.step(static_cast<int64_t>(s.size() / 64));
    return Value::str(std::move(s));
}

Value f_abs(Evaluator&, const Value& v, CallArgs& a) {
    Params p(a, {}, "abs");
    if (v.is_integral()) {
        if (v.int_value() == INT64_MIN) fail(ErrorCode::invalid_argument, "integer overflow");
        return Value::integer(std::llabs(v.int_value()));
    }
    if (v.is_float()) return Value::real(std::fabs(v.as_float()));
    type_error("bad operand type for abs(): '" + type_name(v) + "'");
}

Value f_capitalize(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "capitalize");
    return str_result(e, py::capitalize(soft_str(v)));
}

Value f_center(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"width"}, "center");
    int64_t w = p.has(0) ? int_arg(p.get(0), "width") : 80;
    e.check_size(static_cast<size_t>(std::max<int64_t>(w, 0)));
    return str_result(e, py::center(soft_str(v), w));
}

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&#34;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

Value f_escape(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "escape");
    return str_result(e, html_escape(soft_str(v)));
}

// Python float() of a string: optional whitespace, sign, digits with '_', inf/nan.
bool parse_py_float(const std::string& raw, double& out) {
    std::string s = py::strip(raw, nullptr, true, true), clean;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_') {
            if (i == 0 || i + 1 == s.size() || !std::isdigit(static_cast<unsigned char>(s[i - 1])) ||
                !std::isdigit(static_cast<unsigned char>(s[i + 1])))
                return false;
            continue;
        }
        clean += s[i];
    }
    if (clean.empty()) return false;
    std::string low = py::lower(clean);
    size_t k = (low[0] == '+' || low[0] == '-') ? 1 : 0;
    std::string body = low.substr(k);
    if (body == "inf" || body == "infinity" || body == "nan") {
        out = body == "nan" ? NAN : INFINITY;
        if (low[0] == '-') out = -out;
        return true;
    }
    if (body.empty() || body.find_first_not_of("0123456789.e+-") != std::string::npos) return false;
    char* end = nullptr;
    out = std::strtod(clean.c_str(), &end);
    return end && *end == 0 && body.find_first_of("0123456789") != std::string::npos;
}

Value f_float(Evaluator&, const Value& v, CallArgs& a) {
    Params p(a, {"default"}, "float");
    if (v.is_float()) return v;
    if (v.is_integral()) return Value::real(static_cast<double>(v.int_value()));
    if (v.is_undefined()) raise_undefined(v);
    double d;
    if (v.is_string() && parse_py_float(v.as_string(), d)) return Value::real(d);
    return p.get_or(0, Value::real(0.0));
}

Value f_format(Evaluator& e, const Value& v, CallArgs& a) {
    if (!a.args.empty() && !a.kwargs.empty()) type_error("can't handle positional and keyword arguments at the same time");
    if (!a.kwargs.empty()) {
        auto d = std::make_shared<DictData>();
        for (const auto& [k, val] : a.kwargs) d->set(Value::str(k), val);
        return str_result(e, percent_format(e, soft_str(v), Value::dict(std::move(d))));
    }
    return str_result(e, percent_format(e, soft_str(v), Value::tuple(a.args)));
}

Value f_indent(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"width", "first", "blank"}, "indent");
    std::string indention;
    if (p.has(0) && p.get(0).is_string()) {
        indention = p.get(0).as_string();
    } else {
        int64_t w = p.has(0) ? int_arg(p.get(0), "width") : 4;
        e.check_size(static_cast<size_t>(std::max<int64_t>(w, 0)));
        indention.assign(static_cast<size_t>(std::max<int64_t>(w, 0)), ' ');
    }
    if (!v.is_string()) {  // jinja2 does `s += "\n"` and `s.splitlines()`: only str works
        if (v.is_undefined()) raise_undefined(v);
        type_error("indent: expected a string, got '" + type_name(v) + "'");
    }
    std::string s = v.as_string() + "\n";
    std::vector<std::string> lines = py::splitlines(s, false);
    e.check_size(s.size() + lines.size() * indention.size());
    std::string rv;
    if (truthy(p.get(2))) {
        for (size_t i = 0; i < lines.size(); ++i) {
            if (i) rv.append(1, '\n').append(indention);
            rv += lines[i];
        }
    } else {
        if (!lines.empty()) rv = lines[0];
        for (size_t i = 1; i < lines.size(); ++i) {
            rv.append(1, '\n');
            if (!lines[i].empty()) rv.append(indention);
            rv.append(lines[i]);
        }
    }
    if (truthy(p.get(1))) rv.insert(0, indention);
    return str_result(e, std::move(rv));
}

// Python int(str, base): whitespace, sign, '_' between digits, prefixes for base 0 or matching base.
bool parse_py_int(const std::string& raw, int64_t base, int64_t& out) {
    std::string s = py::strip(raw, nullptr, true, true);
    if (s.empty()) return false;
    bool neg = false;
    size_t i = 0;
    if (s[0] == '+' || s[0] == '-') { neg = s[0] == '-'; ++i; }
    auto prefix_base = [&](char c) { c = static_cast<char>(c | 0x20); return c == 'x' ? 16 : (c == 'o' ? 8 : (c == 'b' ? 2 : 0)); };
    if (i + 1 < s.size() && s[i] == '0' && prefix_base(s[i + 1]) && (base == 0 || base == prefix_base(s[i + 1]))) {
        base = prefix_base(s[i + 1]);
        i += 2;
        if (i < s.size() && s[i] == '_') ++i;
    } else if (base == 0) {
        base = 10;
        if (s.size() - i > 1 && s[i] == '0' && s.find_first_not_of("0_", i) != std::string::npos) return false;
    }
    if (base < 2 || base > 36 || i >= s.size()) return false;
    uint64_t acc = 0;
    const uint64_t limit = static_cast<uint64_t>(INT64_MAX) + (neg ? 1 : 0);
    bool prev_digit = false;
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (c == '_') {
            if (!prev_digit || i + 1 >= s.size()) return false;
            prev_digit = false;
            continue;
        }
        int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : ((c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? (c | 0x20) - 'a' + 10 : 99);
        if (d >= base) return false;
        if (__builtin_mul_overflow(acc, static_cast<uint64_t>(base), &acc) ||
            __builtin_add_overflow(acc, static_cast<uint64_t>(d), &acc) || acc > limit)
            fail(ErrorCode::invalid_argument, "integer overflow");
        prev_digit = true;
    }
    out = neg ? static_cast<int64_t>(0 - static_cast<uint64_t>(acc)) : static_cast<int64_t>(acc);
    return true;
}

Value f_int(Evaluator&, const Value& v, CallArgs& a) {
    Params p(a, {"default", "base"}, "int");
    Value dflt = p.get_or(0, Value::integer(0));
    int64_t base = p.has(1) ? int_arg(p.get(1), "base") : 10;
    if (v.is_integral()) return Value::integer(v.int_value());
    if (v.is_undefined()) raise_undefined(v);
    if (v.is_float()) {
        double d = v.as_float();
        if (std::isnan(d) || std::isinf(d)) fail(ErrorCode::invalid_argument, "OverflowError: cannot convert float infinity or NaN to integer");
        if (std::fabs(d) >= 9.2e18) fail(ErrorCode::invalid_argument, "integer overflow");
        return Value::integer(static_cast<int64_t>(d));
    }
    if (v.is_string()) {
        int64_t r;
        if (parse_py_int(v.as_string(), base, r)) return Value::integer(r);
        double d;  // "42.23"|int gives 42
        if (parse_py_float(v.as_string(), d) && !std::isnan(d) && !std::isinf(d) && std::fabs(d) < 9.2e18)
            return Value::integer(static_cast<int64_t>(d));
    }
    return dflt;
}

Value f_lower(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "lower");
    return str_result(e, py::lower(soft_str(v)));
}

Value f_upper(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "upper");
    return str_result(e, py::upper(soft_str(v)));
}

Value f_replace(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"old", "new", "count"}, "replace", 2);
    std::string s = to_str(v), old_s = to_str(p.get(0)), new_s = to_str(p.get(1));
    int64_t count = (p.has(2) && !p.get(2).is_none()) ? int_arg(p.get(2), "count") : -1;
    size_t n = static_cast<size_t>(py::count(s, old_s));  // one step per replacement, charged up front
    if (count >= 0 && n > static_cast<size_t>(count)) n = static_cast<size_t>(count);
    e.check_items(n);
    if (new_s.size() > old_s.size()) e.check_size(s.size() + n * (new_s.size() - old_s.size()));
    return str_result(e, py::replace(s, old_s, new_s, count));
}

double round_half_even(double x, int64_t ndigits) {
    if (std::isnan(x) || std::isinf(x)) return x;
    if (ndigits >= 0) {
        if (ndigits > 300) return x;
        char buf[512];
        std::snprintf(buf, sizeof(buf), "%.*f", static_cast<int>(ndigits), x);  // correctly rounded, ties to even
        return std::strtod(buf, nullptr);
    }
    double p = std::pow(10.0, static_cast<double>(-ndigits));
    double y = x / p, r = std::nearbyint(y);
    return r * p;
}

Value f_round(Evaluator&, const Value& v, CallArgs& a) {
    Params p(a, {"precision", "method"}, "round");
    int64_t precision = p.has(0) ? int_arg(p.get(0), "precision") : 0;
    std::string method = p.has(1) ? soft_str(p.get(1)) : "common";
    if (method != "common" && method != "ceil" && method != "floor") type_error("method must be common, ceil or floor");
    if (!v.is_number()) {
        if (v.is_undefined()) raise_undefined(v);
        type_error("type " + type_name(v) + " doesn't define __round__ method");
    }
    if (method == "common") {
        if (v.is_integral()) {
            if (precision >= 0) return Value::integer(v.int_value());
            return Value::integer(static_cast<int64_t>(round_half_even(static_cast<double>(v.int_value()), precision)));
        }
        return Value::real(round_half_even(v.as_float(), precision));
    }
    double p10 = std::pow(10.0, static_cast<double>(precision));
    double x = v.number_value() * p10;
    double r = method == "ceil" ? std::ceil(x) : std::floor(x);
    return Value::real(r / p10);
}

Value f_safe(Evaluator&, const Value& v, CallArgs& a) {
    Params p(a, {}, "safe");
    return v.is_string() ? v : Value::str(to_str(v));
}

Value f_string(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "string");
    return v.is_string() ? v : str_result(e, soft_str(v));
}

Value f_title(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "title");
    std::string out;
    bool at_start = true;
    for (char32_t c : py::decode(soft_str(v))) {
        bool sep = c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || py::is_space(c);
        if (sep) { py::append_utf8(out, c); at_start = true; continue; }
        py::append_utf8(out, at_start ? py::to_upper(c) : py::to_lower(c));
        at_start = false;
    }
    return str_result(e, std::move(out));
}

Value f_trim(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"chars"}, "trim");
    const Value& c = p.get(0);
    std::string chars;
    bool has = !c.is_none() && !c.is_undefined();
    if (has) chars = soft_str(c);
    return str_result(e, py::strip(soft_str(v), has ? &chars : nullptr, true, true));
}

Value f_truncate(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"length", "killwords", "end", "leeway"}, "truncate");
    int64_t length = p.has(0) ? int_arg(p.get(0), "length") : 255;
    bool killwords = truthy(p.get(1));
    std::string end = p.has(2) ? soft_str(p.get(2)) : "...";
    int64_t leeway = p.has(3) && !p.get(3).is_none() ? int_arg(p.get(3), "leeway") : 5;
    int64_t end_len = static_cast<int64_t>(py::length(end));
    if (length < end_len) fail(ErrorCode::invalid_argument, "AssertionError: expected length >= " + std::to_string(end_len));
    if (leeway < 0) fail(ErrorCode::invalid_argument, "AssertionError: expected leeway >= 0");
    int64_t len;  // jinja2 applies len() and slicing to the value itself, not to str(value)
    if (v.is_string()) len = static_cast<int64_t>(py::length(v.as_string()));
    else if (v.is_list()) len = static_cast<int64_t>(v.items().size());
    else if (v.is_dict()) len = static_cast<int64_t>(v.as_dict().items.size());
    else if (v.is_undefined()) len = 0;
    else type_error("object of type '" + type_name(v) + "' has no len()");
    if (len <= length + leeway) return v;
    if (!v.is_string()) type_error("truncate: '" + type_name(v) + "' cannot be cut like a string");
    Value head = slice(e, v, Value::none(), Value::integer(length - end_len), Value::none());
    if (killwords) return str_result(e, head.as_string() + end);
    std::string space = " ";
    std::string result = py::rsplit(head.as_string(), &space, 1)[0];
    return str_result(e, result + end);
}

Value f_wordcount(Evaluator&, const Value& v, CallArgs& a) {
    Params p(a, {}, "wordcount");
    int64_t n = 0;
    bool in_word = false;
    for (char32_t c : py::decode(soft_str(v))) {
        bool w = py::is_word_char(c);
        if (w && !in_word) ++n;
        in_word = w;
    }
    return Value::integer(n);
}

Value f_tojson(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"ensure_ascii", "indent", "separators", "sort_keys"}, "tojson");
    JsonOptions opt;
    opt.ensure_ascii = truthy(p.get(0));
    opt.sort_keys = truthy(p.get(3));
    const Value& indent = p.get(1);
    if (!indent.is_none() && !indent.is_undefined()) {
        if (indent.is_string()) {
            opt.indent = indent.as_string();
        } else {  // Python: ' ' * indent (negative gives "")
            int64_t n = std::max<int64_t>(int_arg(indent, "indent"), 0);
            e.check_size(static_cast<size_t>(n));
            opt.indent = std::string(static_cast<size_t>(n), ' ');
        }
        opt.item_sep.assign(1, ',');
    }
    const Value& seps = p.get(2);
    if (!seps.is_none() && !seps.is_undefined()) {
        if (!seps.is_indexable_list() || seps.items().size() != 2 || !seps.items()[0].is_string() || !seps.items()[1].is_string())
            type_error("separators must be a (item_separator, key_separator) pair of strings");
        opt.item_sep = seps.items()[0].as_string();
        opt.key_sep = seps.items()[1].as_string();
    }
    return Value::str(dumps(e, v, opt));
}

struct FilterEntry { std::string_view name; FilterFn fn; };
constexpr FilterEntry k_text_filters[] = {
    {"abs", f_abs}, {"capitalize", f_capitalize}, {"center", f_center}, {"e", f_escape}, {"escape", f_escape},
    {"float", f_float}, {"forceescape", f_escape}, {"format", f_format}, {"indent", f_indent}, {"int", f_int},
    {"lower", f_lower}, {"replace", f_replace}, {"round", f_round}, {"safe", f_safe}, {"string", f_string},
    {"title", f_title}, {"tojson", f_tojson}, {"trim", f_trim}, {"truncate", f_truncate}, {"upper", f_upper},
    {"wordcount", f_wordcount},
};

}  // namespace

FilterFn find_text_filter(std::string_view name) {
    for (const auto& f : k_text_filters)
        if (f.name == name) return f.fn;
    return nullptr;
}

}  // namespace farsight::jinja
