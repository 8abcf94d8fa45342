// Public Model: load a folder (config, weights, tokenizer), text helpers.
#include <filesystem>

#include "api/model_impl.h"
#include "models/minimax_text.h"

namespace farsight {

namespace fs = std::filesystem;

Model::Model(std::unique_ptr<ModelImpl> impl) : m_impl(std::move(impl)) {}
Model::~Model() = default;

Result<std::shared_ptr<Model>> Model::load(const std::string& path, const LoadOptions& options) {
    if (options.device != "auto" && options.device != "cpu")
        return Status(ErrorCode::unsupported, "device '" + options.device + "' is not available in this build (use cpu)");
    if (options.n_threads < 0) return Status(ErrorCode::invalid_argument, "n_threads must be >= 0");
    auto impl = std::make_unique<ModelImpl>();
    impl->log = options.log;
    ModelConfig config;
    FS_RETURN_IF_ERROR(read_model_folder(path, impl->info, config));
    if (options.on_progress) options.on_progress(0.05f);
    FS_ASSIGN_OR_RETURN(WeightStore store, WeightStore::open(path));
    impl->store = std::make_shared<WeightStore>(std::move(store));
    for (const std::string& w : impl->store->warnings())
        if (impl->log) impl->log(LogLevel::warning, w);
    if (options.on_progress) options.on_progress(0.5f);
    FS_ASSIGN_OR_RETURN(auto lm, MiniMaxText::create(config, impl->store));
    lm->describe(impl->info);
    impl->info.weight_bytes = impl->store->total_bytes();
    impl->info.weight_dtype = impl->store->tensors().empty() ? "" : std::string(dtype_name(config.n_vocab ? lm->weights().layers[0].input_norm.dtype : DType::f32));
    impl->lm = std::move(lm);
    std::error_code ec;
    const fs::path dir = fs::is_directory(path, ec) ? fs::path(path) : fs::path(path).parent_path();
    FS_ASSIGN_OR_RETURN(impl->text, TextCodec::load(dir.string(), impl->info.n_vocab, config.eos_token_id));
    impl->info.has_chat_template = impl->text && impl->text->has_chat_template();
    impl->pool = std::make_unique<ThreadPool>(options.n_threads);
    if (options.on_progress) options.on_progress(1.0f);
    if (impl->log)
        impl->log(LogLevel::info, "model=" + impl->info.architecture + " params=" + std::to_string(impl->info.n_params) +
                                      " threads=" + std::to_string(impl->pool->size()));
    return std::shared_ptr<Model>(new Model(std::move(impl)));
}

const ModelInfo& Model::info() const { return m_impl->info; }
int64_t Model::vocab_size() const { return m_impl->info.n_vocab; }

static Status no_tokenizer() {
    return Status(ErrorCode::not_found, "this model folder has no tokenizer.json");
}

Result<std::vector<TokenId>> Model::tokenize(std::string_view text, bool parse_special) const {
    if (!m_impl->text) return no_tokenizer();
    return m_impl->text->encode(text, parse_special);
}

std::string Model::detokenize(std::span<const TokenId> ids, bool skip_special) const {
    return m_impl->text ? m_impl->text->decode(ids, skip_special) : std::string();
}

Result<std::string> Model::apply_chat_template(const std::vector<ChatMessage>& messages, bool add_generation_prompt) const {
    if (!m_impl->text) return no_tokenizer();
    return m_impl->text->render_chat(messages, add_generation_prompt);
}

const std::vector<TokenId>& Model::end_of_turn_tokens() const {
    static const std::vector<TokenId> none;
    return m_impl->text ? m_impl->end_of_turn : none;
}

}  // namespace farsight
