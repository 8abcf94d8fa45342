// Expressions of the template grammar with jinja2 3.1's precedence (parse_condexpr ... parse_unary,
// parse_primary, parse_tuple, parse_subscript, parse_call_args, parse_filter, parse_test).
#include "tokenizer/jinja/parser_impl.h"

namespace farsight::jinja {

NodePtr Parser::parse_condexpr() {
    DepthGuard guard(*this, cur().pos);
    uint32_t pos = cur().pos;
    NodePtr expr1 = parse_or();
    int chain = 0;
    while (skip_name("if")) {
        chain_link(chain, pos);
        auto c = std::make_unique<CondExpr>(pos);
        c->test = parse_or();
        if (skip_name("else")) c->expr2 = parse_condexpr();
        c->expr1 = std::move(expr1);
        expr1 = std::move(c);
        pos = cur().pos;
    }
    return expr1;
}

NodePtr Parser::parse_or() {
    uint32_t pos = cur().pos;
    NodePtr left = parse_and();
    int chain = 0;
    while (skip_name("or")) {
        chain_link(chain, pos);
        left = std::make_unique<Binary>(Kind::or_, pos, std::move(left), parse_and());
    }
    return left;
}

NodePtr Parser::parse_and() {
    uint32_t pos = cur().pos;
    NodePtr left = parse_not();
    int chain = 0;
    while (skip_name("and")) {
        chain_link(chain, pos);
        left = std::make_unique<Binary>(Kind::and_, pos, std::move(left), parse_not());
    }
    return left;
}

NodePtr Parser::parse_not() {
    if (is_name(cur(), "not")) {
        uint32_t pos = cur().pos;
        DepthGuard guard(*this, pos);
        next();
        return std::make_unique<Unary>(Kind::not_, pos, parse_not());
    }
    return parse_compare();
}

NodePtr Parser::parse_compare() {
    uint32_t pos = cur().pos;
    NodePtr expr = parse_math1();
    std::unique_ptr<Compare> cmp;
    while (true) {
        CmpOp op;
        Tok t = cur().type;
        if (t == Tok::eq) op = CmpOp::eq;
        else if (t == Tok::ne) op = CmpOp::ne;
        else if (t == Tok::lt) op = CmpOp::lt;
        else if (t == Tok::lteq) op = CmpOp::lteq;
        else if (t == Tok::gt) op = CmpOp::gt;
        else if (t == Tok::gteq) op = CmpOp::gteq;
        else if (is_name(cur(), "in")) op = CmpOp::in;
        else if (is_name(cur(), "not") && is_name(look(), "in")) { op = CmpOp::notin; next(); }
        else break;
        next();
        if (!cmp) {
            cmp = std::make_unique<Compare>(pos);
            cmp->expr = std::move(expr);
        }
        cmp->ops.emplace_back(op, parse_math1());
    }
    if (cmp) return cmp;
    return expr;
}

NodePtr Parser::parse_math1() {
    uint32_t pos = cur().pos;
    NodePtr left = parse_concat();
    int chain = 0;
    while (cur().type == Tok::add || cur().type == Tok::sub) {
        chain_link(chain, pos);
        BinOp op = cur().type == Tok::add ? BinOp::add : BinOp::sub;
        next();
        left = std::make_unique<BinOpNode>(pos, op, std::move(left), parse_concat());
    }
    return left;
}

NodePtr Parser::parse_concat() {
    uint32_t pos = cur().pos;
    NodePtr first = parse_math2();
    if (cur().type != Tok::tilde) return first;
    auto c = std::make_unique<Concat>(pos);
    c->items.push_back(std::move(first));
    while (skip_if(Tok::tilde)) c->items.push_back(parse_math2());
    return c;
}

NodePtr Parser::parse_math2() {
    uint32_t pos = cur().pos;
    NodePtr left = parse_pow();
    int chain = 0;
    while (true) {
        BinOp op;
        Tok t = cur().type;
        if (t == Tok::mul) op = BinOp::mul;
        else if (t == Tok::div) op = BinOp::div;
        else if (t == Tok::floordiv) op = BinOp::floordiv;
        else if (t == Tok::mod) op = BinOp::mod;
        else break;
        chain_link(chain, pos);
        next();
        left = std::make_unique<BinOpNode>(pos, op, std::move(left), parse_pow());
    }
    return left;
}

NodePtr Parser::parse_pow() {
    uint32_t pos = cur().pos;
    NodePtr left = parse_unary(true);
    int chain = 0;
    while (skip_if(Tok::pow)) {
        chain_link(chain, pos);
        left = std::make_unique<BinOpNode>(pos, BinOp::pow, std::move(left), parse_unary(true));
    }
    return left;
}

NodePtr Parser::parse_unary(bool with_filter) {
    uint32_t pos = cur().pos;
    NodePtr node;
    if (cur().type == Tok::sub || cur().type == Tok::add) {
        DepthGuard guard(*this, pos);
        Kind k = cur().type == Tok::sub ? Kind::neg : Kind::pos;
        next();
        node = std::make_unique<Unary>(k, pos, parse_unary(false));
    } else {
        node = parse_primary(false);
    }
    node = parse_postfix(std::move(node));
    if (with_filter) node = parse_filter_expr(std::move(node));
    return node;
}

NodePtr Parser::parse_primary(bool with_namespace) {
    const Token& t = cur();
    uint32_t pos = t.pos;
    switch (t.type) {
        case Tok::name: {
            std::string name = t.text;
            next();
            if (name == "true" || name == "True") return std::make_unique<Const>(pos, Value::boolean(true));
            if (name == "false" || name == "False") return std::make_unique<Const>(pos, Value::boolean(false));
            if (name == "none" || name == "None") return std::make_unique<Const>(pos, Value::none());
            if (with_namespace && cur().type == Tok::dot) {
                next();
                return std::make_unique<NSRef>(pos, name, expect(Tok::name).text);
            }
            return std::make_unique<Name>(pos, name);
        }
        case Tok::string: {
            std::string s = t.text;
            next();
            while (cur().type == Tok::string) {
                s += cur().text;
                next();
            }
            return std::make_unique<Const>(pos, Value::str(std::move(s)));
        }
        case Tok::integer: next(); return std::make_unique<Const>(pos, Value::integer(t.ival));
        case Tok::floating: next(); return std::make_unique<Const>(pos, Value::real(t.fval));
        case Tok::lparen: {
            DepthGuard guard(*this, pos);
            next();
            NodePtr n = parse_tuple(false, true, {}, true, false);
            expect(Tok::rparen);
            return n;
        }
        case Tok::lbracket: {
            DepthGuard guard(*this, pos);
            next();
            auto l = std::make_unique<Seq>(Kind::list, pos);
            while (cur().type != Tok::rbracket) {
                if (!l->items.empty()) expect(Tok::comma);
                if (cur().type == Tok::rbracket) break;
                l->items.push_back(parse_expression(true));
            }
            expect(Tok::rbracket);
            return l;
        }
        case Tok::lbrace: {
            DepthGuard guard(*this, pos);
            next();
            auto d = std::make_unique<DictLit>(pos);
            while (cur().type != Tok::rbrace) {
                if (!d->items.empty()) expect(Tok::comma);
                if (cur().type == Tok::rbrace) break;
                NodePtr key = parse_expression(true);
                expect(Tok::colon);
                d->items.emplace_back(std::move(key), parse_expression(true));
            }
            expect(Tok::rbrace);
            return d;
        }
        default:
            if (t.type == Tok::eof) error(pos, "unexpected end of template");
            error(pos, "unexpected " + describe(t));
    }
}

bool Parser::is_tuple_end(Names extra_end) const {
    Tok t = cur().type;
    if (t == Tok::variable_end || t == Tok::block_end || t == Tok::rparen) return true;
    return extra_end.size() && is_any_name(cur(), extra_end);
}

NodePtr Parser::parse_tuple(bool simplified, bool with_condexpr, Names extra_end, bool explicit_parentheses, bool with_namespace) {
    uint32_t pos = cur().pos;
    std::vector<NodePtr> args;
    bool is_tuple = false;
    while (true) {
        if (!args.empty()) expect(Tok::comma);
        if (is_tuple_end(extra_end)) break;
        args.push_back(simplified ? parse_primary(with_namespace) : parse_expression(with_condexpr));
        if (cur().type == Tok::comma) is_tuple = true;
        else break;
    }
    if (!is_tuple) {
        if (!args.empty()) return std::move(args[0]);
        if (!explicit_parentheses) error(cur().pos, "expected an expression, got " + describe(cur()));
    }
    auto t = std::make_unique<Seq>(Kind::tuple, pos);
    t->items = std::move(args);
    return t;
}

NodePtr Parser::parse_postfix(NodePtr node) {
    int chain = 0;
    while (true) {
        Tok t = cur().type;
        if (t == Tok::dot || t == Tok::lbracket || t == Tok::lparen) chain_link(chain, cur().pos);
        if (t == Tok::dot || t == Tok::lbracket) node = parse_subscript(std::move(node));
        else if (t == Tok::lparen) node = parse_call(std::move(node));
        else break;
    }
    return node;
}

NodePtr Parser::parse_filter_expr(NodePtr node) {
    int chain = 0;
    while (true) {
        if (cur().type == Tok::pipe || cur().type == Tok::lparen || is_name(cur(), "is")) chain_link(chain, cur().pos);
        if (cur().type == Tok::pipe) node = parse_filter(std::move(node), false);
        else if (is_name(cur(), "is")) node = parse_test(std::move(node));
        else if (cur().type == Tok::lparen) node = parse_call(std::move(node));
        else break;
    }
    return node;
}

NodePtr Parser::parse_subscript(NodePtr node) {
    const Token& t = cur();
    uint32_t pos = t.pos;
    next();
    if (t.type == Tok::dot) {
        const Token& attr = cur();
        next();
        if (attr.type == Tok::name) return std::make_unique<Getattr>(pos, std::move(node), attr.text);
        if (attr.type != Tok::integer) error(attr.pos, "expected name or number");
        return std::make_unique<Getitem>(pos, std::move(node), std::make_unique<Const>(attr.pos, Value::integer(attr.ival)));
    }
    DepthGuard guard(*this, pos);
    std::vector<NodePtr> args;
    while (cur().type != Tok::rbracket) {
        if (!args.empty()) expect(Tok::comma);
        args.push_back(parse_subscribed());
    }
    expect(Tok::rbracket);
    NodePtr key;
    if (args.size() == 1) {
        key = std::move(args[0]);
    } else {
        auto tup = std::make_unique<Seq>(Kind::tuple, pos);
        tup->items = std::move(args);
        key = std::move(tup);
    }
    return std::make_unique<Getitem>(pos, std::move(node), std::move(key));
}

NodePtr Parser::parse_subscribed() {
    uint32_t pos = cur().pos;
    auto s = std::make_unique<Slice>(pos);
    if (cur().type == Tok::colon) {
        next();
    } else {
        NodePtr n = parse_expression(true);
        if (cur().type != Tok::colon) return n;
        next();
        s->start = std::move(n);
    }
    if (cur().type != Tok::colon && cur().type != Tok::rbracket && cur().type != Tok::comma)
        s->stop = parse_expression(true);
    if (cur().type == Tok::colon) {
        next();
        if (cur().type != Tok::rbracket && cur().type != Tok::comma) s->step = parse_expression(true);
    }
    return s;
}

void Parser::parse_call_args(Args& a) {
    const Token& open = expect(Tok::lparen);
    uint32_t pos = open.pos;
    auto ensure = [&](bool ok) { if (!ok) error(pos, "invalid syntax for function call expression"); };
    bool require_comma = false;
    while (cur().type != Tok::rparen) {
        if (require_comma) {
            expect(Tok::comma);
            if (cur().type == Tok::rparen) break;
        }
        if (cur().type == Tok::mul) {
            ensure(!a.dyn_args && !a.dyn_kwargs);
            next();
            a.dyn_args = parse_expression(true);
        } else if (cur().type == Tok::pow) {
            ensure(!a.dyn_kwargs);
            next();
            a.dyn_kwargs = parse_expression(true);
        } else if (cur().type == Tok::name && look().type == Tok::assign) {
            ensure(!a.dyn_kwargs);
            std::string key = cur().text;
            next();
            next();
            a.kwargs.push_back(Keyword{std::move(key), parse_expression(true)});
        } else {
            ensure(!a.dyn_args && !a.dyn_kwargs && a.kwargs.empty());
            a.args.push_back(parse_expression(true));
        }
        require_comma = true;
    }
    expect(Tok::rparen);
}

NodePtr Parser::parse_call(NodePtr node) {
    DepthGuard guard(*this, cur().pos);
    auto c = std::make_unique<Call>(cur().pos, std::move(node));
    parse_call_args(c->a);
    return c;
}

std::string Parser::dotted_name() {
    std::string name = expect(Tok::name).text;
    while (skip_if(Tok::dot)) name += "." + expect(Tok::name).text;
    return name;
}

NodePtr Parser::parse_filter(NodePtr node, bool start_inline) {
    int chain = 0;
    while (cur().type == Tok::pipe || start_inline) {
        chain_link(chain, cur().pos);
        if (!start_inline) next();
        uint32_t pos = cur().pos;
        auto f = std::make_unique<Filter>(pos, std::move(node), dotted_name());
        if (cur().type == Tok::lparen) {
            DepthGuard guard(*this, pos);
            parse_call_args(f->a);
        }
        node = std::move(f);
        start_inline = false;
    }
    return node;
}

NodePtr Parser::parse_test(NodePtr node) {
    uint32_t pos = cur().pos;
    next();  // 'is'
    bool negated = skip_name("not");
    auto t = std::make_unique<Test>(pos, std::move(node), dotted_name());
    Tok ty = cur().type;
    if (ty == Tok::lparen) {
        DepthGuard guard(*this, pos);
        parse_call_args(t->a);
    } else if ((ty == Tok::name || ty == Tok::string || ty == Tok::integer || ty == Tok::floating ||
                ty == Tok::lbracket || ty == Tok::lbrace) &&
               !is_any_name(cur(), {"else", "or", "and"})) {
        if (is_name(cur(), "is")) error(cur().pos, "you cannot chain multiple tests with 'is'");
        NodePtr arg = parse_postfix(parse_primary(false));
        t->a.args.push_back(std::move(arg));
    }
    if (negated) return std::make_unique<Unary>(Kind::not_, pos, std::move(t));
    return t;
}

}  // namespace farsight::jinja
