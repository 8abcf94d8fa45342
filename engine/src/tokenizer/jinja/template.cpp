// Template: parse once (lexer + parser + content-form analysis), render with a fresh evaluator and
// the JSON context converted to sandbox values. Internal TemplateError exceptions become Status here.
#include "tokenizer/jinja/template.h"

#include <functional>
#include <new>

#include "tokenizer/jinja/ast.h"
#include "tokenizer/jinja/evaluator.h"
#include "tokenizer/jinja/lexer.h"
#include "tokenizer/jinja/parser.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight {

using jinja::Value;

struct Template::Impl {
    std::string source;  // normalized
    jinja::ast::Body body;
    TemplateLimits limits;
    ContentForm form = ContentForm::text;
};

namespace {

// The rule documented in render_chat.h: typed parts when the template subscripts message content
// with an int/'text'/'type' or iterates it, unless it also tests `content is string`.
ContentForm detect_content_form(const jinja::ast::Body& body) {
    using namespace jinja::ast;
    bool parts = false, text = false;
    auto is_content = [](const Node* n) {
        if (!n) return false;
        if (n->kind == Kind::getattr) return static_cast<const Getattr*>(n)->attr == "content";
        if (n->kind == Kind::getitem) {
            const Node* k = static_cast<const Getitem*>(n)->key.get();
            return k->kind == Kind::constant && static_cast<const Const*>(k)->value.is_string() &&
                   static_cast<const Const*>(k)->value.as_string() == "content";
        }
        return false;
    };
    auto through_filters = [&](const Node* n) {
        while (n && n->kind == Kind::filter) n = static_cast<const Filter*>(n)->operand.get();
        return n;
    };
    std::function<void(const Node&)> walk = [&](const Node& n) {
        switch (n.kind) {
            case Kind::getitem: {
                const auto& g = static_cast<const Getitem&>(n);
                if (is_content(g.obj.get()) && g.key->kind == Kind::constant) {
                    const Value& k = static_cast<const Const&>(*g.key).value;
                    if (k.is_int() || (k.is_string() && (k.as_string() == "text" || k.as_string() == "type"))) parts = true;
                }
                break;
            }
            case Kind::getattr: {
                const auto& g = static_cast<const Getattr&>(n);
                if (is_content(g.obj.get()) && (g.attr == "text" || g.attr == "type")) parts = true;
                break;
            }
            case Kind::for_:
                if (is_content(through_filters(static_cast<const For&>(n).iter.get()))) parts = true;
                break;
            case Kind::test: {
                const auto& t = static_cast<const Test&>(n);
                if (t.name == "string" && is_content(t.operand.get())) text = true;
                break;
            }
            default: break;
        }
        for_each_child(n, walk);
    };
    for (const auto& s : body) walk(*s);
    return parts && !text ? ContentForm::parts : ContentForm::text;
}

template <class J>
Value from_json(const J& j, int depth) {
    if (depth > 512) jinja::fail(ErrorCode::limit_exceeded, "context nested too deeply");
    switch (j.type()) {
        case J::value_t::null: return Value::none();
        case J::value_t::boolean: return Value::boolean(j.template get<bool>());
        case J::value_t::number_integer: return Value::integer(j.template get<int64_t>());
        case J::value_t::number_unsigned: {
            auto u = j.template get<uint64_t>();
            if (u > static_cast<uint64_t>(INT64_MAX)) jinja::fail(ErrorCode::invalid_argument, "context integer beyond 64 bits");
            return Value::integer(static_cast<int64_t>(u));
        }
        case J::value_t::number_float: return Value::real(j.template get<double>());
        case J::value_t::string: {
            const auto& s = j.template get_ref<const std::string&>();
            if (!jinja::py::is_valid_utf8(s)) jinja::fail(ErrorCode::invalid_argument, "context string is not valid UTF-8");
            return Value::str(s);
        }
        case J::value_t::array: {
            std::vector<Value> items;
            items.reserve(j.size());
            for (const auto& e : j) items.push_back(from_json(e, depth + 1));
            return Value::list(std::move(items));
        }
        case J::value_t::object: {
            auto d = std::make_shared<jinja::DictData>();
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!jinja::py::is_valid_utf8(it.key())) jinja::fail(ErrorCode::invalid_argument, "context key is not valid UTF-8");
                d->set(Value::str(it.key()), from_json(it.value(), depth + 1));
            }
            return Value::dict(std::move(d));
        }
        default: jinja::fail(ErrorCode::invalid_argument, "binary JSON values are not supported in a template context");
    }
}

template <class J>
Result<std::string> render_impl(const Template::Impl& impl, const J& context) {
    try {
        if (!context.is_object() && !context.is_null())
            return Status(ErrorCode::invalid_argument, "template context must be a JSON object");
        jinja::Evaluator ev(impl.limits, impl.source);
        auto root = std::make_shared<jinja::Scope>();
        if (context.is_object())
            for (auto it = context.begin(); it != context.end(); ++it) root->set(it.key(), from_json(it.value(), 0));
        return ev.render(impl.body, root);
    } catch (const jinja::TemplateError& e) {
        return Status(e.code, (e.located ? "template error " : "template error: ") + e.message);
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::out_of_memory, "out of memory while rendering the chat template");
    } catch (const std::exception& e) {
        return Status(ErrorCode::internal, std::string("chat template: ") + e.what());
    }
}

}  // namespace

Result<Template> Template::parse(std::string_view source, const TemplateLimits& limits) {
    if (source.size() > limits.max_source_bytes)
        return Status(ErrorCode::limit_exceeded, "template source of " + std::to_string(source.size()) +
                                                     " bytes exceeds the limit (" + std::to_string(limits.max_source_bytes) + ")");
    if (!jinja::py::is_valid_utf8(source)) return Status(ErrorCode::invalid_argument, "template source is not valid UTF-8");
    try {
        auto impl = std::make_shared<Impl>();
        impl->limits = limits;
        impl->source = jinja::normalize_source(source);
        std::vector<jinja::Token> tokens = jinja::tokenize(impl->source);
        impl->body = jinja::parse(impl->source, tokens, limits.max_depth);
        impl->form = detect_content_form(impl->body);
        return Template(std::move(impl));
    } catch (const jinja::TemplateError& e) {
        return Status(e.code, e.message);
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::out_of_memory, "out of memory while parsing the chat template");
    }
}

Result<std::string> Template::render(const nlohmann::ordered_json& context) const { return render_impl(*m_impl, context); }
Result<std::string> Template::render(const nlohmann::json& context) const { return render_impl(*m_impl, context); }
ContentForm Template::content_form() const { return m_impl->form; }
const TemplateLimits& Template::limits() const { return m_impl->limits; }

Result<std::string> render_template(std::string_view source, const nlohmann::ordered_json& context,
                                    const TemplateLimits& limits) {
    FS_ASSIGN_OR_RETURN(Template t, Template::parse(source, limits));
    return t.render(context);
}

Result<std::string> render_template(std::string_view source, const nlohmann::json& context, const TemplateLimits& limits) {
    FS_ASSIGN_OR_RETURN(Template t, Template::parse(source, limits));
    return t.render(context);
}

}  // namespace farsight
