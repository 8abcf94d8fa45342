// Built-in tests (`x is defined`, `x is divisibleby 3`, ...), reproducing jinja2 3.1 tests.py:
// `sequence` = has len() and __getitem__, `iterable` = iter() works, `number` includes bool, ...
#include <algorithm>

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/evaluator.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

namespace {

bool one_arg(CallArgs& a, const char* name) {
    Params p(a, {}, std::string("test_") + name);
    return true;
}

const Value& other(CallArgs& a, const char* name) {
    static thread_local Value holder;
    Params p(a, {"other"}, std::string("test_") + name, 1);
    holder = p.get(0);
    return holder;
}

bool t_odd(Evaluator& e, const Value& v, CallArgs& a) {
    one_arg(a, "odd");
    return equals(binary_op(e, ast::BinOp::mod, v, Value::integer(2)), Value::integer(1));
}
bool t_even(Evaluator& e, const Value& v, CallArgs& a) {
    one_arg(a, "even");
    return equals(binary_op(e, ast::BinOp::mod, v, Value::integer(2)), Value::integer(0));
}
bool t_divisibleby(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"num"}, "test_divisibleby", 1);
    return equals(binary_op(e, ast::BinOp::mod, v, p.get(0)), Value::integer(0));
}
bool t_defined(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "defined"); return !v.is_undefined(); }
bool t_undefined(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "undefined"); return v.is_undefined(); }
bool t_none(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "none"); return v.is_none(); }
bool t_boolean(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "boolean"); return v.is_bool(); }
bool t_false(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "false"); return v.is_bool() && !v.as_bool(); }
bool t_true(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "true"); return v.is_bool() && v.as_bool(); }
bool t_integer(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "integer"); return v.is_int(); }
bool t_float(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "float"); return v.is_float(); }
bool t_number(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "number"); return v.is_number(); }
bool t_string(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "string"); return v.is_string(); }
bool t_mapping(Evaluator&, const Value& v, CallArgs& a) { one_arg(a, "mapping"); return v.is_dict(); }
bool t_lower(Evaluator&, const Value& v, CallArgs& a) {
    one_arg(a, "lower");
    std::string s = to_str(v);
    bool cased = false;
    for (char32_t c : py::decode(s)) {
        if (py::is_cased_upper(c)) return false;
        if (py::is_cased_lower(c)) cased = true;
    }
    return cased;
}
bool t_upper(Evaluator&, const Value& v, CallArgs& a) {
    one_arg(a, "upper");
    std::string s = to_str(v);
    bool cased = false;
    for (char32_t c : py::decode(s)) {
        if (py::is_cased_lower(c) && !py::is_cased_upper(c)) return false;
        if (py::is_cased_upper(c)) cased = true;
    }
    return cased;
}
bool t_sequence(Evaluator&, const Value& v, CallArgs& a) {
    one_arg(a, "sequence");
    return v.is_string() || v.is_indexable_list() || v.is_dict() || v.is_undefined();
}
bool t_iterable(Evaluator&, const Value& v, CallArgs& a) {
    one_arg(a, "iterable");
    return v.is_string() || v.is_list() || v.is_dict() || v.is_iterator() || v.is_undefined();
}
bool t_callable(Evaluator&, const Value& v, CallArgs& a) {
    one_arg(a, "callable");
    return v.is_callable() || v.is_undefined();  // Undefined defines __call__
}
bool t_sameas(Evaluator&, const Value& v, CallArgs& a) {
    const Value& o = other(a, "sameas");
    if (v.kind() != o.kind()) return false;
    switch (v.kind()) {
        case Value::Kind::none: return true;
        case Value::Kind::boolean: return v.as_bool() == o.as_bool();
        case Value::Kind::integer: return v.as_int() == o.as_int() && v.as_int() >= -5 && v.as_int() <= 256;  // CPython's cached ints
        case Value::Kind::undefined: case Value::Kind::floating: return false;
        default: return v.identity() == o.identity();
    }
}
bool t_escaped(Evaluator&, const Value&, CallArgs& a) { one_arg(a, "escaped"); return false; }
bool t_in(Evaluator& e, const Value& v, CallArgs& a) {
    Params p(a, {"seq"}, "test_in", 1);
    return contains(e, p.get(0), v);
}
bool t_filter(Evaluator&, const Value& v, CallArgs& a) {
    one_arg(a, "filter");
    return v.is_string() && (find_filter(v.as_string()) || is_jinja_filter_name(v.as_string()));
}
bool t_test(Evaluator&, const Value& v, CallArgs& a) {
    one_arg(a, "test");
    return v.is_string() && (find_test(v.as_string()) || is_jinja_test_name(v.as_string()));
}
bool t_eq(Evaluator& e, const Value& v, CallArgs& a) { return compare_op(e, ast::CmpOp::eq, v, other(a, "eq")); }
bool t_ne(Evaluator& e, const Value& v, CallArgs& a) { return compare_op(e, ast::CmpOp::ne, v, other(a, "ne")); }
bool t_gt(Evaluator& e, const Value& v, CallArgs& a) { return compare_op(e, ast::CmpOp::gt, v, other(a, "gt")); }
bool t_ge(Evaluator& e, const Value& v, CallArgs& a) { return compare_op(e, ast::CmpOp::gteq, v, other(a, "ge")); }
bool t_lt(Evaluator& e, const Value& v, CallArgs& a) { return compare_op(e, ast::CmpOp::lt, v, other(a, "lt")); }
bool t_le(Evaluator& e, const Value& v, CallArgs& a) { return compare_op(e, ast::CmpOp::lteq, v, other(a, "le")); }

struct TestEntry { std::string_view name; TestFn fn; };
constexpr TestEntry k_tests[] = {
    {"odd", t_odd}, {"even", t_even}, {"divisibleby", t_divisibleby}, {"defined", t_defined},
    {"undefined", t_undefined}, {"filter", t_filter}, {"test", t_test}, {"none", t_none}, {"boolean", t_boolean},
    {"false", t_false}, {"true", t_true}, {"integer", t_integer}, {"float", t_float}, {"lower", t_lower},
    {"upper", t_upper}, {"string", t_string}, {"mapping", t_mapping}, {"number", t_number},
    {"sequence", t_sequence}, {"iterable", t_iterable}, {"callable", t_callable}, {"sameas", t_sameas},
    {"escaped", t_escaped}, {"in", t_in}, {"==", t_eq}, {"eq", t_eq}, {"equalto", t_eq}, {"!=", t_ne},
    {"ne", t_ne}, {">", t_gt}, {"gt", t_gt}, {"greaterthan", t_gt}, {"ge", t_ge}, {">=", t_ge}, {"<", t_lt},
    {"lt", t_lt}, {"lessthan", t_lt}, {"<=", t_le}, {"le", t_le},
};

}  // namespace

TestFn find_test(std::string_view name) {
    for (const auto& t : k_tests)
        if (t.name == name) return t.fn;
    return nullptr;
}

bool is_jinja_test_name(std::string_view) { return false; }  // every jinja2 test is implemented

}  // namespace farsight::jinja
