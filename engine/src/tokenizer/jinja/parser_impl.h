// The parser class shared by parse_statements.cpp and parse_expressions.cpp (jinja2 3.1
// parser.py, one method per jinja2 method). Internal to the jinja module.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "tokenizer/jinja/ast.h"
#include "tokenizer/jinja/lexer.h"

namespace farsight::jinja {

using namespace ast;
using Names = std::initializer_list<const char*>;

class Parser {
public:
    Parser(const std::string& src, const std::vector<Token>& toks, int max_depth)
        : m_src(src), m_toks(toks), m_max_depth(max_depth) {}

    Body parse_template() {
        Body body = subparse({});
        if (cur().type != Tok::eof) error(cur().pos, std::string("unexpected ") + describe(cur()));
        return body;
    }

private:
    struct DepthGuard {
        Parser& p;
        DepthGuard(Parser& parser, uint32_t pos) : p(parser) {
            if (++p.m_depth > p.m_max_depth)
                fail(ErrorCode::limit_exceeded, "template nesting exceeds the depth limit (" +
                                                     std::to_string(p.m_max_depth) + ") at " +
                                                     describe_position(p.m_src, pos));
        }
        ~DepthGuard() { --p.m_depth; }
    };

    // Left-nested chains (a + b + c, x.y.z, x|f|g) deepen the tree without recursing in the parser;
    // they count against the same depth limit so that no later tree walk can overflow the stack.
    void chain_link(int& n, uint32_t pos) {
        if (++n + m_depth > m_max_depth)
            fail(ErrorCode::limit_exceeded, "template expression chain exceeds the depth limit (" +
                                                 std::to_string(m_max_depth) + ") at " + describe_position(m_src, pos));
    }

    const Token& cur() const { return m_toks[m_i]; }
    const Token& look() const { return m_toks[std::min(m_i + 1, m_toks.size() - 1)]; }
    void next() { if (m_i + 1 < m_toks.size()) ++m_i; }
    static bool is_name(const Token& t, const char* n) { return t.type == Tok::name && t.text == n; }
    static bool is_any_name(const Token& t, Names names) {
        for (const char* n : names)
            if (is_name(t, n)) return true;
        return false;
    }
    bool skip_if(Tok t) {
        if (cur().type != t) return false;
        next();
        return true;
    }
    bool skip_name(const char* n) {
        if (!is_name(cur(), n)) return false;
        next();
        return true;
    }
    std::string describe(const Token& t) const {
        if (t.type == Tok::name) return "'" + t.text + "'";
        return token_name(t.type);
    }
    [[noreturn]] void error(uint32_t pos, const std::string& msg) const {
        fail(ErrorCode::invalid_argument, "template syntax error at " + describe_position(m_src, pos) + ": " + msg);
    }
    const Token& expect(Tok t) {
        if (cur().type != t) {
            if (cur().type == Tok::eof)
                error(cur().pos, std::string("unexpected end of template, expected ") + token_name(t));
            error(cur().pos, std::string("expected token ") + token_name(t) + ", got " + describe(cur()));
        }
        const Token& tok = cur();
        next();
        return tok;
    }
    const Token& expect_name(const char* n) {
        if (!is_name(cur(), n)) error(cur().pos, std::string("expected '") + n + "', got " + describe(cur()));
        const Token& tok = cur();
        next();
        return tok;
    }

    void fail_eof(Names expected) const {
        std::string msg = "unexpected end of template; looking for the tags";
        bool first = true;
        for (const char* n : expected) {
            msg += first ? " '" : " or '";
            msg += n;
            msg += "'";
            first = false;
        }
        error(cur().pos, msg);
    }

    // ---- statements (parse_statements.cpp)
    Body subparse(Names end_tokens);
    Body parse_statements(Names end_tokens, bool drop_needle);
    NodePtr parse_statement();
    NodePtr parse_for();
    NodePtr parse_if();
    NodePtr parse_set();
    void parse_signature(MacroSig& sig);
    static bool references_loop(const Body& body);
    static void scan_special_names(const Body& body, MacroSig& sig);
    NodePtr parse_macro();
    NodePtr parse_call_block();
    NodePtr parse_filter_block();
    NodePtr parse_with();
    NodePtr parse_print();
    static bool can_assign(const Node& n);
    NodePtr parse_assign_target(bool with_tuple, bool name_only, Names extra_end, bool with_namespace);

    // ---- expressions (parse_expressions.cpp)
    NodePtr parse_expression(bool with_condexpr) { return with_condexpr ? parse_condexpr() : parse_or(); }
    NodePtr parse_condexpr();
    NodePtr parse_or();
    NodePtr parse_and();
    NodePtr parse_not();
    NodePtr parse_compare();
    NodePtr parse_math1();
    NodePtr parse_concat();
    NodePtr parse_math2();
    NodePtr parse_pow();
    NodePtr parse_unary(bool with_filter);
    NodePtr parse_primary(bool with_namespace);
    bool is_tuple_end(Names extra_end) const;
    NodePtr parse_tuple(bool simplified, bool with_condexpr, Names extra_end, bool explicit_parentheses,
                        bool with_namespace);
    NodePtr parse_postfix(NodePtr node);
    NodePtr parse_filter_expr(NodePtr node);
    NodePtr parse_subscript(NodePtr node);
    NodePtr parse_subscribed();
    void parse_call_args(Args& a);
    NodePtr parse_call(NodePtr node);
    std::string dotted_name();
    NodePtr parse_filter(NodePtr node, bool start_inline);
    NodePtr parse_test(NodePtr node);

    const std::string& m_src;
    const std::vector<Token>& m_toks;
    size_t m_i = 0;
    int m_depth = 0;
    int m_max_depth;
    int m_loop_depth = 0;
};

}  // namespace farsight::jinja
