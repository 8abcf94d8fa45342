// Value: a runtime value of the chat-template sandbox. Jinja2 runs on Python, so values follow
// Python's data model (truthiness, equality across int/float/bool, str() and repr(), immutable
// sharing); reference: CPython's object semantics as seen through jinja2 3.1's sandbox.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight::jinja {

class Value;
class Evaluator;

// Thrown inside the interpreter only; Template::render turns it into a Status.
struct TemplateError {
    ErrorCode code;
    std::string message;
    bool located = false;  // message already carries "line:col"
};
[[noreturn]] void fail(ErrorCode code, std::string message);
// Concatenation without chains of operator+ (GCC 12 emits false -Wrestrict warnings on those).
inline std::string cat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (auto p : parts) out.append(p);
    return out;
}
[[noreturn]] inline void type_error(std::string message) { fail(ErrorCode::invalid_argument, std::move(message)); }

struct UndefinedInfo {
    std::string hint;       // jinja2's _undefined_message, e.g. "'x' is undefined"
    bool security = false;  // an unsafe attribute: any use raises a SecurityError
};

struct ListData {
    // Python types that behave as read-only sequences; the tag only changes repr and a few tests.
    enum class Tag : uint8_t { list, tuple, dict_items, dict_keys, dict_values, range };
    std::vector<Value> items;
    Tag tag = Tag::list;
    int64_t range_start = 0, range_stop = 0, range_step = 1;  // for repr of range objects
};

struct DictData {
    std::vector<std::pair<Value, Value>> items;  // insertion order, like Python dicts
    std::unordered_map<std::string, size_t> str_index;
    const Value* find(const Value& key) const;
    void set(Value key, Value value);  // only while building
};

struct NamespaceData {  // the one mutable object: jinja2's namespace()
    std::vector<std::pair<std::string, Value>> attrs;
    const Value* find(std::string_view name) const;
    void set(std::string_view name, Value value);
};

struct IteratorData {  // a Python generator/iterator: truthy, no len(), consumed once
    std::vector<Value> items;
    size_t pos = 0;
    std::string type_name;  // "generator", "list_reverseiterator", ...
};

struct CallArgs {
    std::vector<Value> args;
    std::vector<std::pair<std::string, Value>> kwargs;
};

struct CallableData {
    std::string name;
    std::string repr;
    std::function<Value(Evaluator&, CallArgs&)> fn;
};

class Value {
public:
    enum class Kind : uint8_t { undefined, none, boolean, integer, floating, string, list, dict, ns, iterator, callable };

    Value() : m_data(UndefinedTag{}) {}
    static Value undefined(std::string hint = {}, bool security = false);
    static Value none() { return Value(NoneTag{}); }
    static Value boolean(bool b) { return Value(b); }
    static Value integer(int64_t i) { return Value(i); }
    static Value real(double d) { return Value(d); }
    static Value str(std::string s) { return Value(std::make_shared<const std::string>(std::move(s))); }
    static Value list(std::vector<Value> items, ListData::Tag tag = ListData::Tag::list);
    static Value tuple(std::vector<Value> items) { return list(std::move(items), ListData::Tag::tuple); }
    static Value dict(std::shared_ptr<const DictData> d) { return Value(std::move(d)); }
    static Value ns(std::shared_ptr<NamespaceData> n) { return Value(std::move(n)); }
    static Value iterator(std::vector<Value> items, std::string type_name);
    static Value callable(std::string name, std::function<Value(Evaluator&, CallArgs&)> fn, std::string repr = {});
    static Value list_data(std::shared_ptr<const ListData> l) { return Value(std::move(l)); }

    Kind kind() const noexcept { return static_cast<Kind>(m_data.index()); }
    bool is_undefined() const noexcept { return kind() == Kind::undefined; }
    bool is_none() const noexcept { return kind() == Kind::none; }
    bool is_bool() const noexcept { return kind() == Kind::boolean; }
    bool is_int() const noexcept { return kind() == Kind::integer; }
    bool is_float() const noexcept { return kind() == Kind::floating; }
    bool is_string() const noexcept { return kind() == Kind::string; }
    bool is_list() const noexcept { return kind() == Kind::list; }  // list, tuple, views, range
    bool is_dict() const noexcept { return kind() == Kind::dict; }
    bool is_ns() const noexcept { return kind() == Kind::ns; }
    bool is_iterator() const noexcept { return kind() == Kind::iterator; }
    bool is_callable() const noexcept { return kind() == Kind::callable; }
    bool is_number() const noexcept { return is_int() || is_float() || is_bool(); }  // Python: bool is an int
    bool is_integral() const noexcept { return is_int() || is_bool(); }

    bool as_bool() const { return std::get<bool>(m_data); }
    int64_t as_int() const { return std::get<int64_t>(m_data); }
    double as_float() const { return std::get<double>(m_data); }
    const std::string& as_string() const { return *std::get<StrPtr>(m_data); }
    const ListData& as_list() const { return *std::get<ListPtr>(m_data); }
    const std::vector<Value>& items() const { return as_list().items; }
    const DictData& as_dict() const { return *std::get<DictPtr>(m_data); }
    NamespaceData& as_ns() const { return *std::get<NsPtr>(m_data); }
    IteratorData& as_iterator() const { return *std::get<IterPtr>(m_data); }
    const CallableData& as_callable() const { return *std::get<CallPtr>(m_data); }
    const UndefinedInfo* undefined_info() const { return std::get<UndefinedTag>(m_data).info.get(); }
    const void* identity() const;  // for Python's `is` on shared objects

    int64_t int_value() const { return is_bool() ? (as_bool() ? 1 : 0) : as_int(); }  // integral only
    double number_value() const { return is_float() ? as_float() : static_cast<double>(int_value()); }
    bool is_tuple() const { return is_list() && as_list().tag == ListData::Tag::tuple; }
    // list or tuple: supports indexing and slicing (dict views are not subscriptable in Python)
    bool is_indexable_list() const {
        return is_list() && (as_list().tag == ListData::Tag::list || as_list().tag == ListData::Tag::tuple ||
                             as_list().tag == ListData::Tag::range);
    }

private:
    struct UndefinedTag { std::shared_ptr<const UndefinedInfo> info; };
    struct NoneTag {};
    using StrPtr = std::shared_ptr<const std::string>;
    using ListPtr = std::shared_ptr<const ListData>;
    using DictPtr = std::shared_ptr<const DictData>;
    using NsPtr = std::shared_ptr<NamespaceData>;
    using IterPtr = std::shared_ptr<IteratorData>;
    using CallPtr = std::shared_ptr<const CallableData>;
    using Data = std::variant<UndefinedTag, NoneTag, bool, int64_t, double, StrPtr, ListPtr, DictPtr, NsPtr, IterPtr, CallPtr>;

    template <class T>
    explicit Value(T v) : m_data(std::move(v)) {}

    Data m_data;
};

// Python semantics used all over the interpreter.
bool truthy(const Value& v);                       // bool(v)
std::string to_str(const Value& v);                // str(v); undefined -> ""
std::string repr(const Value& v);                  // repr(v)
bool equals(const Value& a, const Value& b);       // a == b
int compare(const Value& a, const Value& b);       // <0, 0, >0 for <, ==, >; TypeError if unordered
std::string type_name(const Value& v);             // "int", "str", "dict", ...
std::string object_type_repr(const Value& v);      // jinja2's "'dict object'" style
[[noreturn]] void raise_undefined(const Value& v); // UndefinedError / SecurityError for a use of undefined

}  // namespace farsight::jinja
