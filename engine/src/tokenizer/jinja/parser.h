// Parser from tokens to the syntax tree (ast.h), following jinja2 3.1 parser.py: the same
// operator precedence (including jinja's quirks: `-2**2 == 4`, left-associative `**`, filters
// binding tighter than unary minus' operand), statements for/if/set/macro/call/filter/with/raw,
// loopcontrols (break/continue) and transformers' `{% generation %}` tag.
#pragma once

#include <string>
#include <vector>

#include "tokenizer/jinja/ast.h"
#include "tokenizer/jinja/lexer.h"

namespace farsight::jinja {

// Throws TemplateError: invalid_argument for syntax errors ("... at line:col: ..."),
// limit_exceeded when the nesting exceeds max_depth.
ast::Body parse(const std::string& source, const std::vector<Token>& tokens, int max_depth);

}  // namespace farsight::jinja
