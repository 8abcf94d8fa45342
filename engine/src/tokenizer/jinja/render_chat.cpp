// render_chat (see render_chat.h). Reference: transformers 5.x apply_chat_template (None-valued
// keys dropped, special_tokens_map merged under kwargs) and render_jinja_template
// (_alias_reasoning_fields; tools/documents passed as None when absent).
#include "tokenizer/jinja/render_chat.h"

namespace farsight {

using nlohmann::ordered_json;

namespace {

const char* const k_reasoning_fields[] = {"reasoning_content", "thinking", "reasoning"};

ordered_json normalize_message(const ordered_json& msg, ContentForm form) {
    ordered_json out = ordered_json::object();
    for (auto it = msg.begin(); it != msg.end(); ++it)
        if (!it.value().is_null()) out[it.key()] = it.value();
    if (form == ContentForm::parts && out.contains("content") && out["content"].is_string()) {
        ordered_json part = ordered_json::object();
        part["type"] = "text";
        part["text"] = out["content"];
        if (out.contains("name")) part["name"] = out["name"];
        out["content"] = ordered_json::array({part});
    }
    const ordered_json* reasoning = nullptr;
    for (const char* f : k_reasoning_fields)
        if (out.contains(f) && !out[f].is_null()) { reasoning = &out[f]; break; }
    if (reasoning) {  // {"thinking": r, **message, "reasoning_content": r}
        ordered_json r = *reasoning;
        ordered_json aliased = ordered_json::object();
        aliased["thinking"] = r;
        for (auto it = out.begin(); it != out.end(); ++it) aliased[it.key()] = it.value();
        aliased["reasoning_content"] = r;
        return aliased;
    }
    return out;
}

}  // namespace

Result<ordered_json> chat_context(ContentForm form, const ordered_json& messages, const ChatRenderOptions& options) {
    if (!messages.is_array()) return Status(ErrorCode::invalid_argument, "chat messages must be a JSON array");
    if (messages.empty()) return Status(ErrorCode::invalid_argument, "cannot apply a chat template to an empty conversation");
    ordered_json ctx = ordered_json::object();
    ordered_json msgs = ordered_json::array();
    for (const auto& m : messages) {
        if (!m.is_object()) return Status(ErrorCode::invalid_argument, "each chat message must be a JSON object");
        msgs.push_back(normalize_message(m, form));
    }
    if (!options.bos_token.empty()) ctx["bos_token"] = options.bos_token;
    if (!options.eos_token.empty()) ctx["eos_token"] = options.eos_token;
    if (!options.extra.is_null()) {
        if (!options.extra.is_object()) return Status(ErrorCode::invalid_argument, "ChatRenderOptions::extra must be a JSON object");
        for (auto it = options.extra.begin(); it != options.extra.end(); ++it) {
            const std::string& k = it.key();
            if (k == "messages" || k == "tools" || k == "documents" || k == "add_generation_prompt")
                return Status(ErrorCode::invalid_argument, "ChatRenderOptions::extra may not set '" + k + "'");
            ctx[k] = it.value();
        }
    }
    ctx["messages"] = std::move(msgs);
    ctx["tools"] = options.tools;
    ctx["documents"] = nullptr;
    ctx["add_generation_prompt"] = options.add_generation_prompt;
    return ctx;
}

Result<std::string> render_chat(const Template& tmpl, const ordered_json& messages, const ChatRenderOptions& options) {
    FS_ASSIGN_OR_RETURN(ordered_json ctx, chat_context(tmpl.content_form(), messages, options));
    return tmpl.render(ctx);
}

Result<std::string> render_chat(std::string_view source, const ordered_json& messages, const ChatRenderOptions& options) {
    FS_ASSIGN_OR_RETURN(Template t, Template::parse(source, options.limits));
    return render_chat(t, messages, options);
}

}  // namespace farsight
