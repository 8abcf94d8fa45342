// generate: chat-templated generation that streams text to stdout and reports prefill/decode
// speed on stderr. --file puts a whole document into the user turn (no retrieval snippets).
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "args.h"
#include "commands.h"
#include "farsight/engine/engine.h"

namespace farsight::cli {
namespace {

CancelToken* g_cancel = nullptr;
void on_generate_sigint(int) {
    if (g_cancel) g_cancel->cancel();
}

Result<std::string> read_text_file(const std::string& path, uint64_t limit) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return Status(ErrorCode::not_found, "cannot open " + path);
    f.seekg(0, std::ios::end);
    const auto size = static_cast<uint64_t>(f.tellg());
    if (size > limit) return Status(ErrorCode::limit_exceeded, path + " is larger than " + std::to_string(limit >> 20) + " MiB");
    f.seekg(0);
    std::string s(size, '\0');
    f.read(s.data(), static_cast<std::streamsize>(size));
    if (!f) return Status(ErrorCode::io_error, "cannot read " + path);
    return s;
}

}  // namespace

Status cmd_generate(int argc, char** argv) {
    FS_ASSIGN_OR_RETURN(Args args, Args::parse(argc, argv, 2,
                                               {"model", "prompt", "file", "system", "max-tokens", "temperature", "top-k",
                                                "top-p", "min-p", "repeat-penalty", "seed", "ctx", "threads", "chunk", "stop"},
                                               {"raw", "quiet"}));
    FS_ASSIGN_OR_RETURN(std::string model_dir, args.require("model"));
    GenerateParams gp;
    FS_ASSIGN_OR_RETURN(int64_t max_tokens, args.get_int("max-tokens", 256, 0, 1 << 24));
    FS_ASSIGN_OR_RETURN(double temperature, args.get_double("temperature", 0.0, 0.0, 100.0));
    FS_ASSIGN_OR_RETURN(int64_t top_k, args.get_int("top-k", 0, 0, 1 << 24));
    FS_ASSIGN_OR_RETURN(double top_p, args.get_double("top-p", 1.0, 1e-9, 1.0));
    FS_ASSIGN_OR_RETURN(double min_p, args.get_double("min-p", 0.0, 0.0, 1.0));
    FS_ASSIGN_OR_RETURN(double penalty, args.get_double("repeat-penalty", 1.0, 1e-3, 100.0));
    FS_ASSIGN_OR_RETURN(int64_t seed, args.get_int("seed", 0, 0, INT64_MAX));
    FS_ASSIGN_OR_RETURN(int64_t n_ctx, args.get_int("ctx", 0, 0, int64_t{1} << 32));
    FS_ASSIGN_OR_RETURN(int64_t threads, args.get_int("threads", 0, 0, 1024));
    FS_ASSIGN_OR_RETURN(int64_t chunk, args.get_int("chunk", 512, 1, 1 << 20));
    gp.max_tokens = static_cast<int32_t>(max_tokens);
    gp.sampling.temperature = static_cast<float>(temperature);
    gp.sampling.top_k = static_cast<int32_t>(top_k);
    gp.sampling.top_p = static_cast<float>(top_p);
    gp.sampling.min_p = static_cast<float>(min_p);
    gp.sampling.repetition_penalty = static_cast<float>(penalty);
    gp.sampling.seed = static_cast<uint64_t>(seed);
    gp.prefill_chunk = static_cast<int32_t>(chunk);
    if (auto s = args.get("stop")) gp.stop_strings.push_back(*s);

    std::string user = args.get("prompt").value_or("");
    if (auto file = args.get("file")) {
        FS_ASSIGN_OR_RETURN(std::string doc, read_text_file(*file, uint64_t{1} << 32));
        user = "<document>\n" + doc + "\n</document>\n\n" + (user.empty() ? "Summarize the document above." : user);
    }
    if (user.empty()) return Status(ErrorCode::invalid_argument, "give --prompt TEXT and/or --file DOC");

    LoadOptions lo;
    lo.n_threads = static_cast<int>(threads);
    FS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::load(model_dir, lo));
    std::string prompt_text = user;
    const bool templated = !args.has("raw") && model->info().has_chat_template;
    if (templated) {
        std::vector<ChatMessage> msgs;
        if (auto sys = args.get("system")) msgs.push_back({"system", *sys, ""});
        msgs.push_back({"user", user, ""});
        FS_ASSIGN_OR_RETURN(prompt_text, model->apply_chat_template(msgs, true));
    }
    // The template's control tokens are special tokens; the user's own text is not parsed for them.
    FS_ASSIGN_OR_RETURN(std::vector<TokenId> prompt, model->tokenize(prompt_text, /*parse_special=*/templated));
    SessionOptions so;
    so.n_ctx = n_ctx > 0 ? n_ctx : static_cast<int64_t>(prompt.size()) + max_tokens + 1;
    FS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(model, so));

    CancelToken cancel;
    g_cancel = &cancel;
    std::signal(SIGINT, on_generate_sigint);
    const bool quiet = args.has("quiet");
    GenerateCallbacks cb;
    cb.on_text = [](std::string_view piece, TokenId) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
        std::fflush(stdout);
        return true;
    };
    if (!quiet)
        cb.on_prefill_progress = [](int64_t done, int64_t total) {
            if (total > 2048) std::fprintf(stderr, "\rprefill %lld/%lld", static_cast<long long>(done), static_cast<long long>(total));
            if (total > 2048 && done == total) std::fprintf(stderr, "\n");
        };
    auto stats = session->generate(prompt, gp, cb, &cancel);
    std::signal(SIGINT, SIG_DFL);
    g_cancel = nullptr;
    std::fprintf(stdout, "\n");
    if (!stats.ok()) return stats.status();
    const GenerationStats& s = stats.value();
    static const char* reasons[] = {"none", "max_tokens", "eos", "stop_string", "cancelled", "context_full", "error"};
    std::fprintf(stderr,
                 "prefill_tokens=%lld prefill_s=%.3f prefill_tok_s=%.1f decode_tokens=%lld decode_s=%.3f decode_tok_s=%.2f "
                 "ttft_s=%.3f stop=%s\n",
                 static_cast<long long>(s.n_prompt_tokens), s.prefill_seconds, s.prefill_tokens_per_second(),
                 static_cast<long long>(s.n_generated), s.decode_seconds, s.decode_tokens_per_second(), s.time_to_first_token,
                 reasons[static_cast<int>(s.stop_reason)]);
    return {};
}

Status cmd_info(int argc, char** argv) {
    FS_ASSIGN_OR_RETURN(Args args, Args::parse(argc, argv, 2, {"model", "ctx"}, {}));
    FS_ASSIGN_OR_RETURN(std::string model_dir, args.require("model"));
    FS_ASSIGN_OR_RETURN(ModelInfo info, inspect_model(model_dir));
    FS_ASSIGN_OR_RETURN(int64_t n_ctx, args.get_int("ctx", info.n_ctx_train > 0 ? info.n_ctx_train : 8192, 1, int64_t{1} << 32));
    const MemoryPlan plan = plan_memory(info, n_ctx);
    auto mib = [](uint64_t b) { return static_cast<double>(b) / (1 << 20); };
    std::printf("architecture=%s model_type=%s\nparams=%lld active_params=%lld layers=%lld hidden=%lld vocab=%lld ctx_train=%lld\n"
                "weight_dtype=%s weights_mib=%.1f chat_template=%s\n"
                "plan_ctx=%lld plan_weights_mib=%.1f plan_state_mib=%.1f plan_kv_mib=%.1f plan_activations_mib=%.1f plan_total_mib=%.1f\n",
                info.architecture.c_str(), info.model_type.c_str(), static_cast<long long>(info.n_params),
                static_cast<long long>(info.n_active_params), static_cast<long long>(info.n_layers),
                static_cast<long long>(info.n_embd), static_cast<long long>(info.n_vocab),
                static_cast<long long>(info.n_ctx_train), info.weight_dtype.c_str(), mib(info.weight_bytes),
                info.has_chat_template ? "yes" : "no", static_cast<long long>(n_ctx), mib(plan.weights), mib(plan.state),
                mib(plan.kv_cache), mib(plan.activations), mib(plan.total()));
    return {};
}

}  // namespace farsight::cli
