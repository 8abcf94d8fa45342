// Model loading for the llama family through load_causal_lm, and a TextCodec for GGUF files whose
// tokenizer, chat template and special tokens come from metadata (tokenizer/gguf_vocab.h); the chat
// template renders in the same jinja sandbox as tokenizer_config.json templates.
#include "api/factory_loader.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/model_factory.h"
#include "tokenizer/jinja/render_chat.h"
#include "tokenizer/stream_decoder.h"
#include "tokenizer/tokenizer.h"

namespace farsight {
namespace {

namespace fs = std::filesystem;

class GgufTextCodec final : public TextCodec {
public:
    GgufTextCodec(Tokenizer tok, const LoadedModel& m) : m_tok(std::move(tok)), m_bos(m.bos_token), m_eos(m.eos_token) {
        m_eot = m.eos_ids;
        for (const char* name : {"<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<|endoftext|>", "<|end|>", "<end_of_turn>"}) {
            auto id = m_tok.token_to_id(name);
            if (id && m_tok.is_special(*id) && std::find(m_eot.begin(), m_eot.end(), *id) == m_eot.end()) m_eot.push_back(*id);
        }
        if (!m.chat_template.empty()) {
            auto parsed = Template::parse(m.chat_template);
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
            return Status(ErrorCode::not_found, "this GGUF has no chat template (tokenizer.chat_template)");
        }
        nlohmann::ordered_json msgs = nlohmann::ordered_json::array();
        for (const ChatMessage& m : messages) {
            nlohmann::ordered_json j = {{"role", m.role}, {"content", m.content}};
            if (!m.name.empty()) j["name"] = m.name;
            msgs.push_back(std::move(j));
        }
        ChatRenderOptions opt;
        opt.add_generation_prompt = add_generation_prompt;
        opt.bos_token = m_bos;
        opt.eos_token = m_eos;
        return farsight::render_chat(*m_template, msgs, opt);
    }
    TokenTextStream make_stream() const override {
        auto dec = std::make_shared<StreamDecoder>(m_tok, /*skip_special_tokens=*/true);
        return {[dec](int32_t id) { return dec->step(id); }, [dec] { return dec->flush(); }};
    }

private:
    Tokenizer m_tok;
    std::string m_bos, m_eos;
    std::vector<TokenId> m_eot;
    std::shared_ptr<Template> m_template;
    Status m_template_error;
};

std::string config_model_type(const fs::path& dir) {
    std::ifstream f(dir / "config.json");
    if (!f) return {};
    auto j = nlohmann::json::parse(f, nullptr, false);
    return j.is_object() ? j.value("model_type", std::string()) : std::string();
}

Result<std::shared_ptr<const TextCodec>> make_codec(const LoadedModel& m, int64_t n_vocab) {
    if (m.tokenizer_json) {
        FS_ASSIGN_OR_RETURN(Tokenizer tok, Tokenizer::from_json(*m.tokenizer_json));
        return std::shared_ptr<const TextCodec>(std::make_shared<GgufTextCodec>(std::move(tok), m));
    }
    std::optional<int64_t> eos;
    if (!m.eos_ids.empty()) eos = m.eos_ids.front();
    return TextCodec::load(m.dir.string(), n_vocab, eos);
}

}  // namespace

bool loads_through_factory(const std::string& path) {
    std::error_code ec;
    const fs::path p = path;
    if (fs::is_regular_file(p, ec)) {
        std::ifstream f(p, std::ios::binary);
        char magic[4] = {};
        if (f.read(magic, 4) && std::string(magic, 4) == "GGUF") return true;
    }
    const fs::path dir = fs::is_directory(p, ec) ? p : p.parent_path();
    if (fs::exists(dir / "config.json", ec)) {
        const std::string t = config_model_type(dir);
        return t == "llama" || t == "mistral" || t == "qwen2" || t == "mixtral";
    }
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".gguf") return true;
    return false;
}

Status load_through_factory(const std::string& path, const LoadOptions& options, bool device_required, ModelImpl& impl) {
    if (device_required)
        return Status(ErrorCode::unsupported, "the llama-family models run on the CPU in this version (use --device cpu)");
    if (options.on_progress) options.on_progress(0.05f);
    FS_ASSIGN_OR_RETURN(LoadedModel m, load_causal_lm(path));
    for (const std::string& w : m.warnings)
        if (impl.log) impl.log(LogLevel::warning, w);
    if (options.on_progress) options.on_progress(0.5f);
    m.lm->describe(impl.info);
    impl.info.path = path;
    impl.precision = Precision::fp32;
    FS_ASSIGN_OR_RETURN(impl.text, make_codec(m, impl.info.n_vocab));
    impl.info.has_chat_template = impl.text && impl.text->has_chat_template();
    if (impl.text) impl.end_of_turn = impl.text->end_of_turn_tokens();
    impl.lm = std::move(m.lm);
    impl.pool = std::make_unique<ThreadPool>(options.n_threads);
    if (options.on_progress) options.on_progress(1.0f);
    if (impl.log)
        impl.log(LogLevel::info, "model=" + impl.info.architecture + " format=" + m.format + " params=" +
                                     std::to_string(impl.info.n_params) + " threads=" + std::to_string(impl.pool->size()));
    return {};
}

Result<ModelInfo> inspect_through_factory(const std::string& path) {
    FS_ASSIGN_OR_RETURN(LoadedModel m, load_causal_lm(path));
    ModelInfo info;
    m.lm->describe(info);
    info.path = path;
    auto codec = make_codec(m, info.n_vocab);
    info.has_chat_template = codec.ok() && codec.value() && codec.value()->has_chat_template();
    return info;
}

}  // namespace farsight
