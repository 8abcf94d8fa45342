// Generic traversal of the syntax tree (used by the static analyses in the parser and template.cpp).
#include "tokenizer/jinja/ast.h"

namespace farsight::jinja {

namespace ast {

void for_each_child(const Node& n, const std::function<void(const Node&)>& f) {
    auto one = [&](const NodePtr& p) { if (p) f(*p); };
    auto many = [&](const std::vector<NodePtr>& v) { for (const auto& p : v) one(p); };
    auto args = [&](const Args& a) {
        many(a.args);
        for (const auto& k : a.kwargs) one(k.value);
        one(a.dyn_args);
        one(a.dyn_kwargs);
    };
    auto sig = [&](const MacroSig& s) { many(s.defaults); };
    switch (n.kind) {
        case Kind::getattr: one(static_cast<const Getattr&>(n).obj); break;
        case Kind::getitem: one(static_cast<const Getitem&>(n).obj); one(static_cast<const Getitem&>(n).key); break;
        case Kind::slice: {
            const auto& s = static_cast<const Slice&>(n);
            one(s.start); one(s.stop); one(s.step);
            break;
        }
        case Kind::call: one(static_cast<const Call&>(n).callee); args(static_cast<const Call&>(n).a); break;
        case Kind::filter: one(static_cast<const Filter&>(n).operand); args(static_cast<const Filter&>(n).a); break;
        case Kind::test: one(static_cast<const Test&>(n).operand); args(static_cast<const Test&>(n).a); break;
        case Kind::list: case Kind::tuple: many(static_cast<const Seq&>(n).items); break;
        case Kind::dict:
            for (const auto& kv : static_cast<const DictLit&>(n).items) { one(kv.first); one(kv.second); }
            break;
        case Kind::cond_expr: {
            const auto& c = static_cast<const CondExpr&>(n);
            one(c.test); one(c.expr1); one(c.expr2);
            break;
        }
        case Kind::bin_op: one(static_cast<const BinOpNode&>(n).left); one(static_cast<const BinOpNode&>(n).right); break;
        case Kind::concat: many(static_cast<const Concat&>(n).items); break;
        case Kind::compare: {
            const auto& c = static_cast<const Compare&>(n);
            one(c.expr);
            for (const auto& op : c.ops) one(op.second);
            break;
        }
        case Kind::and_: case Kind::or_:
            one(static_cast<const Binary&>(n).left); one(static_cast<const Binary&>(n).right);
            break;
        case Kind::not_: case Kind::neg: case Kind::pos: one(static_cast<const Unary&>(n).operand); break;
        case Kind::output: many(static_cast<const Output&>(n).items); break;
        case Kind::if_: {
            const auto& i = static_cast<const If&>(n);
            for (const auto& b : i.branches) { one(b.first); many(b.second); }
            many(i.else_);
            break;
        }
        case Kind::for_: {
            const auto& fo = static_cast<const For&>(n);
            one(fo.target); one(fo.iter); one(fo.test); many(fo.body); many(fo.else_);
            break;
        }
        case Kind::assign: one(static_cast<const Assign&>(n).target); one(static_cast<const Assign&>(n).value); break;
        case Kind::assign_block: {
            const auto& a = static_cast<const AssignBlock&>(n);
            one(a.target); one(a.filter); many(a.body);
            break;
        }
        case Kind::macro: sig(static_cast<const Macro&>(n).sig); many(static_cast<const Macro&>(n).body); break;
        case Kind::call_block: {
            const auto& c = static_cast<const CallBlock&>(n);
            one(c.call); sig(c.sig); many(c.body);
            break;
        }
        case Kind::filter_block: one(static_cast<const FilterBlock&>(n).filter); many(static_cast<const FilterBlock&>(n).body); break;
        case Kind::with: {
            const auto& w = static_cast<const With&>(n);
            many(w.targets); many(w.values); many(w.body);
            break;
        }
        case Kind::scoped_body: many(static_cast<const ScopedBody&>(n).body); break;
        default: break;
    }
}

}  // namespace ast

}  // namespace farsight::jinja
