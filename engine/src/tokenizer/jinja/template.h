// Public entry points of the chat-template sandbox: parse a checkpoint's own Jinja `chat_template`
// once, render it many times, byte-identical to Hugging Face transformers (jinja2 3.1
// ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, {% generation %},
// raise_exception, strftime_now, non-escaping tojson). No exception leaves this API.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "farsight/engine/status.h"
#include "tokenizer/jinja/limits.h"

namespace farsight {

// How a template reads message['content'] (see render_chat.h for the detection rule).
enum class ContentForm { text, parts };

class Template {
public:
    // Syntax errors: ErrorCode::invalid_argument, message "template syntax error at LINE:COL: ...".
    // Sources over limits.max_source_bytes or nested deeper than limits.max_depth: limit_exceeded.
    static Result<Template> parse(std::string_view source, const TemplateLimits& limits = {});

    // `context` must be a JSON object; its keys become template variables. Use nlohmann::ordered_json
    // to keep key order (tojson prints keys in the order the template sees them; nlohmann::json
    // sorts keys). Runtime errors: invalid_argument "template error at LINE:COL: ...";
    // raise_exception('msg'): invalid_argument carrying "raise_exception: msg"; limits: limit_exceeded.
    Result<std::string> render(const nlohmann::ordered_json& context) const;
    Result<std::string> render(const nlohmann::json& context) const;

    ContentForm content_form() const;   // statically detected at parse time
    const TemplateLimits& limits() const;

    struct Impl;

private:
    explicit Template(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
    std::shared_ptr<const Impl> m_impl;
};

// Parse + render in one call.
Result<std::string> render_template(std::string_view source, const nlohmann::ordered_json& context,
                                    const TemplateLimits& limits = {});
Result<std::string> render_template(std::string_view source, const nlohmann::json& context,
                                    const TemplateLimits& limits = {});

}  // namespace farsight
