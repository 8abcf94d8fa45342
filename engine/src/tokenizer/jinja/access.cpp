// Sandboxed attribute and item access (jinja2 3.1 sandbox.py: getattr prefers attributes, getitem
// prefers items, each falling back to the other; mutating list/dict methods and Python's special
// attributes are unsafe), calls, filter/test dispatch, and Python iteration (list(v)).
#include <unordered_set>

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/evaluator.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

std::vector<Value> Evaluator::to_list(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::list: step(static_cast<int64_t>(v.items().size())); return v.items();
        case Value::Kind::dict: {
            std::vector<Value> keys;
            check_items(v.as_dict().items.size());
            for (const auto& kv : v.as_dict().items) keys.push_back(kv.first);
            return keys;
        }
        case Value::Kind::string: {
            const std::string& s = v.as_string();
            check_items(s.size());
            std::vector<Value> chars;
            for (size_t i = 0; i < s.size();) {
                size_t n = 1;
                while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
                chars.push_back(Value::str(s.substr(i, n)));
                i += n;
            }
            return chars;
        }
        case Value::Kind::iterator: {
            IteratorData& it = v.as_iterator();
            std::vector<Value> rest(it.items.begin() + static_cast<std::ptrdiff_t>(it.pos), it.items.end());
            it.pos = it.items.size();
            step(static_cast<int64_t>(rest.size()));
            return rest;
        }
        case Value::Kind::undefined: return {};
        default: type_error("'" + type_name(v) + "' object is not iterable");
    }
}

Value Evaluator::lookup(const std::string& name, const ScopePtr& scope) const {
    if (const Value* v = scope->lookup(name)) return *v;
    auto it = m_globals.find(name);
    if (it != m_globals.end()) return it->second;
    return Value::undefined("'" + name + "' is undefined");
}

namespace {

// Special attributes that exist on Python's built-in objects; jinja2's sandbox refuses them all
// (underscore names). Other dunder-looking names fall back to item lookup, as in Python.
bool is_dunder(const std::string& n) {
    static const std::unordered_set<std::string> k_special = {
        "__class__", "__doc__", "__init__", "__new__", "__repr__", "__str__", "__hash__", "__eq__", "__ne__",
        "__lt__", "__le__", "__gt__", "__ge__", "__getattribute__", "__setattr__", "__delattr__", "__dir__",
        "__format__", "__reduce__", "__reduce_ex__", "__sizeof__", "__subclasshook__", "__init_subclass__",
        "__len__", "__getitem__", "__setitem__", "__delitem__", "__contains__", "__iter__", "__reversed__",
        "__add__", "__mul__", "__rmul__", "__mod__", "__rmod__", "__or__", "__ror__", "__ior__", "__iadd__",
        "__imul__", "__getnewargs__", "__class_getitem__", "__bool__", "__int__", "__float__", "__index__",
        "__abs__", "__neg__", "__pos__", "__globals__", "__code__", "__func__", "__self__", "__module__",
        "__name__", "__qualname__", "__mro__", "__subclasses__", "__base__", "__bases__", "__builtins__",
        "__call__", "__closure__", "__defaults__", "__kwdefaults__", "__annotations__", "__wrapped__",
        "__dict__", "__weakref__", "__slots__", "__getstate__"};
    return k_special.count(n) > 0;
}

Value missing_attr(const Value& obj, const std::string& name) {
    return Value::undefined(cat({"'", object_type_repr(obj), "' has no attribute '", name, "'"}));
}

Value unsafe_attr(const Value& obj, const std::string& name) {
    return Value::undefined(cat({"access to attribute '", name, "' of '", type_name(obj), "' object is unsafe."}), true);
}

}  // namespace

Value Evaluator::getattr(const Value& obj, const std::string& name) {
    if (obj.is_undefined()) raise_undefined(obj);
    if (is_dunder(name)) return unsafe_attr(obj, name);  // Python's special attributes are never safe
    switch (find_method(obj, name)) {
        case MethodKind::safe: return bind_method(obj, name);
        case MethodKind::unsafe: return unsafe_attr(obj, name);
        case MethodKind::none: break;
    }
    if (obj.is_ns()) {
        if (const Value* v = obj.as_ns().find(name)) return *v;
        return missing_attr(obj, name);
    }
    if (obj.is_dict()) {
        if (const Value* v = obj.as_dict().find(Value::str(name))) return *v;
    }
    return missing_attr(obj, name);
}

Value Evaluator::getitem(const Value& obj, const Value& key) {
    if (obj.is_undefined()) raise_undefined(obj);
    auto fallback = [&]() -> Value {
        if (key.is_string()) {  // obj[name] failed: jinja2 then tries getattr(obj, name)
            const std::string& name = key.as_string();
            if (is_dunder(name)) return unsafe_attr(obj, name);
            switch (find_method(obj, name)) {
                case MethodKind::safe: return bind_method(obj, name);
                case MethodKind::unsafe: return unsafe_attr(obj, name);
                case MethodKind::none: break;
            }
            if (obj.is_ns())
                if (const Value* v = obj.as_ns().find(name)) return *v;
            return missing_attr(obj, name);
        }
        return Value::undefined(cat({"'", object_type_repr(obj), "' has no element ", repr(key)}));
    };
    if (obj.is_dict()) {
        if (const Value* v = obj.as_dict().find(key)) return *v;
        return fallback();
    }
    if ((obj.is_indexable_list() || obj.is_string()) && key.is_integral()) {
        int64_t i = key.int_value();
        if (obj.is_string()) {
            const std::string& s = obj.as_string();
            if (py::is_ascii(s)) {
                int64_t n = static_cast<int64_t>(s.size());
                if (i < 0) i += n;
                if (i < 0 || i >= n) return fallback();
                return Value::str(std::string(1, s[static_cast<size_t>(i)]));
            }
            std::vector<char32_t> cps = py::decode(s);
            int64_t n = static_cast<int64_t>(cps.size());
            if (i < 0) i += n;
            if (i < 0 || i >= n) return fallback();
            std::string c;
            py::append_utf8(c, cps[static_cast<size_t>(i)]);
            return Value::str(std::move(c));
        }
        const auto& items = obj.items();
        int64_t n = static_cast<int64_t>(items.size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) return fallback();
        return items[static_cast<size_t>(i)];
    }
    return fallback();
}

Value Evaluator::call(const Value& callee, CallArgs& args) {
    if (callee.is_callable()) return callee.as_callable().fn(*this, args);
    if (callee.is_undefined()) raise_undefined(callee);
    type_error(cat({"'", type_name(callee), "' object is not callable"}));
}

Value Evaluator::call_filter(const std::string& name, const Value& operand, CallArgs& args) {
    FilterFn f = find_filter(name);
    if (!f) {
        if (is_jinja_filter_name(name)) fail(ErrorCode::unsupported, "the jinja2 filter '" + name + "' is not supported");
        fail(ErrorCode::invalid_argument, "no filter named '" + name + "'");
    }
    return f(*this, operand, args);
}

bool Evaluator::call_test(const std::string& name, const Value& operand, CallArgs& args) {
    TestFn t = find_test(name);
    if (!t) {
        if (is_jinja_test_name(name)) fail(ErrorCode::unsupported, "the jinja2 test '" + name + "' is not supported");
        fail(ErrorCode::invalid_argument, "no test named '" + name + "'");
    }
    return t(*this, operand, args);
}

}  // namespace farsight::jinja
