// Tree-walking evaluator of a parsed chat template under the sandbox limits. Scoping follows
// jinja2 3.1: a fresh scope per for-loop iteration, per macro call (closure over the defining
// scope, late-bound) and per {% set %}/{% filter %} block; `if` shares its scope.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/jinja/ast.h"
#include "tokenizer/jinja/limits.h"
#include "tokenizer/jinja/value.h"

namespace farsight::jinja {

class Scope {
public:
    explicit Scope(std::shared_ptr<Scope> parent = nullptr) : m_parent(std::move(parent)) {}
    const Value* lookup(std::string_view name) const;
    void set(std::string_view name, Value v);
    void clear() { m_vars.clear(); }

private:
    std::shared_ptr<Scope> m_parent;
    std::vector<std::pair<std::string, Value>> m_vars;
};
using ScopePtr = std::shared_ptr<Scope>;

class Evaluator {
public:
    Evaluator(const TemplateLimits& limits, const std::string& source);
    ~Evaluator();  // breaks reference cycles (a macro stored in the scope it closes over)
    Evaluator(const Evaluator&) = delete;
    Evaluator& operator=(const Evaluator&) = delete;

    // Renders a template body with `root` as the top-level scope (context variables).
    std::string render(const ast::Body& body, const ScopePtr& root);

    // ---- services for filters, tests, methods and globals
    void step(int64_t n = 1);                     // charge evaluation steps; checks the time budget
    void check_size(size_t bytes) const;          // a string value may not exceed max_output_bytes
    void check_items(size_t n);                   // a list of n new elements (charged as steps)
    std::vector<Value> to_list(const Value& v);   // Python list(v); consumes iterators
    Value getattr(const Value& obj, const std::string& name);
    Value getitem(const Value& obj, const Value& key);
    Value call(const Value& callee, CallArgs& args);
    Value call_filter(const std::string& name, const Value& operand, CallArgs& args);
    bool call_test(const std::string& name, const Value& operand, CallArgs& args);
    const TemplateLimits& limits() const { return m_limits; }
    void track(const std::shared_ptr<NamespaceData>& ns) { m_namespaces.push_back(ns); }

    struct DepthGuard {
        Evaluator& e;
        explicit DepthGuard(Evaluator& ev);
        ~DepthGuard() { --e.m_depth; }
    };

private:
    enum class Flow { normal, break_, continue_ };

    Flow exec_body(const ast::Body& body, const ScopePtr& scope, std::string& out);
    Flow exec(const ast::Node& node, const ScopePtr& scope, std::string& out);
    void exec_for(const ast::For& node, const ScopePtr& scope, std::string& out);
    void assign(const ast::Node& target, const Value& value, const ScopePtr& scope);
    Value make_macro(const std::string& name, const ast::MacroSig& sig, const ast::Body& body, const ScopePtr& scope);
    Value apply_filter_node(const ast::Node* filter, Value body_value, const ScopePtr& scope);
    std::string render_child(const ast::Body& body, const ScopePtr& scope);

    Value eval(const ast::Node& node, const ScopePtr& scope);
    Value eval_inner(const ast::Node& node, const ScopePtr& scope);
    CallArgs eval_args(const ast::Args& a, const ScopePtr& scope);
    Value lookup(const std::string& name, const ScopePtr& scope) const;
    void append_output(std::string& out, std::string_view s) const;

    const TemplateLimits& m_limits;
    const std::string& m_source;
    int64_t m_steps = 0;
    int m_depth = 0;
    std::chrono::steady_clock::time_point m_deadline;
    const std::unordered_map<std::string, Value>& m_globals;
    // Values never outlive a render: at the end, these are emptied so that cycles are freed.
    std::vector<std::weak_ptr<Scope>> m_closure_scopes;
    std::vector<std::weak_ptr<NamespaceData>> m_namespaces;
};

// Global functions of transformers' environment: range, dict, namespace, raise_exception,
// strftime_now, joiner (jinja2 default), cycler-free.
const std::unordered_map<std::string, Value>& template_globals();

}  // namespace farsight::jinja
