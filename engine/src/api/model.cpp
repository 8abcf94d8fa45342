// Public Model: load a folder (config, weights, tokenizer), text helpers.
#include <filesystem>

#include "api/factory_loader.h"
#include "api/model_impl.h"
#include "models/minimax_text.h"

namespace farsight {

namespace fs = std::filesystem;

Model::Model(std::unique_ptr<ModelImpl> impl) : m_impl(std::move(impl)) {}
Model::~Model() = default;

Result<std::shared_ptr<Model>> Model::load(const std::string& path, const LoadOptions& options) {
    if (options.n_threads < 0) return Status(ErrorCode::invalid_argument, "n_threads must be >= 0");
    auto impl = std::make_unique<ModelImpl>();
    // Device: "cpu", "cuda"/"cuda:N" (required), or "auto" (the first GPU when there is one).
    int gpu_index = -1;
    if (options.device == "cuda") gpu_index = 0;
    else if (options.device.rfind("cuda:", 0) == 0) {
        const std::string n = options.device.substr(5);
        if (n.empty() || n.size() > 3 || n.find_first_not_of("0123456789") != std::string::npos)
            return Status(ErrorCode::invalid_argument, "device '" + options.device + "': expected cuda:N");
        gpu_index = std::stoi(n);
    } else if (options.device == "auto") {
        gpu_index = gpu_count() > 0 ? 0 : -1;
    } else if (options.device != "cpu") {
        return Status(ErrorCode::invalid_argument, "device '" + options.device + "': use auto, cpu, cuda or cuda:N");
    }
    if (options.precision == "fp32") impl->precision = Precision::fp32;
    else if (options.precision == "bf16") impl->precision = Precision::bf16;
    else return Status(ErrorCode::invalid_argument, "precision '" + options.precision + "': use bf16 or fp32");
    impl->log = options.log;
    if (loads_through_factory(path)) {  // llama family: GGUF files, llama/mistral/qwen2/mixtral folders
        FS_RETURN_IF_ERROR(load_through_factory(path, options, gpu_index >= 0 && options.device != "auto", *impl));
        return std::shared_ptr<Model>(new Model(std::move(impl)));
    }
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
    if (gpu_index >= 0) {
        FS_ASSIGN_OR_RETURN(impl->gpu, create_gpu_context(gpu_index));
        impl->gpu_index = gpu_index;
        // Plan before uploading: the weights in the chosen precision plus room for a prefill chunk.
        FS_ASSIGN_OR_RETURN(GpuInfo gi, gpu_info(gpu_index));
        const uint64_t weights = impl->precision == Precision::fp32 ? static_cast<uint64_t>(impl->info.n_params) * 4
                                                                     : static_cast<uint64_t>(impl->info.n_params) * 2;
        const MemoryPlan plan = plan_memory(impl->info, 0, 8192);
        const uint64_t need = weights + plan.activations + (uint64_t{1} << 30);  // + cuBLAS workspace and scratch
        if (need > gi.free_memory) {
            auto gib = [](uint64_t b) { return std::to_string(b >> 30) + "." + std::to_string(((b >> 20) % 1024) * 10 / 1024) + " GiB"; };
            return Status(ErrorCode::out_of_memory,
                          "the model needs " + gib(need) + " on cuda:" + std::to_string(gpu_index) + " (weights " + gib(weights) +
                              " in " + (impl->precision == Precision::fp32 ? "fp32" : "bf16") + ") but only " + gib(gi.free_memory) +
                              " are free: use bf16 precision, a smaller or quantized model, or --device cpu");
        }
        FS_RETURN_IF_ERROR(lm->to_device(impl->precision).with_context("uploading the weights to cuda:" + std::to_string(gpu_index)));
    } else {
        impl->precision = Precision::fp32;  // the CPU path always computes in f32
    }
    impl->info.weight_bytes = impl->store->total_bytes();
    impl->info.weight_dtype = impl->store->tensors().empty() ? "" : std::string(dtype_name(config.n_vocab ? lm->weights().layers[0].input_norm.dtype : DType::f32));
    impl->lm = std::move(lm);
    std::error_code ec;
    const fs::path dir = fs::is_directory(path, ec) ? fs::path(path) : fs::path(path).parent_path();
    FS_ASSIGN_OR_RETURN(impl->text, TextCodec::load(dir.string(), impl->info.n_vocab, config.eos_token_id));
    impl->info.has_chat_template = impl->text && impl->text->has_chat_template();
    if (impl->text) impl->end_of_turn = impl->text->end_of_turn_tokens();
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
