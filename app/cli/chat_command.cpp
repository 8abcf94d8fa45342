// farsight-cli chat --db FILE --conversation NAME --model DIR [--max-tokens N] MESSAGE
#include <csignal>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/chat_command.h"
#include "farsight/engine/engine.h"
#include "storage/chat_writer.h"
#include "storage/session_store.h"

namespace farsight::cli {
namespace {

CancelToken* g_cancel = nullptr;
void on_chat_signal(int) {
    if (g_cancel) g_cancel->cancel();
}

Status run_chat(int argc, char** argv) {
    FS_ASSIGN_OR_RETURN(Args args, Args::parse(argc, argv, 2, {"db", "conversation", "model", "max-tokens", "temperature",
                                                               "seed", "ctx", "threads", "system"},
                                               {}));
    FS_ASSIGN_OR_RETURN(std::string db_path, args.require("db"));
    FS_ASSIGN_OR_RETURN(std::string title, args.require("conversation"));
    FS_ASSIGN_OR_RETURN(std::string model_dir, args.require("model"));
    FS_ASSIGN_OR_RETURN(int64_t max_tokens, args.get_int("max-tokens", 512, 0, 1 << 24));
    FS_ASSIGN_OR_RETURN(double temperature, args.get_double("temperature", 0.0, 0.0, 100.0));
    FS_ASSIGN_OR_RETURN(int64_t seed, args.get_int("seed", 0, 0, INT64_MAX));
    FS_ASSIGN_OR_RETURN(int64_t n_ctx, args.get_int("ctx", 0, 0, int64_t{1} << 32));
    FS_ASSIGN_OR_RETURN(int64_t threads, args.get_int("threads", 0, 0, 1024));
    if (args.positional().size() != 1) return Status(ErrorCode::invalid_argument, "give exactly one MESSAGE");
    const std::string message = args.positional()[0];

    LoadOptions lo;
    lo.n_threads = static_cast<int>(threads);
    FS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::load(model_dir, lo));
    if (!model->info().has_chat_template) return Status(ErrorCode::unsupported, "the model has no chat template");

    FS_ASSIGN_OR_RETURN(std::unique_ptr<storage::SessionStore> store, storage::SessionStore::open(db_path));
    for (auto id : store->open_report().interrupted)
        std::fprintf(stderr, "note: reply %lld was interrupted by an earlier crash and is kept as interrupted\n",
                     static_cast<long long>(id));
    FS_ASSIGN_OR_RETURN(storage::ConversationId conv, storage::find_or_create_conversation(*store, title, model_dir));
    FS_ASSIGN_OR_RETURN(storage::Conversation conversation, store->conversations().get(conv));
    if (auto sys = args.get("system")) {
        FS_RETURN_IF_ERROR(store->conversations().set_system_prompt(conv, *sys));
        conversation.system_prompt = *sys;
    }
    FS_ASSIGN_OR_RETURN(std::vector<storage::Message> history, store->messages().active_branch(conv));

    std::vector<ChatMessage> msgs;
    if (!conversation.system_prompt.empty()) msgs.push_back({"system", conversation.system_prompt, ""});
    for (const storage::Message& m : history) {
        if (m.status == storage::MessageStatus::error || m.content.empty()) continue;
        msgs.push_back({std::string(storage::to_string(m.role)), m.content, ""});
    }
    msgs.push_back({"user", message, ""});
    FS_ASSIGN_OR_RETURN(std::string prompt_text, model->apply_chat_template(msgs, true));
    FS_ASSIGN_OR_RETURN(std::vector<TokenId> prompt, model->tokenize(prompt_text, /*parse_special=*/true));

    SessionOptions so;
    so.n_ctx = n_ctx > 0 ? n_ctx : static_cast<int64_t>(prompt.size()) + max_tokens + 1;
    FS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(model, so));
    GenerateParams gp;
    gp.max_tokens = static_cast<int32_t>(max_tokens);
    gp.sampling.temperature = static_cast<float>(temperature);
    gp.sampling.seed = static_cast<uint64_t>(seed);

    storage::ChatTurnRequest req;
    req.conversation = conv;
    req.user_text = message;
    req.generation.model_identity = model_dir;
    req.generation.sampling_json = nlohmann::json{{"temperature", temperature}, {"seed", seed}, {"max_tokens", max_tokens}}.dump();

    CancelToken cancel;
    g_cancel = &cancel;
    std::signal(SIGINT, on_chat_signal);
    std::signal(SIGTERM, on_chat_signal);
    auto producer = [&](const storage::ReplyEmit& emit, storage::ReplyStats& stats) -> Status {
        GenerateCallbacks cb;
        Status storage_error;
        cb.on_text = [&](std::string_view piece, TokenId) {
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
            Status st = emit(piece);
            if (!st.ok() && storage_error.ok()) storage_error = st;  // text stays buffered; keep generating
            return true;
        };
        auto result = session->generate(prompt, gp, cb, &cancel);
        if (!result.ok()) return result.status();
        const GenerationStats& s = result.value();
        stats.tokens_per_s = s.decode_tokens_per_second();
        stats.ttft_ms = s.time_to_first_token * 1000.0;
        stats.n_tokens = s.n_generated;
        stats.n_context_used = static_cast<int64_t>(session->tokens().size());
        std::fprintf(stderr, "\nprefill_tokens=%lld prefill_tok_s=%.1f decode_tokens=%lld decode_tok_s=%.2f ttft_s=%.3f\n",
                     static_cast<long long>(s.n_prompt_tokens), s.prefill_tokens_per_second(),
                     static_cast<long long>(s.n_generated), s.decode_tokens_per_second(), s.time_to_first_token);
        if (s.stop_reason == StopReason::cancelled) return Status(ErrorCode::cancelled, "stopped by the user");
        return storage_error;
    };
    auto turn = storage::run_chat_turn(*store, req, producer);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_cancel = nullptr;
    if (!turn.ok()) return turn.status();
    FS_RETURN_IF_ERROR(store->close());
    if (!turn->producer_status.ok() && turn->producer_status.code() != ErrorCode::cancelled) return turn->producer_status;
    return {};
}

}  // namespace

Command chat_command() {
    return {"chat", "chat --db FILE --conversation NAME --model DIR [--max-tokens N] [--temperature T] [--system TEXT] MESSAGE",
            run_chat};
}

}  // namespace farsight::cli
