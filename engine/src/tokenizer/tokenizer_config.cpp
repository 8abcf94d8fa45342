// tokenizer_config.json reader; see tokenizer_config.h. Reference: transformers tokenization_utils_base.py
// (from_pretrained's chat_template handling) and its AddedToken serialization.
#include "tokenizer/tokenizer_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tokenizer/json_util.h"

namespace farsight {

using tok::Json;

namespace {

constexpr std::uintmax_t kMaxConfigBytes = 64u << 20;

Result<std::optional<std::string>> token_name(const Json& root, const char* key) {
    const Json* v = tok::json_find(root, key);
    if (v == nullptr || v->is_null()) return std::optional<std::string>();
    if (v->is_string()) return std::optional<std::string>(v->get<std::string>());
    if (v->is_object()) {
        FS_ASSIGN_OR_RETURN(std::string content, tok::json_string(*v, "content", std::string("tokenizer_config.") + key));
        return std::optional<std::string>(std::move(content));
    }
    return tok::json_error("tokenizer_config.json", std::string("'") + key + "' must be a string or {\"content\": ...}");
}

Result<std::optional<bool>> opt_bool(const Json& root, const char* key) {
    const Json* v = tok::json_find(root, key);
    if (v == nullptr || v->is_null()) return std::optional<bool>();
    if (!v->is_boolean()) return tok::json_error("tokenizer_config.json", std::string("'") + key + "' must be a boolean");
    return std::optional<bool>(v->get<bool>());
}

Result<std::string> read_small_file(const std::filesystem::path& path) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) return Status(ErrorCode::not_found, path.string() + ": " + ec.message());
    if (size > kMaxConfigBytes)
        return Status(ErrorCode::limit_exceeded, path.string() + ": " + std::to_string(size) + " bytes is too large");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(ErrorCode::io_error, path.string() + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

const std::string* TokenizerConfig::find_template(std::string_view name) const {
    for (const NamedChatTemplate& t : chat_templates)
        if (t.name == name) return &t.source;
    if (name == "default" && !chat_template.empty()) return &chat_template;
    return nullptr;
}

Result<TokenizerConfig> parse_tokenizer_config(std::string_view json) {
    try {
        std::size_t depth = 0, max_depth = 0;
        bool in_string = false;
        for (std::size_t i = 0; i < json.size(); ++i) {
            const char c = json[i];
            if (in_string) {
                if (c == '\\') ++i;
                else if (c == '"') in_string = false;
            } else if (c == '"') {
                in_string = true;
            } else if (c == '[' || c == '{') {
                max_depth = std::max(max_depth, ++depth);
            } else if ((c == ']' || c == '}') && depth > 0) {
                --depth;
            }
        }
        if (max_depth > 128) return Status(ErrorCode::bad_header, "tokenizer_config.json: nested too deep");
        const Json root = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
        if (root.is_discarded()) return Status(ErrorCode::bad_header, "tokenizer_config.json: not valid JSON");
        if (!root.is_object()) return Status(ErrorCode::bad_config, "tokenizer_config.json: the top level must be an object");
        TokenizerConfig cfg;
        if (const Json* t = tok::json_find(root, "chat_template"); t != nullptr && !t->is_null()) {
            if (t->is_string()) {
                cfg.chat_template = t->get<std::string>();
            } else if (t->is_array()) {
                for (const Json& item : *t) {
                    FS_ASSIGN_OR_RETURN(std::string name, tok::json_string(item, "name", "tokenizer_config.chat_template[]"));
                    FS_ASSIGN_OR_RETURN(std::string src, tok::json_string(item, "template", "tokenizer_config.chat_template[]"));
                    if (name == "default") cfg.chat_template = src;
                    cfg.chat_templates.push_back({std::move(name), std::move(src)});
                }
            } else {
                return tok::json_error("tokenizer_config.json", "'chat_template' must be a string or a list of {name, template}");
            }
        }
        FS_ASSIGN_OR_RETURN(cfg.bos_token, token_name(root, "bos_token"));
        FS_ASSIGN_OR_RETURN(cfg.eos_token, token_name(root, "eos_token"));
        FS_ASSIGN_OR_RETURN(cfg.unk_token, token_name(root, "unk_token"));
        FS_ASSIGN_OR_RETURN(cfg.pad_token, token_name(root, "pad_token"));
        FS_ASSIGN_OR_RETURN(cfg.add_bos_token, opt_bool(root, "add_bos_token"));
        FS_ASSIGN_OR_RETURN(cfg.add_eos_token, opt_bool(root, "add_eos_token"));
        return cfg;
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::out_of_memory, "tokenizer_config.json: out of memory");
    } catch (const std::exception& e) {
        return Status(ErrorCode::bad_config, std::string("tokenizer_config.json: ") + e.what());
    }
}

Result<TokenizerConfig> load_tokenizer_config(const std::filesystem::path& path) {
    FS_ASSIGN_OR_RETURN(std::string text, read_small_file(path));
    auto cfg = parse_tokenizer_config(text);
    if (!cfg.ok()) return cfg.status().with_context(path.string());
    // transformers saves long templates beside the config; when present it is the template in force.
    const std::filesystem::path jinja = path.parent_path() / "chat_template.jinja";
    std::error_code ec;
    if (std::filesystem::is_regular_file(jinja, ec)) {
        FS_ASSIGN_OR_RETURN(std::string src, read_small_file(jinja));
        cfg.value().chat_template = std::move(src);
    }
    return cfg;
}

}  // namespace farsight
