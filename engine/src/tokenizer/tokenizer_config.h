// tokenizer_config.json: chat template(s) and the special-token names a model folder declares, read the way
// transformers' PreTrainedTokenizerBase does (chat_template as a string or a list of {name, template};
// tokens as strings or AddedToken objects {"content": ...}; a chat_template.jinja beside it wins).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight {

struct NamedChatTemplate {
    std::string name;
    std::string source;
};

struct TokenizerConfig {
    std::string chat_template;                    // the default template; empty when the file has none
    std::vector<NamedChatTemplate> chat_templates;  // every named template (list form), file order
    std::optional<std::string> bos_token, eos_token, unk_token, pad_token;
    std::optional<bool> add_bos_token, add_eos_token;

    // The template called `name` ("default" is the default one), or nullptr.
    const std::string* find_template(std::string_view name) const;
};

// Errors: bad_header (not JSON / nested too deep), bad_config (a known key with the wrong type).
Result<TokenizerConfig> parse_tokenizer_config(std::string_view json);
// Also reads chat_template.jinja from the same folder when it exists (it replaces the default template).
Result<TokenizerConfig> load_tokenizer_config(const std::filesystem::path& path);

}  // namespace farsight
