// Value construction and Python semantics of the basic protocols (bool, str, repr, ==, <).
// Reference: CPython 3.11 object protocols as used by jinja2 3.1 (runtime.Undefined for undefined).
#include "tokenizer/jinja/value.h"

#include <cmath>

#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

void fail(ErrorCode code, std::string message) { throw TemplateError{code, std::move(message)}; }

Value Value::undefined(std::string hint, bool security) {
    if (hint.empty() && !security) return Value();
    auto info = std::make_shared<UndefinedInfo>();
    info->hint = std::move(hint);
    info->security = security;
    return Value(UndefinedTag{std::move(info)});
}

Value Value::list(std::vector<Value> items, ListData::Tag tag) {
    auto l = std::make_shared<ListData>();
    l->items = std::move(items);
    l->tag = tag;
    return Value(std::shared_ptr<const ListData>(std::move(l)));
}

Value Value::iterator(std::vector<Value> items, std::string type_name) {
    auto it = std::make_shared<IteratorData>();
    it->items = std::move(items);
    it->type_name = std::move(type_name);
    return Value(std::move(it));
}

Value Value::callable(std::string name, std::function<Value(Evaluator&, CallArgs&)> fn, std::string repr) {
    auto c = std::make_shared<CallableData>();
    c->repr = repr.empty() ? "<built-in function " + name + ">" : std::move(repr);
    c->name = std::move(name);
    c->fn = std::move(fn);
    return Value(std::shared_ptr<const CallableData>(std::move(c)));
}

const void* Value::identity() const {
    switch (kind()) {
        case Kind::string: return std::get<StrPtr>(m_data).get();
        case Kind::list: return std::get<ListPtr>(m_data).get();
        case Kind::dict: return std::get<DictPtr>(m_data).get();
        case Kind::ns: return std::get<NsPtr>(m_data).get();
        case Kind::iterator: return std::get<IterPtr>(m_data).get();
        case Kind::callable: return std::get<CallPtr>(m_data).get();
        default: return nullptr;
    }
}

const Value* DictData::find(const Value& key) const {
    if (key.is_string()) {
        auto it = str_index.find(key.as_string());
        return it == str_index.end() ? nullptr : &items[it->second].second;
    }
    if ((key.is_list() && !key.is_tuple()) || key.is_dict() || key.is_ns()) return nullptr;  // unhashable
    for (const auto& kv : items)
        if (!kv.first.is_string() && equals(kv.first, key)) return &kv.second;
    return nullptr;
}

void DictData::set(Value key, Value value) {
    if (key.is_list() && !key.is_tuple()) type_error("unhashable type: '" + type_name(key) + "'");
    if (key.is_dict() || key.is_ns() || key.is_undefined()) {
        if (key.is_undefined()) raise_undefined(key);
        type_error("unhashable type: '" + type_name(key) + "'");
    }
    if (key.is_string()) {  // strings only ever equal strings: the index decides
        auto it = str_index.find(key.as_string());
        if (it != str_index.end()) {
            items[it->second].second = std::move(value);
            return;
        }
        str_index.emplace(key.as_string(), items.size());
        items.emplace_back(std::move(key), std::move(value));
        return;
    }
    for (auto& kv : items)
        if (!kv.first.is_string() && equals(kv.first, key)) {
            kv.second = std::move(value);  // Python keeps the first key object and position
            return;
        }
    items.emplace_back(std::move(key), std::move(value));
}

const Value* NamespaceData::find(std::string_view name) const {
    for (const auto& kv : attrs)
        if (kv.first == name) return &kv.second;
    return nullptr;
}

void NamespaceData::set(std::string_view name, Value value) {
    for (auto& kv : attrs)
        if (kv.first == name) {
            kv.second = std::move(value);
            return;
        }
    attrs.emplace_back(std::string(name), std::move(value));
}

bool truthy(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::undefined: return false;
        case Value::Kind::none: return false;
        case Value::Kind::boolean: return v.as_bool();
        case Value::Kind::integer: return v.as_int() != 0;
        case Value::Kind::floating: return v.as_float() != 0.0;
        case Value::Kind::string: return !v.as_string().empty();
        case Value::Kind::list: return !v.items().empty();
        case Value::Kind::dict: return !v.as_dict().items.empty();
        default: return true;  // namespaces, iterators (generators are always truthy), callables
    }
}

std::string type_name(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::undefined: return "Undefined";
        case Value::Kind::none: return "NoneType";
        case Value::Kind::boolean: return "bool";
        case Value::Kind::integer: return "int";
        case Value::Kind::floating: return "float";
        case Value::Kind::string: return "str";
        case Value::Kind::list:
            switch (v.as_list().tag) {
                case ListData::Tag::list: return "list";
                case ListData::Tag::tuple: return "tuple";
                case ListData::Tag::dict_items: return "dict_items";
                case ListData::Tag::dict_keys: return "dict_keys";
                case ListData::Tag::dict_values: return "dict_values";
                case ListData::Tag::range: return "range";
            }
            return "list";
        case Value::Kind::dict: return "dict";
        case Value::Kind::ns: return "Namespace";
        case Value::Kind::iterator: return v.as_iterator().type_name;
        case Value::Kind::callable: return "function";
    }
    return "object";
}

std::string object_type_repr(const Value& v) {
    if (v.is_none()) return "None";
    return type_name(v) + " object";
}

void raise_undefined(const Value& v) {
    const UndefinedInfo* info = v.undefined_info();
    if (info && info->security) fail(ErrorCode::invalid_argument, "SecurityError: " + info->hint);
    fail(ErrorCode::invalid_argument,
         "UndefinedError: " + (info && !info->hint.empty() ? info->hint : std::string("value is undefined")));
}

namespace {

void repr_into(std::string& out, const Value& v, int depth);

void seq_repr(std::string& out, const std::vector<Value>& items, int depth) {
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        repr_into(out, items[i], depth + 1);
    }
}

void repr_into(std::string& out, const Value& v, int depth) {
    if (depth > 200) fail(ErrorCode::limit_exceeded, "value nested too deeply to print");
    switch (v.kind()) {
        case Value::Kind::undefined: out += "Undefined"; return;
        case Value::Kind::string: out += py::quote(v.as_string()); return;
        case Value::Kind::list: {
            const ListData& l = v.as_list();
            switch (l.tag) {
                case ListData::Tag::list: out += '['; seq_repr(out, l.items, depth); out += ']'; return;
                case ListData::Tag::tuple:
                    out += '(';
                    seq_repr(out, l.items, depth);
                    out += l.items.size() == 1 ? ",)" : ")";
                    return;
                case ListData::Tag::range:
                    out += "range(" + std::to_string(l.range_start) + ", " + std::to_string(l.range_stop);
                    if (l.range_step != 1) out += ", " + std::to_string(l.range_step);
                    out += ')';
                    return;
                default:
                    out += type_name(v) + "([";
                    seq_repr(out, l.items, depth);
                    out += "])";
                    return;
            }
        }
        case Value::Kind::dict: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.as_dict().items) {
                if (!first) out += ", ";
                first = false;
                repr_into(out, kv.first, depth + 1);
                out += ": ";
                repr_into(out, kv.second, depth + 1);
            }
            out += '}';
            return;
        }
        case Value::Kind::ns: {
            out += "<Namespace {";
            bool first = true;
            for (const auto& kv : v.as_ns().attrs) {
                if (!first) out += ", ";
                first = false;
                out += py::quote(kv.first) + ": ";
                repr_into(out, kv.second, depth + 1);
            }
            out += "}>";
            return;
        }
        default: out += to_str(v); return;
    }
}

}  // namespace

std::string to_str(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::undefined: return "";
        case Value::Kind::none: return "None";
        case Value::Kind::boolean: return v.as_bool() ? "True" : "False";
        case Value::Kind::integer: return std::to_string(v.as_int());
        case Value::Kind::floating: return py::float_repr(v.as_float());
        case Value::Kind::string: return v.as_string();
        case Value::Kind::iterator: return "<" + v.as_iterator().type_name + " object>";
        case Value::Kind::callable: return v.as_callable().repr;
        default: return repr(v);
    }
}

std::string repr(const Value& v) {
    std::string out;
    repr_into(out, v, 0);
    return out;
}

namespace {

// Exact comparison of an int64 and a double, as Python does for int vs float.
int cmp_int_float(int64_t i, double d) {
    if (std::isnan(d)) return 2;  // unordered
    long double li = static_cast<long double>(i), ld = static_cast<long double>(d);
    return li < ld ? -1 : (li > ld ? 1 : 0);
}

int cmp_numbers(const Value& a, const Value& b) {
    if (a.is_integral() && b.is_integral()) {
        int64_t x = a.int_value(), y = b.int_value();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_float() && b.is_float()) {
        double x = a.as_float(), y = b.as_float();
        if (std::isnan(x) || std::isnan(y)) return 2;
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_float()) {
        int r = cmp_int_float(b.int_value(), a.as_float());
        return r == 2 ? 2 : -r;
    }
    return cmp_int_float(a.int_value(), b.as_float());
}

bool seq_like(const Value& v) { return v.is_list() && v.as_list().tag != ListData::Tag::dict_items &&
                                       v.as_list().tag != ListData::Tag::dict_keys &&
                                       v.as_list().tag != ListData::Tag::dict_values; }

}  // namespace

bool equals(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) return cmp_numbers(a, b) == 0;
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case Value::Kind::undefined: return true;  // Undefined.__eq__: same type
        case Value::Kind::none: return true;
        case Value::Kind::string: return a.as_string() == b.as_string();
        case Value::Kind::list: {
            const ListData& x = a.as_list();
            const ListData& y = b.as_list();
            bool xt = x.tag == ListData::Tag::tuple, yt = y.tag == ListData::Tag::tuple;
            if (xt != yt || !seq_like(a) || !seq_like(b)) {
                if (x.tag == ListData::Tag::dict_values || y.tag == ListData::Tag::dict_values) return false;
                if (x.tag != y.tag) return false;
            }
            if (x.items.size() != y.items.size()) return false;
            if (x.tag == ListData::Tag::dict_keys || x.tag == ListData::Tag::dict_items) {  // set-like views
                for (const auto& e : x.items) {
                    bool found = false;
                    for (const auto& f : y.items)
                        if (equals(e, f)) { found = true; break; }
                    if (!found) return false;
                }
                return true;
            }
            for (size_t i = 0; i < x.items.size(); ++i)
                if (!equals(x.items[i], y.items[i])) return false;
            return true;
        }
        case Value::Kind::dict: {
            const DictData& x = a.as_dict();
            const DictData& y = b.as_dict();
            if (x.items.size() != y.items.size()) return false;
            for (const auto& kv : x.items) {
                const Value* other = y.find(kv.first);
                if (!other || !equals(kv.second, *other)) return false;
            }
            return true;
        }
        default: return a.identity() == b.identity();
    }
}

int compare(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        int r = cmp_numbers(a, b);
        return r == 2 ? 2 : r;
    }
    if (a.is_undefined()) raise_undefined(a);
    if (b.is_undefined()) raise_undefined(b);
    if (a.is_string() && b.is_string()) {
        int r = a.as_string().compare(b.as_string());  // UTF-8 byte order == code point order
        return r < 0 ? -1 : (r > 0 ? 1 : 0);
    }
    if (a.is_list() && b.is_list() && a.is_tuple() == b.is_tuple() && seq_like(a) && seq_like(b)) {
        const auto& x = a.items();
        const auto& y = b.items();
        for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (equals(x[i], y[i])) continue;
            return compare(x[i], y[i]);
        }
        return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    type_error("'<' not supported between instances of '" + type_name(a) + "' and '" + type_name(b) + "'");
}

}  // namespace farsight::jinja
