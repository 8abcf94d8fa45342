// Python operators on sandbox values: + - * / // % ** (int64 with overflow errors where Python
// would grow a big int), comparisons, `in`, unary -/+ and slicing (`str % args` is in pyformat.cpp).
// Reference: CPython 3.11 Objects/longobject.c, floatobject.c (float_divmod), sliceobject.c
// (PySlice_AdjustIndices).
#include <cctype>
#include <cmath>
#include <cstdio>

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/evaluator.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

using ast::BinOp;
using ast::CmpOp;

namespace {

[[noreturn]] void overflow() { fail(ErrorCode::invalid_argument, "integer overflow: values beyond 64 bits are not supported"); }
[[noreturn]] void zero_div(const char* what) { fail(ErrorCode::invalid_argument, std::string("ZeroDivisionError: ") + what); }

const char* op_symbol(BinOp op) {
    switch (op) {
        case BinOp::add: return "+";
        case BinOp::sub: return "-";
        case BinOp::mul: return "*";
        case BinOp::div: return "/";
        case BinOp::floordiv: return "//";
        case BinOp::mod: return "%";
        case BinOp::pow: return "** or pow()";
    }
    return "?";
}

[[noreturn]] void unsupported(BinOp op, const Value& a, const Value& b) {
    type_error(std::string("unsupported operand type(s) for ") + op_symbol(op) + ": '" + type_name(a) + "' and '" +
               type_name(b) + "'");
}

Value repeat(Evaluator& e, const Value& seq, int64_t n) {
    if (n < 0) n = 0;
    if (seq.is_string()) {
        const std::string& s = seq.as_string();
        if (!s.empty() && static_cast<uint64_t>(n) > e.limits().max_output_bytes / s.size())
            e.check_size(e.limits().max_output_bytes + 1);
        size_t total = s.size() * static_cast<size_t>(n);
        e.check_size(total);
        e.step(static_cast<int64_t>(total / 64));
        std::string out;
        out.reserve(total);
        for (int64_t i = 0; i < n; ++i) out += s;
        return Value::str(std::move(out));
    }
    const auto& items = seq.items();
    if (!items.empty() && static_cast<uint64_t>(n) > static_cast<uint64_t>(e.limits().max_steps) / items.size())
        e.check_items(static_cast<size_t>(e.limits().max_steps) + 1);
    e.check_items(items.size() * static_cast<size_t>(n));
    std::vector<Value> out;
    out.reserve(items.size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) out.insert(out.end(), items.begin(), items.end());
    return Value::list(std::move(out), seq.as_list().tag == ListData::Tag::tuple ? ListData::Tag::tuple : ListData::Tag::list);
}

double float_mod(double a, double b) {
    double m = std::fmod(a, b);
    if (m != 0) {
        if ((b < 0) != (m < 0)) m += b;
    } else {
        m = std::copysign(0.0, b);
    }
    return m;
}

double float_floordiv(double a, double b) {
    double m = std::fmod(a, b);
    double div = (a - m) / b;
    if (m != 0 && ((b < 0) != (m < 0))) div -= 1.0;
    if (div != 0) {
        double fl = std::floor(div);
        if (div - fl > 0.5) fl += 1.0;
        return fl;
    }
    return std::copysign(0.0, a / b);
}

Value int_pow(int64_t base, int64_t exp) {
    if (exp < 0) {
        if (base == 0) zero_div("0.0 cannot be raised to a negative power");
        return Value::real(std::pow(static_cast<double>(base), static_cast<double>(exp)));
    }
    int64_t result = 1;
    while (exp > 0) {
        if (exp & 1)
            if (__builtin_mul_overflow(result, base, &result)) overflow();
        exp >>= 1;
        if (exp && __builtin_mul_overflow(base, base, &base)) overflow();
    }
    return Value::integer(result);
}

bool seq_concat_ok(const Value& a, const Value& b) {
    if (!a.is_indexable_list() || !b.is_indexable_list()) return false;
    auto ta = a.as_list().tag, tb = b.as_list().tag;
    return (ta == ListData::Tag::list && tb == ListData::Tag::list) ||
           (ta == ListData::Tag::tuple && tb == ListData::Tag::tuple);
}

}  // namespace

Value binary_op(Evaluator& e, BinOp op, const Value& a, const Value& b) {
    // str % x runs before the undefined checks: Python's str.__mod__ accepts an Undefined argument
    if (op == BinOp::mod && a.is_string()) return Value::str(percent_format(e, a.as_string(), b));
    if (a.is_undefined()) raise_undefined(a);
    if (b.is_undefined()) raise_undefined(b);
    bool ints = a.is_integral() && b.is_integral();
    bool nums = a.is_number() && b.is_number();
    switch (op) {
        case BinOp::add:
            if (ints) {
                int64_t r;
                if (__builtin_add_overflow(a.int_value(), b.int_value(), &r)) overflow();
                return Value::integer(r);
            }
            if (nums) return Value::real(a.number_value() + b.number_value());
            if (a.is_string() && b.is_string()) {
                e.check_size(a.as_string().size() + b.as_string().size());
                e.step(static_cast<int64_t>((a.as_string().size() + b.as_string().size()) / 64));
                return Value::str(a.as_string() + b.as_string());
            }
            if (seq_concat_ok(a, b)) {
                e.check_items(a.items().size() + b.items().size());
                std::vector<Value> out = a.items();
                out.insert(out.end(), b.items().begin(), b.items().end());
                return Value::list(std::move(out), a.as_list().tag);
            }
            if (a.is_string()) type_error("can only concatenate str (not \"" + type_name(b) + "\") to str");
            if (a.is_list() && a.as_list().tag == ListData::Tag::list)
                type_error("can only concatenate list (not \"" + type_name(b) + "\") to list");
            unsupported(op, a, b);
        case BinOp::sub:
            if (ints) {
                int64_t r;
                if (__builtin_sub_overflow(a.int_value(), b.int_value(), &r)) overflow();
                return Value::integer(r);
            }
            if (nums) return Value::real(a.number_value() - b.number_value());
            unsupported(op, a, b);
        case BinOp::mul:
            if (ints) {
                int64_t r;
                if (__builtin_mul_overflow(a.int_value(), b.int_value(), &r)) overflow();
                return Value::integer(r);
            }
            if (nums) return Value::real(a.number_value() * b.number_value());
            if ((a.is_string() || a.is_indexable_list()) && b.is_integral()) return repeat(e, a, b.int_value());
            if ((b.is_string() || b.is_indexable_list()) && a.is_integral()) return repeat(e, b, a.int_value());
            unsupported(op, a, b);
        case BinOp::div:
            if (nums) {
                if (b.number_value() == 0) zero_div("division by zero");
                return Value::real(a.number_value() / b.number_value());
            }
            unsupported(op, a, b);
        case BinOp::floordiv:
            if (ints) {
                int64_t x = a.int_value(), y = b.int_value();
                if (y == 0) zero_div("integer division or modulo by zero");
                if (x == INT64_MIN && y == -1) overflow();
                int64_t q = x / y;
                if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
                return Value::integer(q);
            }
            if (nums) {
                if (b.number_value() == 0) zero_div("float floor division by zero");
                return Value::real(float_floordiv(a.number_value(), b.number_value()));
            }
            unsupported(op, a, b);
        case BinOp::mod:
            if (ints) {
                int64_t x = a.int_value(), y = b.int_value();
                if (y == 0) zero_div("integer division or modulo by zero");
                if (y == -1) return Value::integer(0);
                int64_t m = x % y;
                if (m != 0 && ((m < 0) != (y < 0))) m += y;
                return Value::integer(m);
            }
            if (nums) {
                if (b.number_value() == 0) zero_div("float modulo");
                return Value::real(float_mod(a.number_value(), b.number_value()));
            }
            unsupported(op, a, b);
        case BinOp::pow:
            if (ints) return int_pow(a.int_value(), b.int_value());
            if (nums) {
                double x = a.number_value(), y = b.number_value();
                if (x == 0 && y < 0) zero_div("0.0 cannot be raised to a negative power");
                if (x < 0 && y != std::floor(y))
                    fail(ErrorCode::unsupported, "complex results of ** are not supported");
                return Value::real(std::pow(x, y));
            }
            unsupported(op, a, b);
    }
    unsupported(op, a, b);
}

bool contains(Evaluator& e, const Value& c, const Value& item) {
    switch (c.kind()) {
        case Value::Kind::string:
            if (!item.is_string())
                type_error("'in <string>' requires string as left operand, not " + type_name(item));
            return c.as_string().find(item.as_string()) != std::string::npos;
        case Value::Kind::list:
            e.step(static_cast<int64_t>(c.items().size() / 8));
            for (const auto& v : c.items())
                if (equals(v, item)) return true;
            return false;
        case Value::Kind::dict:
            if ((item.is_list() && !item.is_tuple()) || item.is_dict() || item.is_ns())
                type_error("unhashable type: '" + type_name(item) + "'");
            return c.as_dict().find(item) != nullptr;
        case Value::Kind::iterator: {
            IteratorData& it = c.as_iterator();
            while (it.pos < it.items.size()) {
                e.step();
                if (equals(it.items[it.pos++], item)) return true;
            }
            return false;
        }
        case Value::Kind::undefined: return false;  // Undefined iterates as empty
        default: type_error("argument of type '" + type_name(c) + "' is not iterable");
    }
}

bool compare_op(Evaluator& e, CmpOp op, const Value& a, const Value& b) {
    switch (op) {
        case CmpOp::eq: return equals(a, b);
        case CmpOp::ne: return !equals(a, b);
        case CmpOp::in: return contains(e, b, a);
        case CmpOp::notin: return !contains(e, b, a);
        default: break;
    }
    int r = compare(a, b);
    if (r == 2) return false;  // NaN
    switch (op) {
        case CmpOp::lt: return r < 0;
        case CmpOp::lteq: return r <= 0;
        case CmpOp::gt: return r > 0;
        case CmpOp::gteq: return r >= 0;
        default: return false;
    }
}

Value negate(const Value& v) {
    if (v.is_integral()) {
        if (v.int_value() == INT64_MIN) overflow();
        return Value::integer(-v.int_value());
    }
    if (v.is_float()) return Value::real(-v.as_float());
    if (v.is_undefined()) raise_undefined(v);
    type_error("bad operand type for unary -: '" + type_name(v) + "'");
}

Value unary_plus(const Value& v) {
    if (v.is_integral()) return Value::integer(v.int_value());
    if (v.is_float()) return v;
    if (v.is_undefined()) raise_undefined(v);
    type_error("bad operand type for unary +: '" + type_name(v) + "'");
}

Value slice(Evaluator& e, const Value& obj, const Value& start_v, const Value& stop_v, const Value& step_v) {
    if (obj.is_undefined()) raise_undefined(obj);
    auto idx = [](const Value& v, bool& present) -> int64_t {
        present = !v.is_none();
        if (!present) return 0;
        if (v.is_integral()) return v.int_value();
        if (v.is_undefined()) raise_undefined(v);
        type_error("slice indices must be integers or None or have an __index__ method");
    };
    bool has_start, has_stop, has_step;
    int64_t start = idx(start_v, has_start), stop = idx(stop_v, has_stop), step = idx(step_v, has_step);
    if (!has_step) step = 1;
    if (step == 0) fail(ErrorCode::invalid_argument, "slice step cannot be zero");
    if (!obj.is_string() && !obj.is_indexable_list())
        return Value::undefined(cat({"'", object_type_repr(obj), "' has no element slice"}));

    std::vector<char32_t> cps;
    bool ascii = obj.is_string() && py::is_ascii(obj.as_string());
    if (obj.is_string() && !ascii) cps = py::decode(obj.as_string());
    int64_t len = obj.is_string() ? (ascii ? static_cast<int64_t>(obj.as_string().size()) : static_cast<int64_t>(cps.size()))
                                  : static_cast<int64_t>(obj.items().size());
    auto adjust = [&](int64_t v, bool present, bool is_start) {
        if (!present) return step < 0 ? (is_start ? len - 1 : -1) : (is_start ? 0 : len);
        if (v < 0) {
            v += len;
            if (v < 0) v = step < 0 ? -1 : 0;
        } else if (v >= len) {
            v = step < 0 ? len - 1 : len;
        }
        return v;
    };
    start = adjust(start, has_start, true);
    stop = adjust(stop, has_stop, false);
    std::vector<int64_t> picks;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) picks.push_back(i);
    e.step(static_cast<int64_t>(picks.size()));
    if (obj.is_string()) {
        std::string out;
        for (int64_t i : picks) {
            if (ascii) out += obj.as_string()[static_cast<size_t>(i)];
            else py::append_utf8(out, cps[static_cast<size_t>(i)]);
        }
        return Value::str(std::move(out));
    }
    std::vector<Value> out;
    out.reserve(picks.size());
    for (int64_t i : picks) out.push_back(obj.items()[static_cast<size_t>(i)]);
    return Value::list(std::move(out), obj.is_tuple() ? ListData::Tag::tuple : ListData::Tag::list);
}

}  // namespace farsight::jinja
