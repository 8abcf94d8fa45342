// TextCodec of a model folder: tokenizer.json, tokenizer_config.json (chat template, special-token
// names) and generation_config.json (end-of-turn ids), with the chat template rendered by the
// jinja sandbox exactly as transformers renders it.
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "api/model_impl.h"
#include "tokenizer/jinja/render_chat.h"
#include "tokenizer/stream_decoder.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_config.h"

namespace farsight {
namespace {

namespace fs = std::filesystem;

// Token strings that end an assistant turn in the chat formats we know, when the vocabulary has them.
constexpr const char* kEndOfTurnNames[] = {"<end_of_sentence>", "<|im_end|>", "<|eot_id|>", "<|eom_id|>",
                                           "<|end_of_text|>", "<|endoftext|>", "<|end|>", "<end_of_turn>", "</s>"};

// generation_config.json's eos_token_id: an int or a list of ints.
std::vector<TokenId> generation_config_eos(const fs::path& dir) {
    std::vector<TokenId> ids;
    std::ifstream f(dir / "generation_config.json");
    if (!f) return ids;
    auto j = nlohmann::json::parse(f, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return ids;
    auto it = j.find("eos_token_id");
    if (it == j.end()) return ids;
    if (it->is_number_integer()) ids.push_back(it->get<TokenId>());
    else if (it->is_array())
        for (const auto& v : *it)
            if (v.is_number_integer()) ids.push_back(v.get<TokenId>());
    return ids;
}

class HfTextCodec final : public TextCodec {
public:
    HfTextCodec(Tokenizer tok, TokenizerConfig cfg, std::vector<TokenId> eot)
        : m_tok(std::move(tok)), m_cfg(std::move(cfg)), m_eot(std::move(eot)) {
        if (!m_cfg.chat_template.empty()) {
            auto parsed = Template::parse(m_cfg.chat_template);
            if (parsed.ok()) m_template = std::make_shared<Template>(std::move(parsed).value());
            else m_template_error = parsed.status();
        }
    }

    Result<std::vector<TokenId>> encode(std::string_view text, bool parse_special) const override {
        return m_tok.encode(text, /*add_special_tokens=*/false, parse_special);
    }
    std::string decode(std::span<const TokenId> ids, bool skip_special) const override { return m_tok.decode(ids, skip_special); }
    bool has_chat_template() const override { return m_template != nullptr; }
    std::vector<TokenId> end_of_turn_tokens() const override { return m_eot; }

    Result<std::string> render_chat(const std::vector<ChatMessage>& messages, bool add_generation_prompt) const override {
        if (!m_template) {
            if (!m_template_error.ok()) return m_template_error.with_context("the model's chat template does not parse");
            return Status(ErrorCode::not_found, "this model has no chat template (tokenizer_config.json chat_template)");
        }
        nlohmann::ordered_json msgs = nlohmann::ordered_json::array();
        for (const ChatMessage& m : messages) {
            nlohmann::ordered_json j = {{"role", m.role}, {"content", m.content}};
            if (!m.name.empty()) j["name"] = m.name;
            msgs.push_back(std::move(j));
        }
        ChatRenderOptions opt;
        opt.add_generation_prompt = add_generation_prompt;
        opt.bos_token = m_cfg.bos_token.value_or("");
        opt.eos_token = m_cfg.eos_token.value_or("");
        return farsight::render_chat(*m_template, msgs, opt);
    }

    TokenTextStream make_stream() const override {
        auto dec = std::make_shared<StreamDecoder>(m_tok, /*skip_special_tokens=*/true);
        return {[dec](int32_t id) { return dec->step(id); }, [dec] { return dec->flush(); }};
    }

private:
    Tokenizer m_tok;
    TokenizerConfig m_cfg;
    std::vector<TokenId> m_eot;
    std::shared_ptr<Template> m_template;
    Status m_template_error;
};

}  // namespace

Result<std::shared_ptr<const TextCodec>> TextCodec::load(const std::string& dir_str, int64_t n_vocab,
                                                         std::optional<int64_t> config_eos) {
    const fs::path dir = dir_str;
    std::error_code ec;
    if (!fs::exists(dir / "tokenizer.json", ec)) return std::shared_ptr<const TextCodec>();
    FS_ASSIGN_OR_RETURN(Tokenizer tok, Tokenizer::from_file(dir / "tokenizer.json"));
    if (n_vocab > 0 && tok.vocab_size() > n_vocab)
        return Status(ErrorCode::mismatch, "tokenizer.json has ids up to " + std::to_string(tok.vocab_size() - 1) +
                                               " but the model's vocabulary has " + std::to_string(n_vocab) + " rows");
    TokenizerConfig cfg;
    if (fs::exists(dir / "tokenizer_config.json", ec)) {
        FS_ASSIGN_OR_RETURN(cfg, load_tokenizer_config(dir / "tokenizer_config.json"));
    }
    std::vector<TokenId> eot = generation_config_eos(dir);
    auto add = [&](std::optional<TokenId> id) {
        if (id && *id >= 0 && (n_vocab <= 0 || *id < n_vocab) && std::find(eot.begin(), eot.end(), *id) == eot.end())
            eot.push_back(*id);
    };
    if (config_eos) add(static_cast<TokenId>(*config_eos));
    if (cfg.eos_token) add(tok.token_to_id(*cfg.eos_token));
    for (const char* name : kEndOfTurnNames) {
        auto id = tok.token_to_id(name);
        if (id && tok.is_special(*id)) add(id);
    }
    return std::shared_ptr<const TextCodec>(std::make_shared<HfTextCodec>(std::move(tok), std::move(cfg), std::move(eot)));
}

}  // namespace farsight
