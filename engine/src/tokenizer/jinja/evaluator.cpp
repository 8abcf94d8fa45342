// Evaluator (see evaluator.h). Reference: the Python that jinja2 3.1's compiler.py generates for
// each node (for-loop LoopContext, macro argument binding in runtime.Macro, sandbox getattr/getitem
// in sandbox.py), checked against jinja2 3.1.6 by the golden cases in tests/fixtures/templates.
#include "tokenizer/jinja/evaluator.h"

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/lexer.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

using namespace ast;

const Value* Scope::lookup(std::string_view name) const {
    for (const Scope* s = this; s; s = s->m_parent.get())
        for (const auto& kv : s->m_vars)
            if (kv.first == name) return &kv.second;
    return nullptr;
}

void Scope::set(std::string_view name, Value v) {
    for (auto& kv : m_vars)
        if (kv.first == name) {
            kv.second = std::move(v);
            return;
        }
    m_vars.emplace_back(std::string(name), std::move(v));
}

Evaluator::Evaluator(const TemplateLimits& limits, const std::string& source)
    : m_limits(limits), m_source(source), m_globals(template_globals()) {
    m_deadline = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(limits.max_seconds));
}

Evaluator::~Evaluator() {
    for (auto& w : m_closure_scopes)
        if (auto s = w.lock()) s->clear();
    for (auto& w : m_namespaces)
        if (auto n = w.lock()) n->attrs.clear();
}

Evaluator::DepthGuard::DepthGuard(Evaluator& ev) : e(ev) {
    if (++e.m_depth > e.m_limits.max_depth) {
        --e.m_depth;
        fail(ErrorCode::limit_exceeded,
             "template recursion exceeds the depth limit (" + std::to_string(e.m_limits.max_depth) + ")");
    }
}

void Evaluator::step(int64_t n) {
    int64_t before = m_steps;
    m_steps += n;
    if (m_steps > m_limits.max_steps)
        fail(ErrorCode::limit_exceeded, "template exceeded the step limit (" + std::to_string(m_limits.max_steps) + ")");
    if ((before >> 10) != (m_steps >> 10) && std::chrono::steady_clock::now() > m_deadline)
        fail(ErrorCode::limit_exceeded, "template exceeded the time limit (" + std::to_string(m_limits.max_seconds) + " s)");
}

void Evaluator::check_size(size_t bytes) const {
    if (bytes > m_limits.max_output_bytes)
        fail(ErrorCode::limit_exceeded, "a string of " + std::to_string(bytes) + " bytes exceeds the output limit (" +
                                            std::to_string(m_limits.max_output_bytes) + ")");
}

void Evaluator::check_items(size_t n) {
    if (n > static_cast<size_t>(m_limits.max_steps - m_steps))
        fail(ErrorCode::limit_exceeded, "a sequence of " + std::to_string(n) + " items exceeds the step limit");
    step(static_cast<int64_t>(n));
}

void Evaluator::append_output(std::string& out, std::string_view s) const {
    if (out.size() + s.size() > m_limits.max_output_bytes)
        fail(ErrorCode::limit_exceeded, "rendered output exceeds the limit (" + std::to_string(m_limits.max_output_bytes) + " bytes)");
    out.append(s);
}

std::string Evaluator::render(const Body& body, const ScopePtr& root) {
    std::string out;
    exec_body(body, root, out);
    return out;
}


CallArgs Evaluator::eval_args(const Args& a, const ScopePtr& scope) {
    CallArgs out;
    for (const auto& arg : a.args) out.args.push_back(eval(*arg, scope));
    if (a.dyn_args) {
        std::vector<Value> extra = to_list(eval(*a.dyn_args, scope));
        out.args.insert(out.args.end(), extra.begin(), extra.end());
    }
    for (const auto& kw : a.kwargs) out.kwargs.emplace_back(kw.name, eval(*kw.value, scope));
    if (a.dyn_kwargs) {
        Value d = eval(*a.dyn_kwargs, scope);
        if (!d.is_dict()) type_error("argument after ** must be a mapping, not " + type_name(d));
        for (const auto& kv : d.as_dict().items) {
            if (!kv.first.is_string()) type_error("keywords must be strings");
            out.kwargs.emplace_back(kv.first.as_string(), kv.second);
        }
    }
    return out;
}

Value Evaluator::eval(const Node& node, const ScopePtr& scope) {
    step();
    DepthGuard guard(*this);
    try {
        return eval_inner(node, scope);
    } catch (TemplateError& e) {
        if (!e.located) {
            e.message = "at " + describe_position(m_source, node.pos) + ": " + e.message;
            e.located = true;
        }
        throw;
    }
}

Value Evaluator::eval_inner(const Node& node, const ScopePtr& scope) {
    switch (node.kind) {
        case Kind::constant: return static_cast<const Const&>(node).value;
        case Kind::name: return lookup(static_cast<const Name&>(node).name, scope);
        case Kind::getattr: {
            const auto& g = static_cast<const Getattr&>(node);
            return getattr(eval(*g.obj, scope), g.attr);
        }
        case Kind::getitem: {
            const auto& g = static_cast<const Getitem&>(node);
            Value obj = eval(*g.obj, scope);
            if (g.key->kind == Kind::slice) {
                const auto& s = static_cast<const Slice&>(*g.key);
                Value a = s.start ? eval(*s.start, scope) : Value::none();
                Value b = s.stop ? eval(*s.stop, scope) : Value::none();
                Value c = s.step ? eval(*s.step, scope) : Value::none();
                return slice(*this, obj, a, b, c);
            }
            return getitem(obj, eval(*g.key, scope));
        }
        case Kind::call: {
            const auto& c = static_cast<const Call&>(node);
            Value callee = eval(*c.callee, scope);
            CallArgs args = eval_args(c.a, scope);
            return call(callee, args);
        }
        case Kind::filter: {
            const auto& f = static_cast<const Filter&>(node);
            Value operand = eval(*f.operand, scope);
            CallArgs args = eval_args(f.a, scope);
            return call_filter(f.name, operand, args);
        }
        case Kind::test: {
            const auto& t = static_cast<const Test&>(node);
            Value operand = eval(*t.operand, scope);
            CallArgs args = eval_args(t.a, scope);
            return Value::boolean(call_test(t.name, operand, args));
        }
        case Kind::list: case Kind::tuple: {
            const auto& s = static_cast<const Seq&>(node);
            std::vector<Value> items;
            items.reserve(s.items.size());
            for (const auto& i : s.items) items.push_back(eval(*i, scope));
            return Value::list(std::move(items), node.kind == Kind::tuple ? ListData::Tag::tuple : ListData::Tag::list);
        }
        case Kind::dict: {
            auto d = std::make_shared<DictData>();
            for (const auto& kv : static_cast<const DictLit&>(node).items) {
                Value k = eval(*kv.first, scope);
                d->set(std::move(k), eval(*kv.second, scope));
            }
            return Value::dict(std::move(d));
        }
        case Kind::cond_expr: {
            const auto& c = static_cast<const CondExpr&>(node);
            if (truthy(eval(*c.test, scope))) return eval(*c.expr1, scope);
            if (c.expr2) return eval(*c.expr2, scope);
            return Value::undefined("the inline if-expression on " + describe_position(m_source, node.pos) +
                                    " evaluated to false and no else section was defined.");
        }
        case Kind::bin_op: {
            const auto& b = static_cast<const BinOpNode&>(node);
            Value l = eval(*b.left, scope);
            Value r = eval(*b.right, scope);
            return binary_op(*this, b.op, l, r);
        }
        case Kind::concat: {
            std::string s;
            for (const auto& i : static_cast<const Concat&>(node).items) {
                Value v = eval(*i, scope);
                if (v.is_string()) {
                    check_size(s.size() + v.as_string().size());
                    s += v.as_string();
                } else {
                    s += to_str(v);
                    check_size(s.size());
                }
            }
            step(static_cast<int64_t>(s.size() / 64));
            return Value::str(std::move(s));
        }
        case Kind::compare: {
            const auto& c = static_cast<const Compare&>(node);
            Value left = eval(*c.expr, scope);
            for (const auto& [op, rhs] : c.ops) {
                Value right = eval(*rhs, scope);
                if (!compare_op(*this, op, left, right)) return Value::boolean(false);
                left = std::move(right);
            }
            return Value::boolean(true);
        }
        case Kind::and_: {
            const auto& b = static_cast<const Binary&>(node);
            Value l = eval(*b.left, scope);
            return truthy(l) ? eval(*b.right, scope) : l;
        }
        case Kind::or_: {
            const auto& b = static_cast<const Binary&>(node);
            Value l = eval(*b.left, scope);
            return truthy(l) ? l : eval(*b.right, scope);
        }
        case Kind::not_: return Value::boolean(!truthy(eval(*static_cast<const Unary&>(node).operand, scope)));
        case Kind::neg: return negate(eval(*static_cast<const Unary&>(node).operand, scope));
        case Kind::pos: return unary_plus(eval(*static_cast<const Unary&>(node).operand, scope));
        case Kind::slice: fail(ErrorCode::invalid_argument, "a slice is only valid inside []");
        default: fail(ErrorCode::internal, "statement evaluated as an expression");
    }
}

// ---- statements

Evaluator::Flow Evaluator::exec_body(const Body& body, const ScopePtr& scope, std::string& out) {
    for (const auto& stmt : body) {
        Flow f = exec(*stmt, scope, out);
        if (f != Flow::normal) return f;
    }
    return Flow::normal;
}

std::string Evaluator::render_child(const Body& body, const ScopePtr& scope) {
    std::string out;
    exec_body(body, std::make_shared<Scope>(scope), out);
    return out;
}

Evaluator::Flow Evaluator::exec(const Node& node, const ScopePtr& scope, std::string& out) {
    step();
    DepthGuard guard(*this);
    try {
        switch (node.kind) {
            case Kind::output:
                for (const auto& item : static_cast<const Output&>(node).items) {
                    if (item->kind == Kind::template_data) {
                        append_output(out, static_cast<const TemplateData&>(*item).text);
                        continue;
                    }
                    Value v = eval(*item, scope);
                    if (v.is_string()) append_output(out, v.as_string());  // no copy of large strings
                    else append_output(out, to_str(v));
                }
                return Flow::normal;
            case Kind::if_: {
                const auto& i = static_cast<const If&>(node);
                for (const auto& [test, body] : i.branches)
                    if (truthy(eval(*test, scope))) return exec_body(body, scope, out);
                return exec_body(i.else_, scope, out);
            }
            case Kind::for_: exec_for(static_cast<const For&>(node), scope, out); return Flow::normal;
            case Kind::assign: {
                const auto& a = static_cast<const Assign&>(node);
                assign(*a.target, eval(*a.value, scope), scope);
                return Flow::normal;
            }
            case Kind::assign_block: {
                const auto& a = static_cast<const AssignBlock&>(node);
                Value v = Value::str(render_child(a.body, scope));
                if (a.filter) v = apply_filter_node(a.filter.get(), std::move(v), scope);
                assign(*a.target, v, scope);
                return Flow::normal;
            }
            case Kind::macro: {
                const auto& m = static_cast<const Macro&>(node);
                scope->set(m.name, make_macro(m.name, m.sig, m.body, scope));
                return Flow::normal;
            }
            case Kind::call_block: {
                const auto& c = static_cast<const CallBlock&>(node);
                const auto& call_node = static_cast<const Call&>(*c.call);
                Value callee = eval(*call_node.callee, scope);
                CallArgs args = eval_args(call_node.a, scope);
                args.kwargs.emplace_back("caller", make_macro("caller", c.sig, c.body, scope));
                append_output(out, to_str(call(callee, args)));
                return Flow::normal;
            }
            case Kind::filter_block: {
                const auto& f = static_cast<const FilterBlock&>(node);
                Value v = apply_filter_node(f.filter.get(), Value::str(render_child(f.body, scope)), scope);
                append_output(out, to_str(v));
                return Flow::normal;
            }
            case Kind::with: {
                const auto& w = static_cast<const With&>(node);
                std::vector<Value> values;
                for (const auto& v : w.values) values.push_back(eval(*v, scope));
                auto child = std::make_shared<Scope>(scope);
                for (size_t i = 0; i < w.targets.size(); ++i) assign(*w.targets[i], values[i], child);
                return exec_body(w.body, child, out);
            }
            case Kind::scoped_body: {
                append_output(out, render_child(static_cast<const ScopedBody&>(node).body, scope));
                return Flow::normal;
            }
            case Kind::break_: return Flow::break_;
            case Kind::continue_: return Flow::continue_;
            default: fail(ErrorCode::internal, "expression executed as a statement");
        }
    } catch (TemplateError& e) {
        if (!e.located) {
            e.message = "at " + describe_position(m_source, node.pos) + ": " + e.message;
            e.located = true;
        }
        throw;
    }
}

void Evaluator::exec_for(const For& node, const ScopePtr& scope, std::string& out) {
    std::vector<Value> items = to_list(eval(*node.iter, scope));
    if (node.test) {
        std::vector<Value> kept;
        for (auto& item : items) {
            auto s = std::make_shared<Scope>(scope);
            assign(*node.target, item, s);
            if (truthy(eval(*node.test, s))) kept.push_back(std::move(item));
        }
        items = std::move(kept);
    }
    if (items.empty()) {
        exec_body(node.else_, std::make_shared<Scope>(scope), out);
        return;
    }
    const size_t n = items.size();
    auto last_changed = std::make_shared<std::optional<Value>>();
    for (size_t i = 0; i < n; ++i) {
        step();
        auto s = std::make_shared<Scope>(scope);
        assign(*node.target, items[i], s);
        if (!node.uses_loop) {
            if (exec_body(node.body, s, out) == Flow::break_) break;
            continue;
        }
        auto loop = std::make_shared<DictData>();
        auto iv = [](size_t x) { return Value::integer(static_cast<int64_t>(x)); };
        loop->set(Value::str("index"), iv(i + 1));
        loop->set(Value::str("index0"), iv(i));
        loop->set(Value::str("revindex"), iv(n - i));
        loop->set(Value::str("revindex0"), iv(n - i - 1));
        loop->set(Value::str("first"), Value::boolean(i == 0));
        loop->set(Value::str("last"), Value::boolean(i + 1 == n));
        loop->set(Value::str("length"), iv(n));
        loop->set(Value::str("depth"), iv(1));
        loop->set(Value::str("depth0"), iv(0));
        if (i > 0) loop->set(Value::str("previtem"), items[i - 1]);
        if (i + 1 < n) loop->set(Value::str("nextitem"), items[i + 1]);
        loop->set(Value::str("cycle"), Value::callable("cycle", [i](Evaluator&, CallArgs& a) -> Value {
            if (a.args.empty()) type_error("no items for cycling given");
            return a.args[i % a.args.size()];
        }));
        loop->set(Value::str("changed"), Value::callable("changed", [last_changed](Evaluator&, CallArgs& a) -> Value {
            Value now = Value::tuple(a.args);
            if (last_changed->has_value() && equals(**last_changed, now)) return Value::boolean(false);
            *last_changed = now;
            return Value::boolean(true);
        }));
        s->set("loop", Value::dict(std::move(loop)));
        assign(*node.target, items[i], s);  // a target named `loop` wins, as in jinja2
        if (exec_body(node.body, s, out) == Flow::break_) break;
    }
}

void Evaluator::assign(const Node& target, const Value& value, const ScopePtr& scope) {
    switch (target.kind) {
        case Kind::name: scope->set(static_cast<const Name&>(target).name, value); return;
        case Kind::ns_ref: {
            const auto& r = static_cast<const NSRef&>(target);
            Value ns = lookup(r.name, scope);
            if (!ns.is_ns()) fail(ErrorCode::invalid_argument, "cannot assign attribute on non-namespace object");
            if (!r.attr.empty() && r.attr[0] == '_')
                fail(ErrorCode::invalid_argument, "SecurityError: Chat templates cannot store underscore-prefixed "
                                                  "attributes on a namespace, but got '" + r.attr + "'.");
            ns.as_ns().set(r.attr, value);
            return;
        }
        case Kind::tuple: {
            const auto& t = static_cast<const Seq&>(target);
            std::vector<Value> items = to_list(value);
            if (items.size() > t.items.size())
                type_error("too many values to unpack (expected " + std::to_string(t.items.size()) + ")");
            if (items.size() < t.items.size())
                type_error("not enough values to unpack (expected " + std::to_string(t.items.size()) + ", got " +
                           std::to_string(items.size()) + ")");
            for (size_t i = 0; i < items.size(); ++i) assign(*t.items[i], items[i], scope);
            return;
        }
        default: fail(ErrorCode::invalid_argument, "cannot assign to this expression");
    }
}

Value Evaluator::make_macro(const std::string& name, const MacroSig& sig, const Body& body, const ScopePtr& scope) {
    const MacroSig* sp = &sig;
    const Body* bp = &body;
    m_closure_scopes.push_back(scope);
    return Value::callable(name, [sp, bp, scope, name](Evaluator& e, CallArgs& args) -> Value {
        const MacroSig& sig = *sp;
        DepthGuard guard(e);
        auto s = std::make_shared<Scope>(scope);
        const size_t n_params = sig.params.size();
        std::vector<bool> bound(n_params, false);
        std::vector<Value> varargs;
        auto kwargs = std::make_shared<DictData>();
        Value caller = Value::undefined("No caller defined");
        for (size_t i = 0; i < args.args.size(); ++i) {
            if (i < n_params) {
                s->set(sig.params[i], args.args[i]);
                bound[i] = true;
            } else if (sig.uses_varargs) {
                varargs.push_back(args.args[i]);
            } else {
                type_error("macro '" + name + "' takes not more than " + std::to_string(n_params) + " argument(s)");
            }
        }
        for (auto& [k, v] : args.kwargs) {
            size_t idx = n_params;
            for (size_t i = 0; i < n_params; ++i)
                if (sig.params[i] == k) idx = i;
            if (idx < n_params) {
                if (bound[idx]) type_error("macro '" + name + "' got multiple values for argument '" + k + "'");
                s->set(k, v);
                bound[idx] = true;
            } else if (k == "caller" && sig.uses_caller) {
                caller = v;
            } else if (sig.uses_kwargs) {
                kwargs->set(Value::str(k), v);
            } else {
                type_error("macro '" + name + "' takes no keyword argument '" + k + "'");
            }
        }
        // Unbound parameters are undefined inside the macro (also in defaults that name them); defaults
        // are then evaluated in order, seeing the parameters resolved before them.
        const size_t first_default = n_params - sig.defaults.size();
        for (size_t i = 0; i < n_params; ++i)
            if (!bound[i]) s->set(sig.params[i], Value::undefined("parameter '" + sig.params[i] + "' was not provided"));
        for (size_t i = first_default; i < n_params; ++i)
            if (!bound[i]) s->set(sig.params[i], e.eval(*sig.defaults[i - first_default], s));
        if (sig.uses_varargs) s->set("varargs", Value::tuple(std::move(varargs)));
        if (sig.uses_kwargs) s->set("kwargs", Value::dict(std::move(kwargs)));
        if (sig.uses_caller) s->set("caller", caller);
        std::string out;
        e.exec_body(*bp, s, out);
        return Value::str(std::move(out));
    }, "<Macro '" + name + "'>");
}

Value Evaluator::apply_filter_node(const Node* filter, Value body_value, const ScopePtr& scope) {
    const auto& f = static_cast<const Filter&>(*filter);
    Value operand = f.operand ? apply_filter_node(f.operand.get(), std::move(body_value), scope) : std::move(body_value);
    CallArgs args = eval_args(f.a, scope);
    return call_filter(f.name, operand, args);
}

}  // namespace farsight::jinja
