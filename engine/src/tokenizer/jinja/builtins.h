// Declarations shared by the interpreter's built-in pieces: Python operators (operators.cpp),
// str/dict/list methods (methods.cpp), filters (filters.cpp), tests (tests.cpp), json.dumps
// (tojson.cpp) and Python-style argument binding.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/jinja/ast.h"
#include "tokenizer/jinja/value.h"

namespace farsight::jinja {

class Evaluator;

// ---- operators.cpp: Python's binary/unary operators, comparisons, `in`, slicing, % formatting
Value binary_op(Evaluator& e, ast::BinOp op, const Value& a, const Value& b);
bool compare_op(Evaluator& e, ast::CmpOp op, const Value& a, const Value& b);
bool contains(Evaluator& e, const Value& container, const Value& item);  // `item in container`
Value negate(const Value& v);
Value unary_plus(const Value& v);
Value slice(Evaluator& e, const Value& obj, const Value& start, const Value& stop, const Value& step);
std::string percent_format(Evaluator& e, const std::string& fmt, const Value& args);
std::string str_format(Evaluator& e, const std::string& fmt, const CallArgs& args);  // str.format

// ---- methods.cpp: methods of str, dict and list that jinja2's ImmutableSandboxedEnvironment allows
enum class MethodKind { none, safe, unsafe };  // unsafe: would mutate a list/dict (refused by the sandbox)
MethodKind find_method(const Value& obj, std::string_view name);
Value bind_method(const Value& obj, const std::string& name);

// ---- filters.cpp / tests.cpp
using FilterFn = Value (*)(Evaluator& e, const Value& operand, CallArgs& args);
using TestFn = bool (*)(Evaluator& e, const Value& operand, CallArgs& args);
FilterFn find_filter(std::string_view name);
FilterFn find_text_filter(std::string_view name);  // the string/number half (filters_text.cpp)
TestFn find_test(std::string_view name);
bool is_jinja_filter_name(std::string_view name);  // a jinja2 filter this sandbox does not implement
bool is_jinja_test_name(std::string_view name);

// ---- tojson.cpp: json.dumps with transformers' defaults (ensure_ascii=False, sort_keys=False)
struct JsonOptions {
    bool ensure_ascii = false;
    std::optional<std::string> indent;  // nullopt: single line
    std::string item_sep = ", ", key_sep = ": ";
    bool sort_keys = false;
};
std::string dumps(Evaluator& e, const Value& v, const JsonOptions& opt);

// Binds positional and keyword arguments to parameter names like a Python signature.
class Params {
public:
    Params(const CallArgs& args, std::initializer_list<const char*> names, const std::string& fn_name,
           size_t n_required = 0);
    bool has(size_t i) const { return m_vals[i] != nullptr; }
    const Value& get(size_t i) const;  // undefined when absent
    Value get_or(size_t i, Value fallback) const { return has(i) ? *m_vals[i] : std::move(fallback); }

private:
    std::vector<const Value*> m_vals;
};

// Python int() of an argument that must be integral (bool counts); TypeError otherwise.
int64_t int_arg(const Value& v, const char* what);
// Python str() that refuses undefined-with-security and passes other undefined as "".
std::string soft_str(const Value& v);

}  // namespace farsight::jinja
