// Syntax tree of a parsed chat template; mirrors jinja2 3.1 nodes.py for the supported subset.
// Every node records the byte offset of its source position for error messages.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tokenizer/jinja/value.h"

namespace farsight::jinja::ast {

enum class Kind : uint8_t {
    // expressions
    constant, name, ns_ref, getattr, getitem, slice, call, filter, test, list, tuple, dict, cond_expr,
    bin_op, concat, compare, and_, or_, not_, neg, pos,
    // statements
    output, template_data, if_, for_, assign, assign_block, macro, call_block, filter_block, with,
    scoped_body, break_, continue_,
};

struct Node {
    Kind kind;
    uint32_t pos;
    Node(Kind k, uint32_t p) : kind(k), pos(p) {}
    virtual ~Node() = default;
};
using NodePtr = std::unique_ptr<Node>;
using Body = std::vector<NodePtr>;

struct Const : Node { Value value; Const(uint32_t p, Value v) : Node(Kind::constant, p), value(std::move(v)) {} };
struct Name : Node { std::string name; Name(uint32_t p, std::string n) : Node(Kind::name, p), name(std::move(n)) {} };
struct NSRef : Node {  // `ns.attr` as an assignment target
    std::string name, attr;
    NSRef(uint32_t p, std::string n, std::string a) : Node(Kind::ns_ref, p), name(std::move(n)), attr(std::move(a)) {}
};
struct Getattr : Node {
    NodePtr obj;
    std::string attr;
    Getattr(uint32_t p, NodePtr o, std::string a) : Node(Kind::getattr, p), obj(std::move(o)), attr(std::move(a)) {}
};
struct Getitem : Node {
    NodePtr obj, key;
    Getitem(uint32_t p, NodePtr o, NodePtr k) : Node(Kind::getitem, p), obj(std::move(o)), key(std::move(k)) {}
};
struct Slice : Node {
    NodePtr start, stop, step;  // any may be null
    explicit Slice(uint32_t p) : Node(Kind::slice, p) {}
};

struct Keyword { std::string name; NodePtr value; };
struct Args {
    std::vector<NodePtr> args;
    std::vector<Keyword> kwargs;
    NodePtr dyn_args, dyn_kwargs;  // *args, **kwargs
};
struct Call : Node {
    NodePtr callee;
    Args a;
    Call(uint32_t p, NodePtr c) : Node(Kind::call, p), callee(std::move(c)) {}
};
struct Filter : Node {  // operand is null inside `{% filter %}` / `{% set x | f %}`: the body output
    NodePtr operand;
    std::string name;
    Args a;
    Filter(uint32_t p, NodePtr o, std::string n) : Node(Kind::filter, p), operand(std::move(o)), name(std::move(n)) {}
};
struct Test : Node {
    NodePtr operand;
    std::string name;
    Args a;
    Test(uint32_t p, NodePtr o, std::string n) : Node(Kind::test, p), operand(std::move(o)), name(std::move(n)) {}
};
struct Seq : Node {  // list and tuple literals
    std::vector<NodePtr> items;
    Seq(Kind k, uint32_t p) : Node(k, p) {}
};
struct DictLit : Node {
    std::vector<std::pair<NodePtr, NodePtr>> items;
    explicit DictLit(uint32_t p) : Node(Kind::dict, p) {}
};
struct CondExpr : Node {
    NodePtr test, expr1, expr2;  // expr2 may be null: `a if c` gives undefined when c is false
    CondExpr(uint32_t p) : Node(Kind::cond_expr, p) {}
};
enum class BinOp : uint8_t { add, sub, mul, div, floordiv, mod, pow };
struct BinOpNode : Node {
    BinOp op;
    NodePtr left, right;
    BinOpNode(uint32_t p, BinOp o, NodePtr l, NodePtr r)
        : Node(Kind::bin_op, p), op(o), left(std::move(l)), right(std::move(r)) {}
};
struct Concat : Node {
    std::vector<NodePtr> items;
    explicit Concat(uint32_t p) : Node(Kind::concat, p) {}
};
enum class CmpOp : uint8_t { eq, ne, lt, lteq, gt, gteq, in, notin };
struct Compare : Node {
    NodePtr expr;
    std::vector<std::pair<CmpOp, NodePtr>> ops;
    explicit Compare(uint32_t p) : Node(Kind::compare, p) {}
};
struct Binary : Node {  // and / or
    NodePtr left, right;
    Binary(Kind k, uint32_t p, NodePtr l, NodePtr r) : Node(k, p), left(std::move(l)), right(std::move(r)) {}
};
struct Unary : Node {  // not / neg / pos
    NodePtr operand;
    Unary(Kind k, uint32_t p, NodePtr o) : Node(k, p), operand(std::move(o)) {}
};

// ---- statements
struct Output : Node {  // template data and {{ expressions }}
    std::vector<NodePtr> items;
    explicit Output(uint32_t p) : Node(Kind::output, p) {}
};
struct TemplateData : Node {
    std::string text;
    TemplateData(uint32_t p, std::string t) : Node(Kind::template_data, p), text(std::move(t)) {}
};
struct If : Node {
    std::vector<std::pair<NodePtr, Body>> branches;  // if + elifs
    Body else_;
    explicit If(uint32_t p) : Node(Kind::if_, p) {}
};
struct For : Node {
    NodePtr target, iter, test;  // test may be null
    Body body, else_;
    bool recursive = false;
    bool uses_loop = true;  // the body (or a macro in it) reads `loop`: build the loop object
    explicit For(uint32_t p) : Node(Kind::for_, p) {}
};
struct Assign : Node {
    NodePtr target, value;
    Assign(uint32_t p, NodePtr t, NodePtr v) : Node(Kind::assign, p), target(std::move(t)), value(std::move(v)) {}
};
struct AssignBlock : Node {
    NodePtr target, filter;  // filter may be null
    Body body;
    explicit AssignBlock(uint32_t p) : Node(Kind::assign_block, p) {}
};
struct MacroSig {
    std::vector<std::string> params;
    std::vector<NodePtr> defaults;  // for the last defaults.size() params
    bool uses_caller = false, uses_varargs = false, uses_kwargs = false;
};
struct Macro : Node {
    std::string name;
    MacroSig sig;
    Body body;
    explicit Macro(uint32_t p) : Node(Kind::macro, p) {}
};
struct CallBlock : Node {  // {% call(params) macro(args) %}body{% endcall %}
    NodePtr call;
    MacroSig sig;
    Body body;
    explicit CallBlock(uint32_t p) : Node(Kind::call_block, p) {}
};
struct FilterBlock : Node {
    NodePtr filter;
    Body body;
    explicit FilterBlock(uint32_t p) : Node(Kind::filter_block, p) {}
};
struct With : Node {
    std::vector<NodePtr> targets, values;
    Body body;
    explicit With(uint32_t p) : Node(Kind::with, p) {}
};
struct ScopedBody : Node {  // {% generation %}: rendered in its own scope, like a caller() body
    Body body;
    explicit ScopedBody(uint32_t p) : Node(Kind::scoped_body, p) {}
};

// Calls f on every direct child node (expressions and statements); used by static analyses.
void for_each_child(const Node& n, const std::function<void(const Node&)>& f);

}  // namespace farsight::jinja::ast
