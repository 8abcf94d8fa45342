// Statements of the template grammar: subparse, for/if/set/macro/call/filter/with/print,
// loopcontrols and {% generation %}. Reference: jinja2 3.1 parser.py (parse_for, parse_if, ...),
// ext.py LoopControlExtension, transformers AssistantTracker.parse.
#include "tokenizer/jinja/parser.h"
#include "tokenizer/jinja/parser_impl.h"

namespace farsight::jinja {

Body Parser::subparse(Names end_tokens) {
    Body body;
    std::unique_ptr<Output> out;
    auto flush = [&] { if (out) body.push_back(std::move(out)); };
    while (cur().type != Tok::eof) {
        const Token& t = cur();
        if (t.type == Tok::data) {
            if (!out) out = std::make_unique<Output>(t.pos);
            out->items.push_back(std::make_unique<TemplateData>(t.pos, t.text));
            next();
        } else if (t.type == Tok::variable_begin) {
            next();
            if (!out) out = std::make_unique<Output>(t.pos);
            out->items.push_back(parse_tuple(false, true, {}, false, false));
            expect(Tok::variable_end);
        } else if (t.type == Tok::block_begin) {
            flush();
            next();
            if (end_tokens.size() && is_any_name(cur(), end_tokens)) return body;
            body.push_back(parse_statement());
            expect(Tok::block_end);
        } else {
            error(t.pos, std::string("unexpected ") + describe(t));
        }
    }
    flush();
    return body;
}

Body Parser::parse_statements(Names end_tokens, bool drop_needle) {
    skip_if(Tok::colon);
    expect(Tok::block_end);
    Body body = subparse(end_tokens);
    if (cur().type == Tok::eof) fail_eof(end_tokens);
    if (drop_needle) next();
    return body;
}

NodePtr Parser::parse_statement() {
    const Token& t = cur();
    if (t.type != Tok::name) error(t.pos, "tag name expected");
    DepthGuard guard(*this, t.pos);
    const std::string& n = t.text;
    if (n == "for") return parse_for();
    if (n == "if") return parse_if();
    if (n == "set") return parse_set();
    if (n == "macro") return parse_macro();
    if (n == "call") return parse_call_block();
    if (n == "filter") return parse_filter_block();
    if (n == "with") return parse_with();
    if (n == "print") return parse_print();
    if (n == "break" || n == "continue") {
        if (m_loop_depth == 0) error(t.pos, "'" + n + "' outside of a loop");
        uint32_t pos = t.pos;
        Kind k = n == "break" ? Kind::break_ : Kind::continue_;
        next();
        return std::make_unique<Node>(k, pos);
    }
    if (n == "generation") {
        auto node = std::make_unique<ScopedBody>(t.pos);
        next();
        int saved = m_loop_depth;
        m_loop_depth = 0;
        node->body = parse_statements({"endgeneration"}, true);
        m_loop_depth = saved;
        return node;
    }
    if (n == "include" || n == "import" || n == "from" || n == "extends" || n == "block" || n == "autoescape")
        error(t.pos, "the '" + n + "' tag is not supported in chat templates (no includes, imports or inheritance)");
    error(t.pos, "encountered unknown tag '" + n + "'");
}

NodePtr Parser::parse_for() {
    auto node = std::make_unique<For>(cur().pos);
    next();
    node->target = parse_assign_target(true, false, {"in"}, false);
    expect_name("in");
    node->iter = parse_tuple(false, false, {"recursive"}, false, false);
    if (skip_name("if")) node->test = parse_expression(true);
    if (is_name(cur(), "recursive")) error(cur().pos, "recursive loops are not supported");
    ++m_loop_depth;
    node->body = parse_statements({"endfor", "else"}, false);
    --m_loop_depth;
    bool is_end = is_name(cur(), "endfor");
    next();
    if (!is_end) node->else_ = parse_statements({"endfor"}, true);
    node->uses_loop = references_loop(node->body);
    return node;
}

NodePtr Parser::parse_if() {
    auto node = std::make_unique<If>(cur().pos);
    next();
    while (true) {
        NodePtr test = parse_tuple(false, false, {}, false, false);
        Body body = parse_statements({"elif", "else", "endif"}, false);
        node->branches.emplace_back(std::move(test), std::move(body));
        bool is_elif = is_name(cur(), "elif"), is_else = is_name(cur(), "else");
        next();
        if (is_elif) continue;
        if (is_else) node->else_ = parse_statements({"endif"}, true);
        break;
    }
    return node;
}

NodePtr Parser::parse_set() {
    uint32_t pos = cur().pos;
    next();
    NodePtr target = parse_assign_target(true, false, {}, true);
    if (skip_if(Tok::assign)) return std::make_unique<Assign>(pos, std::move(target), parse_tuple(false, true, {}, false, false));
    auto node = std::make_unique<AssignBlock>(pos);
    node->target = std::move(target);
    if (cur().type == Tok::pipe) node->filter = parse_filter(nullptr, false);
    node->body = parse_statements({"endset"}, true);
    return node;
}

void Parser::parse_signature(MacroSig& sig) {
    expect(Tok::lparen);
    while (cur().type != Tok::rparen) {
        if (!sig.params.empty()) expect(Tok::comma);
        const Token& name = expect(Tok::name);
        if (skip_if(Tok::assign)) sig.defaults.push_back(parse_expression(true));
        else if (!sig.defaults.empty()) error(name.pos, "non-default argument follows default argument");
        sig.params.push_back(name.text);
    }
    expect(Tok::rparen);
}

// Does this loop body read its `loop` variable? Nested loops' bodies have their own `loop`.
bool Parser::references_loop(const Body& body) {
    bool found = false;
    std::function<void(const Node&)> walk = [&](const Node& n) {
        if (found) return;
        if (n.kind == Kind::name && static_cast<const Name&>(n).name == "loop") { found = true; return; }
        if (n.kind == Kind::for_) {
            const auto& f = static_cast<const For&>(n);
            walk(*f.iter);
            if (f.test) walk(*f.test);
            for (const auto& st : f.else_) walk(*st);
            return;
        }
        for_each_child(n, walk);
    };
    for (const auto& st : body) walk(*st);
    return found;
}

void Parser::scan_special_names(const Body& body, MacroSig& sig) {
    std::function<void(const Node&)> walk = [&](const Node& n) {
        if (n.kind == Kind::name) {
            const std::string& nm = static_cast<const Name&>(n).name;
            if (nm == "caller") sig.uses_caller = true;
            if (nm == "varargs") sig.uses_varargs = true;
            if (nm == "kwargs") sig.uses_kwargs = true;
        }
        if (n.kind != Kind::macro) for_each_child(n, walk);
    };
    for (const auto& s : body) walk(*s);
}

NodePtr Parser::parse_macro() {
    auto node = std::make_unique<Macro>(cur().pos);
    next();
    node->name = expect(Tok::name).text;
    parse_signature(node->sig);
    int saved = m_loop_depth;
    m_loop_depth = 0;
    node->body = parse_statements({"endmacro"}, true);
    m_loop_depth = saved;
    scan_special_names(node->body, node->sig);
    return node;
}

NodePtr Parser::parse_call_block() {
    auto node = std::make_unique<CallBlock>(cur().pos);
    next();
    if (cur().type == Tok::lparen) parse_signature(node->sig);
    node->call = parse_expression(true);
    if (node->call->kind != Kind::call) error(node->pos, "expected call");
    int saved = m_loop_depth;
    m_loop_depth = 0;
    node->body = parse_statements({"endcall"}, true);
    m_loop_depth = saved;
    scan_special_names(node->body, node->sig);
    return node;
}

NodePtr Parser::parse_filter_block() {
    auto node = std::make_unique<FilterBlock>(cur().pos);
    next();
    node->filter = parse_filter(nullptr, true);
    node->body = parse_statements({"endfilter"}, true);
    return node;
}

NodePtr Parser::parse_with() {
    auto node = std::make_unique<With>(cur().pos);
    next();
    while (cur().type != Tok::block_end) {
        if (!node->targets.empty()) expect(Tok::comma);
        node->targets.push_back(parse_assign_target(true, false, {}, false));
        expect(Tok::assign);
        node->values.push_back(parse_expression(true));
    }
    node->body = parse_statements({"endwith"}, true);
    return node;
}

NodePtr Parser::parse_print() {
    auto node = std::make_unique<Output>(cur().pos);
    next();
    while (cur().type != Tok::block_end) {
        if (!node->items.empty()) expect(Tok::comma);
        node->items.push_back(parse_expression(true));
    }
    return node;
}

bool Parser::can_assign(const Node& n) {
    if (n.kind == Kind::name || n.kind == Kind::ns_ref) return true;
    if (n.kind == Kind::tuple) {
        for (const auto& i : static_cast<const Seq&>(n).items)
            if (!can_assign(*i)) return false;
        return true;
    }
    return false;
}

NodePtr Parser::parse_assign_target(bool with_tuple, bool name_only, Names extra_end, bool with_namespace) {
    NodePtr target;
    if (name_only) {
        const Token& t = expect(Tok::name);
        return std::make_unique<Name>(t.pos, t.text);
    }
    target = with_tuple ? parse_tuple(true, true, extra_end, false, with_namespace) : parse_primary(with_namespace);
    if (!can_assign(*target)) error(target->pos, "can't assign to this expression");
    return target;
}

ast::Body parse(const std::string& source, const std::vector<Token>& tokens, int max_depth) {
    return Parser(source, tokens, max_depth).parse_template();
}

}  // namespace farsight::jinja
