// Filters on sequences and mappings (map, select/reject(attr), sort, unique, dictsort, join, first,
// last, batch, ...), each reproducing its jinja2 3.1 filters.py counterpart (make_attrgetter,
// select_or_reject, ...). Filters that return Python generators in jinja2 (map, select*, reject*,
// unique, items, batch, slice, reverse of a list) return iterator values here too, so truthiness,
// len() errors and single use behave the same. String and number filters: filters_text.cpp.
#include <algorithm>
#include <functional>

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/evaluator.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

namespace {

using Getter = std::function<Value(const Value&)>;

// jinja2 make_attrgetter: "a.b.0" walks getitem(a)->getitem(b)->getitem(0)
Getter attrgetter(Evaluator& e, const Value& attribute, bool lower_case, std::optional<Value> fallback = std::nullopt) {
    std::vector<Value> parts;
    if (attribute.is_string()) {
        std::string s = attribute.as_string();
        std::string dot = ".";
        for (auto& p : py::split(s, &dot, -1)) {
            bool digits = !p.empty() && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
            parts.push_back(digits ? Value::integer(std::strtoll(p.c_str(), nullptr, 10)) : Value::str(p));
        }
    } else if (!attribute.is_none() && !attribute.is_undefined()) {
        parts.push_back(attribute);
    }
    return [&e, parts, lower_case, fallback](const Value& item) {
        Value v = item;
        for (const auto& p : parts) {
            v = e.getitem(v, p);
            if (fallback && v.is_undefined()) v = *fallback;
        }
        if (lower_case && v.is_string()) return Value::str(py::lower(v.as_string()));
        return v;
    };
}

int64_t py_len(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::string: return static_cast<int64_t>(py::length(v.as_string()));
        case Value::Kind::list: return static_cast<int64_t>(v.items().size());
        case Value::Kind::dict: return static_cast<int64_t>(v.as_dict().items.size());
        case Value::Kind::undefined: return 0;
        default: type_error("object of type '" + type_name(v) + "' has no len()");
    }
}

Value f_attr(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"name"}, "attr", 1);
    const Value& name = p.get(0);
    if (!name.is_string()) type_error("attribute name must be string");
    bool exists = find_method(v, name.as_string()) != MethodKind::none || (v.is_ns() && v.as_ns().find(name.as_string()));
    if (!exists) return Value::undefined("'" + object_type_repr(v) + "' has no attribute '" + name.as_string() + "'");
    return e.getattr(v, name.as_string());
}

Value f_batch(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"linecount", "fill_with"}, "batch", 1);
    int64_t n = int_arg(p.get(0), "linecount");
    Value fill = p.get_or(1, Value::none());
    std::vector<Value> items = e.to_list(v), out, tmp;
    for (const auto& item : items) {
        if (static_cast<int64_t>(tmp.size()) == n) { out.push_back(Value::list(std::move(tmp))); tmp.clear(); }
        tmp.push_back(item);
    }
    if (!tmp.empty()) {
        if (!fill.is_none() && static_cast<int64_t>(tmp.size()) < n) {
            e.check_items(static_cast<size_t>(n) - tmp.size());
            tmp.resize(static_cast<size_t>(n), fill);
        }
        out.push_back(Value::list(std::move(tmp)));
    }
    return Value::iterator(std::move(out), "generator");
}

Value f_length(Evaluator&, const Value& v, CallArgs& a) {
    Params p(a, {}, "length");
    return Value::integer(py_len(v));
}

Value f_default(Evaluator&, const Value& v, CallArgs& a) {
    Params p(a, {"default_value", "boolean"}, "default");
    if (v.is_undefined() || (truthy(p.get(1)) && !truthy(v))) return p.get_or(0, Value::str(""));
    return v;
}

Value f_dictsort(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"case_sensitive", "by", "reverse"}, "dictsort");
    if (!v.is_dict()) {
        if (v.is_undefined()) raise_undefined(v);
        type_error("'" + type_name(v) + "' object has no attribute 'items'");
    }
    bool case_sensitive = truthy(p.get(0));
    std::string by = p.has(1) ? soft_str(p.get(1)) : "key";
    if (by != "key" && by != "value") type_error("You can only sort by either \"key\" or \"value\"");
    size_t pos = by == "key" ? 0 : 1;
    bool reverse = truthy(p.get(2));
    std::vector<Value> items;
    for (const auto& kv : v.as_dict().items) items.push_back(Value::tuple({kv.first, kv.second}));
    e.step(static_cast<int64_t>(items.size() * 4));
    auto key = [&](const Value& t) {
        Value k = t.items()[pos];
        return (!case_sensitive && k.is_string()) ? Value::str(py::lower(k.as_string())) : k;
    };
    std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        return reverse ? compare(key(y), key(x)) < 0 : compare(key(x), key(y)) < 0;
    });
    return Value::list(std::move(items));
}

Value f_first(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "first");
    if (v.is_iterator()) {
        IteratorData& it = v.as_iterator();
        if (it.pos < it.items.size()) return it.items[it.pos++];
        return Value::undefined("No first item, sequence was empty.");
    }
    if (v.is_string() && !v.as_string().empty()) return e.getitem(v, Value::integer(0));
    if (v.is_list() && !v.items().empty()) return v.items().front();
    if (v.is_dict() && !v.as_dict().items.empty()) return v.as_dict().items.front().first;
    if (v.is_string() || v.is_list() || v.is_dict() || v.is_undefined())
        return Value::undefined("No first item, sequence was empty.");
    type_error("'" + type_name(v) + "' object is not iterable");
}

Value f_last(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "last");
    if (v.is_string() && !v.as_string().empty()) return e.getitem(v, Value::integer(-1));
    if (v.is_list() && v.as_list().tag != ListData::Tag::dict_items && v.as_list().tag != ListData::Tag::dict_keys &&
        v.as_list().tag != ListData::Tag::dict_values) {
        if (!v.items().empty()) return v.items().back();
        return Value::undefined("No last item, sequence was empty.");
    }
    if (v.is_dict() && !v.as_dict().items.empty()) return v.as_dict().items.back().first;
    if (v.is_string() || v.is_dict() || v.is_undefined()) return Value::undefined("No last item, sequence was empty.");
    type_error("'" + type_name(v) + "' object is not reversible");
}

Value f_items(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "items");
    if (v.is_undefined()) return Value::iterator({}, "generator");
    if (!v.is_dict()) type_error("Can only get item pairs from a mapping.");
    std::vector<Value> out;
    e.step(static_cast<int64_t>(v.as_dict().items.size()));
    for (const auto& kv : v.as_dict().items) out.push_back(Value::tuple({kv.first, kv.second}));
    return Value::iterator(std::move(out), "generator");
}

Value f_join(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"d", "attribute"}, "join");
    std::string sep = p.has(0) ? soft_str(p.get(0)) : "";
    std::vector<Value> items = e.to_list(v);
    Getter get = p.has(1) && !p.get(1).is_none() ? attrgetter(e, p.get(1), false) : Getter();
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += sep;
        out += to_str(get ? get(items[i]) : items[i]);
        e.check_size(out.size());
    }
    e.step(static_cast<int64_t>(out.size() / 64));
    return Value::str(std::move(out));
}

Value f_list(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "list");
    return Value::list(e.to_list(v));
}

Value f_map(Evaluator& e, const Value& v, CallArgs& a) {
    if (!truthy(v)) return Value::iterator({}, "generator");  // jinja2: `if value:` before iterating
    std::vector<Value> items = e.to_list(v), out;
    bool by_attribute = a.args.empty() && std::any_of(a.kwargs.begin(), a.kwargs.end(), [](auto& kv) { return kv.first == "attribute"; });
    if (by_attribute) {
        Value attribute, dflt = Value::none();
        for (const auto& [k, val] : a.kwargs) {
            if (k == "attribute") attribute = val;
            else if (k == "default") dflt = val;
            else type_error("Unexpected keyword argument '" + k + "'");
        }
        Getter get = attrgetter(e, attribute, false, dflt.is_none() ? std::nullopt : std::optional<Value>(dflt));
        for (const auto& item : items) out.push_back(get(item));
    } else {
        if (a.args.empty()) type_error("map requires a filter argument");
        std::string name = soft_str(a.args[0]);
        CallArgs rest;
        rest.args.assign(a.args.begin() + 1, a.args.end());
        rest.kwargs = a.kwargs;
        for (const auto& item : items) {
            CallArgs copy = rest;
            out.push_back(e.call_filter(name, item, copy));
        }
    }
    return Value::iterator(std::move(out), "generator");
}

Value min_max(Evaluator& e, const Value& v, CallArgs& a, bool want_max, const char* fn) {
    Params p(a, {"case_sensitive", "attribute"}, fn);
    std::vector<Value> items = e.to_list(v);
    if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
    Getter key = attrgetter(e, p.get_or(1, Value::none()), !truthy(p.get(0)));
    size_t best = 0;
    Value best_key = key(items[0]);
    for (size_t i = 1; i < items.size(); ++i) {
        Value k = key(items[i]);
        int c = compare(k, best_key);
        if (c == 2) continue;
        if (want_max ? c > 0 : c < 0) { best = i; best_key = k; }
    }
    return items[best];
}

Value f_max(Evaluator& e, const Value& v, CallArgs& a) { return min_max(e, v, a, true, "max"); }

Value f_min(Evaluator& e, const Value& v, CallArgs& a) { return min_max(e, v, a, false, "min"); }

Value select_or_reject(Evaluator& e, const Value& v, CallArgs& a, bool select, bool lookup_attr) {
    std::vector<Value> out;
    if (!truthy(v)) return Value::iterator({}, "generator");
    size_t off = 0;
    Getter trans;
    if (lookup_attr) {
        if (a.args.empty()) type_error("Missing parameter for attribute name");
        trans = attrgetter(e, a.args[0], false);
        off = 1;
    }
    bool has_test = a.args.size() > off;
    std::string test = has_test ? soft_str(a.args[off]) : "";
    CallArgs test_args;
    if (has_test) test_args.args.assign(a.args.begin() + static_cast<std::ptrdiff_t>(off + 1), a.args.end());
    test_args.kwargs = a.kwargs;
    for (const auto& item : e.to_list(v)) {
        Value x = trans ? trans(item) : item;
        bool r;
        if (has_test) {
            CallArgs copy = test_args;
            r = e.call_test(test, x, copy);
        } else {
            r = truthy(x);
        }
        if (r == select) out.push_back(item);
    }
    return Value::iterator(std::move(out), "generator");
}

Value f_select(Evaluator& e, const Value& v, CallArgs& a) { return select_or_reject(e, v, a, true, false); }

Value f_reject(Evaluator& e, const Value& v, CallArgs& a) { return select_or_reject(e, v, a, false, false); }

Value f_selectattr(Evaluator& e, const Value& v, CallArgs& a) { return select_or_reject(e, v, a, true, true); }

Value f_rejectattr(Evaluator& e, const Value& v, CallArgs& a) { return select_or_reject(e, v, a, false, true); }

Value f_reverse(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {}, "reverse");
    if (v.is_string()) {
        std::vector<char32_t> cps = py::decode(v.as_string());
        std::reverse(cps.begin(), cps.end());
        return Value::str(py::encode(cps));
    }
    if (v.is_indexable_list() || v.is_dict()) {
        std::vector<Value> items = e.to_list(v);
        std::reverse(items.begin(), items.end());
        return Value::iterator(std::move(items), v.is_dict() ? "dict_reversekeyiterator" : "list_reverseiterator");
    }
    std::vector<Value> items = e.to_list(v);
    std::reverse(items.begin(), items.end());
    return Value::list(std::move(items));
}

Value f_slice(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"slices", "fill_with"}, "slice", 1);
    int64_t slices = int_arg(p.get(0), "slices");
    Value fill = p.get_or(1, Value::none());
    std::vector<Value> seq = e.to_list(v), out;
    int64_t length = static_cast<int64_t>(seq.size());
    if (slices <= 0) {
        if (slices == 0) fail(ErrorCode::invalid_argument, "ZeroDivisionError: integer division or modulo by zero");
        return Value::iterator({}, "generator");
    }
    e.check_items(static_cast<size_t>(slices));
    int64_t per = length / slices, extra = length % slices, offset = 0;
    for (int64_t n = 0; n < slices; ++n) {
        int64_t start = offset + n * per;
        if (n < extra) ++offset;
        int64_t end = offset + (n + 1) * per;
        std::vector<Value> tmp(seq.begin() + start, seq.begin() + end);
        if (!fill.is_none() && n >= extra) tmp.push_back(fill);
        out.push_back(Value::list(std::move(tmp)));
    }
    return Value::iterator(std::move(out), "generator");
}

Value f_sort(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"reverse", "case_sensitive", "attribute"}, "sort");
    bool reverse = truthy(p.get(0)), lower_case = !truthy(p.get(1));
    std::vector<Getter> keys;
    const Value& attribute = p.get(2);
    if (attribute.is_string()) {
        std::string comma = ",";
        for (auto& part : py::split(attribute.as_string(), &comma, -1)) keys.push_back(attrgetter(e, Value::str(part), lower_case));
    } else {
        keys.push_back(attrgetter(e, attribute.is_undefined() ? Value::none() : attribute, lower_case));
    }
    std::vector<Value> items = e.to_list(v);
    std::vector<std::pair<Value, Value>> keyed;  // (key, item)
    for (auto& item : items) {
        std::vector<Value> k;
        for (auto& g : keys) k.push_back(g(item));
        keyed.emplace_back(Value::list(std::move(k)), std::move(item));
    }
    e.step(static_cast<int64_t>(keyed.size() * 8));
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
        return reverse ? compare(y.first, x.first) < 0 : compare(x.first, y.first) < 0;
    });
    std::vector<Value> out;
    for (auto& kv : keyed) out.push_back(std::move(kv.second));
    return Value::list(std::move(out));
}

Value f_sum(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"attribute", "start"}, "sum");
    Value total = p.get_or(1, Value::integer(0));
    if (total.is_string()) type_error("sum() can't sum strings [use ''.join(seq) instead]");
    Getter get = p.has(0) && !p.get(0).is_none() ? attrgetter(e, p.get(0), false) : Getter();
    for (const auto& item : e.to_list(v)) total = binary_op(e, ast::BinOp::add, total, get ? get(item) : item);
    return total;
}

Value f_unique(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"case_sensitive", "attribute"}, "unique");
    Getter key = attrgetter(e, p.get_or(1, Value::none()), !truthy(p.get(0)));
    std::vector<Value> seen, out;
    for (const auto& item : e.to_list(v)) {
        Value k = key(item);
        if ((k.is_list() && !k.is_tuple()) || k.is_dict() || k.is_ns()) type_error("unhashable type: '" + type_name(k) + "'");
        e.step(static_cast<int64_t>(seen.size() / 16));
        bool dup = std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, k); });
        if (!dup) { seen.push_back(k); out.push_back(item); }
    }
    return Value::iterator(std::move(out), "generator");
}

struct FilterEntry { std::string_view name; FilterFn fn; };
constexpr FilterEntry k_seq_filters[] = {
    {"attr", f_attr}, {"batch", f_batch}, {"count", f_length}, {"d", f_default}, {"default", f_default},
    {"dictsort", f_dictsort}, {"first", f_first}, {"items", f_items}, {"join", f_join}, {"last", f_last},
    {"length", f_length}, {"list", f_list}, {"map", f_map}, {"max", f_max}, {"min", f_min}, {"reject", f_reject},
    {"rejectattr", f_rejectattr}, {"reverse", f_reverse}, {"select", f_select}, {"selectattr", f_selectattr},
    {"slice", f_slice}, {"sort", f_sort}, {"sum", f_sum}, {"unique", f_unique},
};
constexpr std::string_view k_unimplemented_filters[] = {
    "filesizeformat", "groupby", "pprint", "random", "striptags", "urlencode", "urlize", "wordwrap", "xmlattr",
};

}  // namespace

FilterFn find_filter(std::string_view name) {
    for (const auto& f : k_seq_filters)
        if (f.name == name) return f.fn;
    return find_text_filter(name);
}

bool is_jinja_filter_name(std::string_view name) {
    return std::find(std::begin(k_unimplemented_filters), std::end(k_unimplemented_filters), name) !=
           std::end(k_unimplemented_filters);
}

}  // namespace farsight::jinja
