// storage_stress: scripted writes through the storage API (user messages, streamed replies,
// branches, draft autosaves, title edits) until killed. After each commit it appends an
// acknowledgement line to --ack (one write() each, so a kill -9 never leaves half a line that
// claims more than was committed). The crash test (crash_test.cpp) kills it and checks the DB.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "storage/chat_writer.h"
#include "storage/session_store.h"
#include "stress_script.h"

using namespace farsight;
using namespace farsight::storage;

namespace {

int g_ack = -1;

void ack(const std::string& line) {
    std::string l = line + "\n";
    if (::write(g_ack, l.data(), l.size()) != static_cast<ssize_t>(l.size())) std::_Exit(3);
}

[[noreturn]] void fail(const Status& s) {
    std::fprintf(stderr, "storage_stress: %s\n", s.to_string().c_str());
    std::_Exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string db_path, ack_path;
    std::uint64_t seed = 1;
    int flush_ms = 20, piece_us = 300, max_turns = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--db") db_path = v;
        else if (k == "--ack") ack_path = v;
        else if (k == "--seed") seed = std::strtoull(v.c_str(), nullptr, 10);
        else if (k == "--flush-ms") flush_ms = std::atoi(v.c_str());
        else if (k == "--piece-us") piece_us = std::atoi(v.c_str());
        else if (k == "--turns") max_turns = std::atoi(v.c_str());
    }
    if (db_path.empty() || ack_path.empty()) {
        std::fprintf(stderr, "usage: storage_stress --db FILE --ack FILE [--seed N] [--flush-ms MS] [--piece-us US] [--turns N]\n");
        return 1;
    }
    g_ack = ::open(ack_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (g_ack < 0) return 1;

    std::uint64_t current_turn = 0;
    StoreOptions options;
    options.flush_interval = std::chrono::milliseconds(flush_ms);
    options.on_reply_committed = [&](MessageId id, std::size_t bytes) {
        ack("R " + std::to_string(seed) + " " + std::to_string(current_turn) + " " + std::to_string(id) + " " +
            std::to_string(bytes));
    };
    auto store = SessionStore::open(db_path, options);
    if (!store.ok()) fail(store.status());
    SessionStore& s = **store;
    ack("O " + std::to_string(s.open_report().interrupted.size()));

    auto conv = find_or_create_conversation(s, "stress " + std::to_string(seed), "/models/stress", "stress@0");
    if (!conv.ok()) fail(conv.status());
    ack("C " + std::to_string(seed) + " " + std::to_string(*conv));

    int draft_edit = 0, title_edit = 0;
    std::optional<MessageId> previous_user_parent;
    for (int turn = 1; max_turns == 0 || turn <= max_turns; ++turn) {
        current_turn = static_cast<std::uint64_t>(turn);
        // The user "types": a few draft autosaves, sometimes a rename (the annotation-like edit).
        for (int k = 0; k < 3; ++k) {
            ++draft_edit;
            if (Status st = s.drafts().save(*conv, stress::draft_text(seed, draft_edit)); !st.ok()) fail(st);
            ack("D " + std::to_string(seed) + " " + std::to_string(*conv) + " " + std::to_string(draft_edit));
        }
        if (turn % 3 == 0) {
            ++title_edit;
            if (Status st = s.conversations().rename(*conv, stress::title_text(seed, title_edit)); !st.ok()) fail(st);
            ack("T " + std::to_string(seed) + " " + std::to_string(*conv) + " " + std::to_string(title_edit));
        }
        ChatTurnRequest request;
        request.conversation = *conv;
        request.user_text = stress::user_text(seed, turn);
        request.generation = {"stress@0", R"({"temperature":0.7,"top_p":0.9})"};
        request.clear_draft = false;
        // Every 4th turn edits the previous question instead of continuing: a branch.
        if (turn % 4 == 0 && previous_user_parent) request.parent = *previous_user_parent;
        const std::string reply = stress::reply_text(seed, turn);
        std::uint64_t piece_key = seed * 131u + turn;
        auto producer = [&](const ReplyEmit& emit, ReplyStats& stats) -> Status {
            std::size_t at = 0;
            while (at < reply.size()) {
                piece_key = stress::mix(piece_key);
                std::size_t n = std::min<std::size_t>(1 + piece_key % 8, reply.size() - at);
                if (Status st = emit(std::string_view(reply).substr(at, n)); !st.ok()) return st;
                at += n;
                if (piece_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(piece_us));
            }
            stats.n_tokens = static_cast<std::int64_t>(reply.size() / 4);
            stats.tokens_per_s = 42.0;
            stats.ttft_ms = 12.5;
            stats.n_context_used = 1000 + turn;
            return {};
        };
        auto result = run_chat_turn(s, request, producer, [&](MessageId user) {
            ack("U " + std::to_string(seed) + " " + std::to_string(turn) + " " + std::to_string(user));
        });
        if (!result.ok()) fail(result.status());
        if (result->reply_status != MessageStatus::complete) fail(result->producer_status);
        ack("F " + std::to_string(seed) + " " + std::to_string(turn) + " " + std::to_string(result->reply));
        auto user = s.messages().get(result->user_message);
        if (!user.ok()) fail(user.status());
        previous_user_parent = user->parent;
    }
    Status closed = s.close();
    if (!closed.ok()) fail(closed);
    return 0;
}
