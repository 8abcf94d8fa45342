// Chat helper: renders messages the way transformers' apply_chat_template(tokenize=False) does
// (reference: transformers 5.x tokenization_utils_base.apply_chat_template, render_jinja_template).
#pragma once

// Context: messages (keys whose value is null dropped; reasoning_content/thinking/reasoning
// aliased as transformers 5 does), tools (None when absent), documents (None),
// add_generation_prompt, bos_token/eos_token when non-empty, then `extra` (e.g. date_string,
// unk_token, enable_thinking).
//
// Content form. Messages arrive with `content` as a plain string. MiniMax templates index typed
// parts (`message['content'][0]['text']`), most Hugging Face templates expect a string. The template
// wants parts when its syntax tree subscripts a content access (`X.content`/`X['content']`) with an
// integer or 'text'/'type', or iterates it in a for loop (directly or through filters), unless it
// also tests `... content is string` (then it accepts strings). For such templates each string
// content becomes [{"type": "text", "text": s}] plus "name": message.name when the message has one
// (MiniMax-M1 tool results read content['name']). Content that is already a list is left alone.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "farsight/engine/status.h"
#include "tokenizer/jinja/template.h"

namespace farsight {

struct ChatRenderOptions {
    bool add_generation_prompt = true;
    std::string bos_token, eos_token;  // empty: not passed (the template sees them undefined)
    nlohmann::ordered_json tools;      // null: absent (the template sees tools = none)
    nlohmann::ordered_json extra;      // object of extra template variables (null: none)
    TemplateLimits limits;
};

// `messages` is a JSON array of message objects; nlohmann::json converts implicitly (key order
// within a message is then alphabetical, which matters only to templates that print whole dicts).
Result<std::string> render_chat(std::string_view source, const nlohmann::ordered_json& messages,
                                const ChatRenderOptions& options);
Result<std::string> render_chat(const Template& tmpl, const nlohmann::ordered_json& messages,
                                const ChatRenderOptions& options);

// The context render_chat passes to the template (exposed for tests and debugging).
Result<nlohmann::ordered_json> chat_context(ContentForm form, const nlohmann::ordered_json& messages,
                                            const ChatRenderOptions& options);

}  // namespace farsight
