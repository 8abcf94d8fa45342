// Streaming replies: buffered appends committed at least every flush interval and at finish,
// interrupted replies reported at the next open, run_chat_turn / ReplyWriter semantics.
#include <gtest/gtest.h>

#include <thread>

#include "storage/chat_writer.h"
#include "storage/session_store.h"
#include "test_util.h"

namespace farsight::storage {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

// What another connection (e.g. after a crash) would read right now.
std::string committed_content(const std::filesystem::path& db_path, MessageId id) {
    auto db = Db::open(db_path, testing::db_mode(OpenMode::read_only));
    if (!db.ok()) return "<open failed>";
    auto text = db->query_text("SELECT content FROM messages WHERE id = " + std::to_string(id));
    return text.ok() ? *text : "<missing>";
}

TEST(StorageStreaming, AppendsAreBufferedAndCommittedByInterval) {
    TempDir dir;
    std::vector<std::pair<MessageId, std::size_t>> commits;
    StoreOptions o;
    o.flush_interval = 100ms;
    o.on_reply_committed = [&](MessageId id, std::size_t n) { commits.emplace_back(id, n); };
    auto s = SessionStore::open(dir / "s.db", o);
    ASSERT_TRUE(s.ok());
    SessionStore& store = **s;
    ConversationId c = *store.conversations().create(Conversation{});
    MessageId q = *store.add_user_message(c, "hi");
    auto r = store.begin_reply(c, q, {"m@1", R"({"temperature":0.1})"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(store.messages().get(*r)->status, MessageStatus::streaming);
    ASSERT_TRUE(store.append_reply(*r, "Hel").ok());
    ASSERT_TRUE(store.append_reply(*r, "lo").ok());
    EXPECT_EQ(committed_content(dir / "s.db", *r), "");   // buffered, not yet committed
    EXPECT_EQ(store.unsaved_text(*r), "Hello");
    EXPECT_EQ(*store.reply_text(*r), "Hello");
    std::this_thread::sleep_for(120ms);
    ASSERT_TRUE(store.append_reply(*r, ",").ok());        // older than the interval: committed
    EXPECT_EQ(committed_content(dir / "s.db", *r), "Hello,");
    EXPECT_EQ(store.unsaved_text(*r), "");
    ASSERT_TRUE(store.append_reply(*r, " world").ok());
    std::this_thread::sleep_for(120ms);
    ASSERT_TRUE(store.flush_due().ok());                  // a timer commits a stalled stream too
    EXPECT_EQ(committed_content(dir / "s.db", *r), "Hello, world");
    ASSERT_TRUE(store.append_reply(*r, "!").ok());
    ASSERT_TRUE(store.finish_reply(*r, MessageStatus::complete, ReplyStats{30, 50, 100, 4}).ok());
    auto m = store.messages().get(*r);
    EXPECT_EQ(m->content, "Hello, world!");
    EXPECT_EQ(m->status, MessageStatus::complete);
    EXPECT_EQ(m->stats->n_tokens, 4);
    EXPECT_EQ(m->generation.model_identity, "m@1");
    ASSERT_EQ(commits.size(), 3u);
    EXPECT_EQ(commits.back(), std::make_pair(*r, std::size_t{13}));
    EXPECT_FALSE(store.has_unsaved());
    EXPECT_EQ(store.append_reply(*r, "late").code(), ErrorCode::not_found);
}

TEST(StorageStreaming, CommitLagStaysWithinTheInterval) {
    // A continuous stream: between two commits at most one interval passes (plus the time of one
    // append), so a kill loses at most about that much text.
    TempDir dir;
    std::vector<std::chrono::steady_clock::time_point> at;
    StoreOptions o;
    o.flush_interval = 200ms;
    o.on_reply_committed = [&](MessageId, std::size_t) { at.push_back(std::chrono::steady_clock::now()); };
    auto s = SessionStore::open(dir / "s.db", o);
    ASSERT_TRUE(s.ok());
    ConversationId c = *(*s)->conversations().create(Conversation{});
    MessageId r = *(*s)->begin_reply(c, std::nullopt, {});
    auto start = std::chrono::steady_clock::now();
    at.push_back(start);
    while (std::chrono::steady_clock::now() - start < 1s) {
        ASSERT_TRUE((*s)->append_reply(r, "tok ").ok());
        std::this_thread::sleep_for(2ms);
    }
    ASSERT_GE(at.size(), 4u);
    for (std::size_t i = 1; i < at.size(); ++i) EXPECT_LE(at[i] - at[i - 1], 200ms + 50ms);
}

TEST(StorageStreaming, UnfinishedReplyIsInterruptedAtNextOpen) {
    TempDir dir;
    MessageId r = 0;
    {
        auto s = SessionStore::open(dir / "s.db");
        ASSERT_TRUE(s.ok());
        ConversationId c = *(*s)->conversations().create(Conversation{});
        MessageId q = *(*s)->add_user_message(c, "question");
        r = *(*s)->begin_reply(c, q, {});
        ASSERT_TRUE((*s)->append_reply(r, "partial answer").ok());
        ASSERT_TRUE((*s)->drafts().save(c, "my next question").ok());
        // The app quits (or crashes after the last commit) without finishing the reply.
    }
    auto s = SessionStore::open(dir / "s.db");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->open_report().interrupted, std::vector<MessageId>{r});
    auto m = (*s)->messages().get(r);
    EXPECT_EQ(m->status, MessageStatus::interrupted);
    EXPECT_EQ(m->content, "partial answer");   // kept, never deleted
    ASSERT_EQ((*s)->open_report().drafts.size(), 1u);
    EXPECT_EQ((*s)->open_report().drafts[0].text, "my next question");
    ASSERT_TRUE((*s)->close().ok());
    auto again = SessionStore::open(dir / "s.db");
    EXPECT_TRUE((*again)->open_report().interrupted.empty());   // reported once
}

TEST(StorageStreaming, RunChatTurnStoresBothMessages) {
    TempDir dir;
    auto s = SessionStore::open(dir / "s.db");
    ASSERT_TRUE(s.ok());
    SessionStore& store = **s;
    auto c = find_or_create_conversation(store, "cli chat", "/models/m", "m@1");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(*find_or_create_conversation(store, "cli chat"), *c);
    Attachment a;
    a.conversation = *c;
    a.original_path = "notes.txt";
    AttachmentId att = *store.attachments().add(a);
    ASSERT_TRUE(store.drafts().save(*c, "being typed").ok());

    MessageId acked = 0;
    ChatTurnRequest req;
    req.conversation = *c;
    req.user_text = "Summarize";
    req.generation = {"m@1", "{}"};
    req.attachments = {att};
    auto result = run_chat_turn(store, req, [](const ReplyEmit& emit, ReplyStats& stats) -> Status {
        for (const char* piece : {"The ", "summary", "."}) FS_RETURN_IF_ERROR(emit(piece));
        stats.n_tokens = 3;
        stats.tokens_per_s = 10;
        return {};
    }, [&](MessageId id) { acked = id; });
    ASSERT_TRUE(result.ok()) << result.status().to_string();
    EXPECT_EQ(acked, result->user_message);
    EXPECT_EQ(result->reply_status, MessageStatus::complete);
    auto branch = *store.messages().active_branch(*c);
    ASSERT_EQ(branch.size(), 2u);
    EXPECT_EQ(branch[0].content, "Summarize");
    EXPECT_EQ(branch[1].content, "The summary.");
    EXPECT_EQ(branch[1].stats->n_tokens, 3);
    EXPECT_EQ(store.attachments().get(att)->message, std::optional<MessageId>(result->user_message));
    EXPECT_FALSE(store.drafts().get(*c)->has_value() && !(*store.drafts().get(*c))->text.empty());

    // Cancelled -> interrupted, failure -> error with the message; the turns chain on.
    req.attachments.clear();
    auto cancelled = run_chat_turn(store, req, [](const ReplyEmit& emit, ReplyStats&) -> Status {
        (void)emit("Par");
        return make_error(ErrorCode::cancelled, "stopped by the user");
    });
    ASSERT_TRUE(cancelled.ok());
    EXPECT_EQ(cancelled->reply_status, MessageStatus::interrupted);
    EXPECT_EQ(store.messages().get(cancelled->reply)->content, "Par");
    auto failed = run_chat_turn(store, req, [](const ReplyEmit&, ReplyStats&) -> Status {
        return make_error(ErrorCode::out_of_memory, "KV cache does not fit");
    });
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(failed->reply_status, MessageStatus::error);
    auto fm = store.messages().get(failed->reply);
    EXPECT_EQ(fm->status, MessageStatus::error);
    EXPECT_NE(fm->error_message.find("KV cache"), std::string::npos);
    EXPECT_EQ(store.messages().active_branch(*c)->size(), 6u);
}

TEST(StorageStreaming, ReplyWriterMarksAnAbandonedReplyInterrupted) {
    TempDir dir;
    auto s = SessionStore::open(dir / "s.db");
    ConversationId c = *(*s)->conversations().create(Conversation{});
    MessageId id = 0;
    {
        auto w = ReplyWriter::begin(**s, c, std::nullopt, {});
        ASSERT_TRUE(w.ok());
        id = w->id();
        ASSERT_TRUE(w->append("half").ok());
    }
    auto m = (*s)->messages().get(id);
    EXPECT_EQ(m->status, MessageStatus::interrupted);
    EXPECT_EQ(m->content, "half");
}

}  // namespace
}  // namespace farsight::storage
