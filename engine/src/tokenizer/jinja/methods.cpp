// Python methods callable from templates on str, dict and list/tuple values, as jinja2's
// ImmutableSandboxedEnvironment allows them: mutating list/dict methods are "unsafe" (reading them
// gives an undefined that raises SecurityError when used). str.format is in pyformat.cpp.
// Reference: CPython 3.11 str/dict/list methods, jinja2 sandbox.py (modifies_known_mutable).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/evaluator.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

namespace {

constexpr std::string_view k_str_methods[] = {
    "capitalize", "casefold", "center", "count", "endswith", "find", "format", "index", "isalnum", "isalpha",
    "isascii", "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join", "ljust",
    "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust",
    "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper",
    "zfill",
    // real str methods this sandbox does not implement: calling them is an error
    "encode", "expandtabs", "format_map", "isidentifier", "isprintable", "maketrans", "translate",
};
constexpr std::string_view k_dict_safe[] = {"get", "items", "keys", "values", "copy", "fromkeys"};
constexpr std::string_view k_dict_unsafe[] = {"clear", "pop", "popitem", "setdefault", "update"};
constexpr std::string_view k_list_safe[] = {"index", "count", "copy"};
constexpr std::string_view k_list_unsafe[] = {"append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"};

template <size_t N>
bool in(const std::string_view (&arr)[N], std::string_view s) {
    return std::find(std::begin(arr), std::end(arr), s) != std::end(arr);
}

const std::string& str_arg(const Value& v, const char* what) {
    if (!v.is_string()) type_error(std::string(what) + " must be str, not " + type_name(v));
    return v.as_string();
}

// start/end arguments of find/count/startswith: a code-point slice of s
std::string sub_range(Evaluator& e, const std::string& s, const Params& p, size_t i_start) {
    if (!p.has(i_start) && !p.has(i_start + 1)) return s;
    Value r = slice(e, Value::str(s), p.get_or(i_start, Value::none()), p.get_or(i_start + 1, Value::none()), Value::none());
    return r.as_string();
}

bool affix_match(Evaluator& e, const std::string& s, const Params& p, bool prefix, const char* fn) {
    std::string hay = sub_range(e, s, p, 1);
    auto one = [&](const Value& v) {
        const std::string& a = str_arg(v, fn);
        if (a.size() > hay.size()) return false;
        return prefix ? hay.compare(0, a.size(), a) == 0 : hay.compare(hay.size() - a.size(), a.size(), a) == 0;
    };
    const Value& arg = p.get(0);
    if (arg.is_tuple()) {
        for (const auto& v : arg.items())
            if (one(v)) return true;
        return false;
    }
    if (!arg.is_string())
        type_error(std::string(fn) + " first arg must be str or a tuple of str, not " + type_name(arg));
    return one(arg);
}

template <class Pred>
bool all_chars(const std::string& s, Pred pred) {
    if (s.empty()) return false;
    for (char32_t c : py::decode(s))
        if (!pred(c)) return false;
    return true;
}

Value str_list(std::vector<std::string> parts) {
    std::vector<Value> out;
    out.reserve(parts.size());
    for (auto& p : parts) out.push_back(Value::str(std::move(p)));
    return Value::list(std::move(out));
}

char32_t fill_arg(const Params& p, size_t i) {
    if (!p.has(i)) return U' ';
    std::vector<char32_t> c = py::decode(str_arg(p.get(i), "fillchar"));
    if (c.size() != 1) type_error("The fill character must be exactly one character long");
    return c[0];
}

Value call_str_method(Evaluator& e, const std::string& s, const std::string& name, CallArgs& a) {
    const std::string fn = "str." + name;
    auto result_str = [&](std::string r) {
        e.check_size(r.size());
        e.step(static_cast<int64_t>(r.size() / 64));
        return Value::str(std::move(r));
    };
    if (name == "strip" || name == "lstrip" || name == "rstrip") {
        Params p(a, {"chars"}, fn);
        const Value& c = p.get(0);
        const std::string* chars = (c.is_none() || c.is_undefined()) ? nullptr : &str_arg(c, "chars");
        return result_str(py::strip(s, chars, name != "rstrip", name != "lstrip"));
    }
    if (name == "split" || name == "rsplit") {
        Params p(a, {"sep", "maxsplit"}, fn);
        const Value& sep = p.get(0);
        const std::string* sp = (sep.is_none() || sep.is_undefined()) ? nullptr : &str_arg(sep, "sep");
        if (sp && sp->empty()) type_error("empty separator");
        int64_t maxsplit = p.has(1) ? int_arg(p.get(1), "maxsplit") : -1;
        e.step(static_cast<int64_t>(s.size() / 16));
        return str_list(name == "split" ? py::split(s, sp, maxsplit) : py::rsplit(s, sp, maxsplit));
    }
    if (name == "splitlines") {
        Params p(a, {"keepends"}, fn);
        return str_list(py::splitlines(s, truthy(p.get(0))));
    }
    if (name == "startswith" || name == "endswith") {
        Params p(a, {"prefix", "start", "end"}, fn, 1);
        return Value::boolean(affix_match(e, s, p, name == "startswith", fn.c_str()));
    }
    if (name == "upper") { Params p(a, {}, fn); return result_str(py::upper(s)); }
    if (name == "lower" || name == "casefold") { Params p(a, {}, fn); return result_str(py::lower(s)); }
    if (name == "title") { Params p(a, {}, fn); return result_str(py::title(s)); }
    if (name == "capitalize") { Params p(a, {}, fn); return result_str(py::capitalize(s)); }
    if (name == "swapcase") { Params p(a, {}, fn); return result_str(py::swapcase(s)); }
    if (name == "replace") {
        Params p(a, {"old", "new", "count"}, fn, 2);
        int64_t count = p.has(2) ? int_arg(p.get(2), "count") : -1;
        const std::string& old_s = str_arg(p.get(0), "replace() argument 1");
        const std::string& new_s = str_arg(p.get(1), "replace() argument 2");
        // One step per replacement, charged before the work (a pathological replace is the slow case).
        size_t n = static_cast<size_t>(py::count(s, old_s));
        if (count >= 0 && n > static_cast<size_t>(count)) n = static_cast<size_t>(count);
        e.check_items(n);
        if (new_s.size() > old_s.size()) e.check_size(s.size() + n * (new_s.size() - old_s.size()));
        return result_str(py::replace(s, old_s, new_s, count));
    }
    if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
        Params p(a, {"sub", "start", "end"}, fn, 1);
        const std::string& sub = str_arg(p.get(0), "must be str");
        int64_t offset = 0;
        if (p.has(1) && !p.get(1).is_none()) {
            int64_t st = int_arg(p.get(1), "start"), len = static_cast<int64_t>(py::length(s));
            offset = st < 0 ? std::max<int64_t>(0, st + len) : std::min(st, len);
        }
        int64_t r = py::find(sub_range(e, s, p, 1), sub, name[0] == 'r');
        if (r < 0 && (name == "index" || name == "rindex")) fail(ErrorCode::invalid_argument, "ValueError: substring not found");
        return Value::integer(r < 0 ? -1 : r + offset);
    }
    if (name == "count") {
        Params p(a, {"sub", "start", "end"}, fn, 1);
        return Value::integer(py::count(sub_range(e, s, p, 1), str_arg(p.get(0), "must be str")));
    }
    if (name == "join") {
        Params p(a, {"iterable"}, fn, 1);
        std::vector<Value> items = e.to_list(p.get(0));
        std::string out;
        for (size_t i = 0; i < items.size(); ++i) {
            if (!items[i].is_string())
                type_error("sequence item " + std::to_string(i) + ": expected str instance, " + type_name(items[i]) + " found");
            if (i) out += s;
            out += items[i].as_string();
            e.check_size(out.size());
        }
        return result_str(std::move(out));
    }
    if (name == "center" || name == "ljust" || name == "rjust") {
        Params p(a, {"width", "fillchar"}, fn, 1);
        int64_t w = int_arg(p.get(0), "width");
        e.check_size(static_cast<size_t>(std::max<int64_t>(w, 0)) * 4);
        char32_t f = fill_arg(p, 1);
        return result_str(name == "center" ? py::center(s, w, f) : (name == "ljust" ? py::ljust(s, w, f) : py::rjust(s, w, f)));
    }
    if (name == "zfill") {
        Params p(a, {"width"}, fn, 1);
        int64_t w = int_arg(p.get(0), "width");
        e.check_size(static_cast<size_t>(std::max<int64_t>(w, 0)));
        int64_t len = static_cast<int64_t>(py::length(s));
        if (w <= len) return Value::str(s);
        std::string out = s;
        size_t at = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
        out.insert(at, static_cast<size_t>(w - len), '0');
        return Value::str(std::move(out));
    }
    if (name == "partition" || name == "rpartition") {
        Params p(a, {"sep"}, fn, 1);
        const std::string& sep = str_arg(p.get(0), "sep");
        if (sep.empty()) type_error("empty separator");
        size_t hit = name == "partition" ? s.find(sep) : s.rfind(sep);
        if (hit == std::string::npos)
            return name == "partition" ? Value::tuple({Value::str(s), Value::str(""), Value::str("")})
                                       : Value::tuple({Value::str(""), Value::str(""), Value::str(s)});
        return Value::tuple({Value::str(s.substr(0, hit)), Value::str(sep), Value::str(s.substr(hit + sep.size()))});
    }
    if (name == "removeprefix" || name == "removesuffix") {
        Params p(a, {"affix"}, fn, 1);
        const std::string& x = str_arg(p.get(0), "affix");
        if (name == "removeprefix") return Value::str(s.compare(0, x.size(), x) == 0 ? s.substr(x.size()) : s);
        bool ends = s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
        return Value::str(ends && !x.empty() ? s.substr(0, s.size() - x.size()) : s);
    }
    if (name == "format") return result_str(str_format(e, s, a));
    if (name.rfind("is", 0) == 0) {
        Params p(a, {}, fn);
        if (name == "isalnum") return Value::boolean(all_chars(s, py::is_alnum));
        if (name == "isalpha") return Value::boolean(all_chars(s, py::is_alpha));
        if (name == "isascii") return Value::boolean(py::is_ascii(s));
        if (name == "isdigit" || name == "isdecimal" || name == "isnumeric") return Value::boolean(all_chars(s, py::is_digit));
        if (name == "isspace") return Value::boolean(all_chars(s, py::is_space));
        if (name == "islower" || name == "isupper") {
            bool want_lower = name == "islower", cased = false;
            for (char32_t c : py::decode(s)) {
                if (want_lower ? py::is_cased_upper(c) : (py::is_cased_lower(c) && !py::is_cased_upper(c))) return Value::boolean(false);
                if (py::is_cased_upper(c) || py::is_cased_lower(c)) cased = true;
            }
            return Value::boolean(cased);
        }
        if (name == "istitle") return Value::boolean(!s.empty() && py::title(s) == s && py::lower(s) != s);
    }
    fail(ErrorCode::unsupported, "the method str." + name + "() is not supported in chat templates");
}

Value dict_view(const DictData& d, ListData::Tag tag) {
    std::vector<Value> out;
    out.reserve(d.items.size());
    for (const auto& kv : d.items) {
        if (tag == ListData::Tag::dict_items) out.push_back(Value::tuple({kv.first, kv.second}));
        else out.push_back(tag == ListData::Tag::dict_keys ? kv.first : kv.second);
    }
    return Value::list(std::move(out), tag);
}

Value call_dict_method(Evaluator& e, const Value& obj, const std::string& name, CallArgs& a) {
    const DictData& d = obj.as_dict();
    const std::string fn = "dict." + name;
    e.step(static_cast<int64_t>(d.items.size() / 8));
    if (name == "get") {
        Params p(a, {"key", "default"}, fn, 1);
        const Value& key = p.get(0);
        if ((key.is_list() && !key.is_tuple()) || key.is_dict() || key.is_ns())
            type_error("unhashable type: '" + type_name(key) + "'");
        if (const Value* v = d.find(key)) return *v;
        return p.get_or(1, Value::none());
    }
    if (name == "items") { Params p(a, {}, fn); return dict_view(d, ListData::Tag::dict_items); }
    if (name == "keys") { Params p(a, {}, fn); return dict_view(d, ListData::Tag::dict_keys); }
    if (name == "values") { Params p(a, {}, fn); return dict_view(d, ListData::Tag::dict_values); }
    if (name == "copy") { Params p(a, {}, fn); return obj; }  // values are immutable: sharing is a copy
    fail(ErrorCode::unsupported, "the method dict." + name + "() is not supported in chat templates");
}

Value call_list_method(Evaluator& e, const Value& obj, const std::string& name, CallArgs& a) {
    const auto& items = obj.items();
    const std::string fn = type_name(obj) + "." + name;
    e.step(static_cast<int64_t>(items.size() / 8));
    if (name == "count") {
        Params p(a, {"value"}, fn, 1);
        int64_t n = 0;
        for (const auto& v : items)
            if (equals(v, p.get(0))) ++n;
        return Value::integer(n);
    }
    if (name == "index") {
        Params p(a, {"value", "start", "stop"}, fn, 1);
        int64_t len = static_cast<int64_t>(items.size());
        auto clamp = [&](int64_t v) { return v < 0 ? std::max<int64_t>(0, v + len) : std::min(v, len); };
        int64_t start = p.has(1) ? clamp(int_arg(p.get(1), "start")) : 0;
        int64_t stop = p.has(2) ? clamp(int_arg(p.get(2), "stop")) : len;
        for (int64_t i = start; i < stop; ++i)
            if (equals(items[static_cast<size_t>(i)], p.get(0))) return Value::integer(i);
        fail(ErrorCode::invalid_argument, "ValueError: " + repr(p.get(0)) + " is not in " + type_name(obj));
    }
    if (name == "copy") { Params p(a, {}, fn); return Value::list(items); }
    fail(ErrorCode::unsupported, "the method " + fn + "() is not supported in chat templates");
}

}  // namespace

MethodKind find_method(const Value& obj, std::string_view name) {
    if (obj.is_string()) return in(k_str_methods, name) ? MethodKind::safe : MethodKind::none;
    if (obj.is_dict()) {
        if (in(k_dict_safe, name)) return MethodKind::safe;
        return in(k_dict_unsafe, name) ? MethodKind::unsafe : MethodKind::none;
    }
    if (obj.is_list()) {
        auto tag = obj.as_list().tag;
        if (tag == ListData::Tag::list) {
            if (in(k_list_safe, name)) return MethodKind::safe;
            return in(k_list_unsafe, name) ? MethodKind::unsafe : MethodKind::none;
        }
        if (tag == ListData::Tag::tuple || tag == ListData::Tag::range)
            return (name == "index" || name == "count") ? MethodKind::safe : MethodKind::none;
    }
    return MethodKind::none;
}

Value bind_method(const Value& obj, const std::string& name) {
    std::string repr = "<built-in method " + name + " of " + type_name(obj) + " object>";
    return Value::callable(name, [obj, name](Evaluator& e, CallArgs& a) -> Value {
        if (obj.is_string()) return call_str_method(e, obj.as_string(), name, a);
        if (obj.is_dict()) return call_dict_method(e, obj, name, a);
        return call_list_method(e, obj, name, a);
    }, repr);
}

}  // namespace farsight::jinja
