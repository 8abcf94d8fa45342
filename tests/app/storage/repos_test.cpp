// Repos: conversations (soft delete/undo/purge), the message tree and its active branch, drafts,
// attachments with provenance, engine snapshots.
#include <gtest/gtest.h>

#include "storage/session_store.h"
#include "storage/transaction.h"
#include "test_util.h"

namespace farsight::storage {
namespace {

using testing::TempDir;

class StorageRepos : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = SessionStore::open(m_dir / "s.db");
        ASSERT_TRUE(s.ok()) << s.status().to_string();
        m_store = std::move(*s);
    }
    ConversationId new_conversation(const std::string& title) {
        Conversation c;
        c.title = title;
        auto id = m_store->conversations().create(c);
        EXPECT_TRUE(id.ok());
        return *id;
    }
    MessageId add(ConversationId c, std::optional<MessageId> parent, Role role, const std::string& text) {
        NewMessage m;
        m.conversation = c;
        m.parent = parent;
        m.role = role;
        m.content = text;
        auto id = m_store->messages().add(m);
        EXPECT_TRUE(id.ok()) << id.status().to_string();
        return id.ok() ? *id : 0;
    }
    std::vector<MessageId> branch_ids(ConversationId c) {
        std::vector<MessageId> ids;
        auto branch = m_store->messages().active_branch(c);
        EXPECT_TRUE(branch.ok());
        for (const Message& m : *branch) ids.push_back(m.id);
        return ids;
    }
    TempDir m_dir;
    std::unique_ptr<SessionStore> m_store;
};

TEST_F(StorageRepos, ConversationFieldsRoundTrip) {
    Conversation c;
    c.title = "Paper review";
    c.system_prompt = "You are careful.";
    c.model_path = "/models/minimax";
    c.model_identity = "minimax-text-01@abc";
    c.sampling_json = R"({"temperature":0.3,"top_k":40})";
    c.pinned = true;
    auto id = m_store->conversations().create(c);
    ASSERT_TRUE(id.ok());
    auto got = m_store->conversations().get(*id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->title, c.title);
    EXPECT_EQ(got->system_prompt, c.system_prompt);
    EXPECT_EQ(got->model_identity, c.model_identity);
    EXPECT_EQ(got->sampling_json, c.sampling_json);
    EXPECT_TRUE(got->pinned);
    EXPECT_GT(got->created_at, 0);
    ASSERT_TRUE(m_store->conversations().rename(*id, "Renamed").ok());
    ASSERT_TRUE(m_store->conversations().set_system_prompt(*id, "New prompt").ok());
    ASSERT_TRUE(m_store->conversations().set_model(*id, "/m2", "m2@1").ok());
    ASSERT_TRUE(m_store->conversations().set_sampling(*id, R"({"temperature":1})").ok());
    EXPECT_EQ(m_store->conversations().set_sampling(*id, "[1,2]").code(), ErrorCode::invalid_argument);
    EXPECT_EQ(m_store->conversations().set_sampling(*id, "{oops").code(), ErrorCode::invalid_argument);
    got = m_store->conversations().get(*id);
    EXPECT_EQ(got->title, "Renamed");
    EXPECT_EQ(got->model_path, "/m2");
    EXPECT_EQ(got->sampling_json, R"({"temperature":1})");
    EXPECT_EQ(m_store->conversations().rename(9999, "x").code(), ErrorCode::not_found);
    EXPECT_EQ(m_store->conversations().get(9999).status().code(), ErrorCode::not_found);
}

TEST_F(StorageRepos, ListOrderAndFilters) {
    ConversationId a = new_conversation("a");
    ConversationId b = new_conversation("b");
    ConversationId c = new_conversation("c");
    ASSERT_TRUE(m_store->conversations().set_pinned(a, true).ok());
    ASSERT_TRUE(m_store->conversations().set_archived(b, true).ok());
    auto list = m_store->conversations().list();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].id, a);   // pinned first
    EXPECT_EQ((*list)[1].id, c);
    EXPECT_EQ(m_store->conversations().list(ConversationFilter{true, false})->size(), 3u);
    EXPECT_EQ(*m_store->conversations().find_by_title("c"), std::optional<ConversationId>(c));
    EXPECT_FALSE(m_store->conversations().find_by_title("zzz")->has_value());
}

TEST_F(StorageRepos, SoftDeleteUndoAndPurge) {
    ConversationId c = new_conversation("to delete");
    MessageId q = add(c, std::nullopt, Role::user, "unique zebra question");
    add(c, q, Role::assistant, "answer");
    ASSERT_TRUE(m_store->drafts().save(c, "draft").ok());
    ASSERT_TRUE(m_store->conversations().soft_delete(c).ok());
    EXPECT_TRUE(m_store->conversations().list()->empty());
    EXPECT_TRUE(m_store->search("zebra")->empty());
    EXPECT_EQ(m_store->conversations().list(ConversationFilter{false, true})->size(), 1u);
    ASSERT_TRUE(m_store->conversations().undo_delete(c).ok());
    EXPECT_EQ(m_store->conversations().list()->size(), 1u);
    EXPECT_EQ(m_store->search("zebra")->size(), 1u);

    ASSERT_TRUE(m_store->conversations().soft_delete(c).ok());
    EXPECT_EQ(*m_store->conversations().purge_deleted(now_ms() - 60'000), 0);   // too recent
    EXPECT_EQ(*m_store->conversations().purge_deleted(now_ms() + 1), 1);
    EXPECT_EQ(m_store->conversations().get(c).status().code(), ErrorCode::not_found);
    EXPECT_EQ(*m_store->db().query_int64("SELECT count(*) FROM messages"), 0);
    EXPECT_EQ(*m_store->db().query_int64("SELECT count(*) FROM drafts"), 0);
    EXPECT_TRUE(m_store->search("zebra")->empty());
    EXPECT_TRUE(m_store->db().exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").ok());
}

TEST_F(StorageRepos, PurgeHandlesVeryLongConversations) {
    // Longer than SQLite's trigger depth (1000): the parent cascade must not recurse per level.
    ConversationId c = new_conversation("long");
    std::optional<MessageId> parent;
    {
        auto tx = Transaction::begin(m_store->db());   // one commit: the adds nest as savepoints
        ASSERT_TRUE(tx.ok());
        for (int i = 0; i < 1500; ++i) parent = add(c, parent, i % 2 ? Role::assistant : Role::user, std::string("m").append(std::to_string(i)));
        ASSERT_TRUE(tx->commit().ok());
    }
    EXPECT_EQ(branch_ids(c).size(), 1500u);
    ASSERT_TRUE(m_store->conversations().purge(c).ok());
    EXPECT_EQ(*m_store->db().query_int64("SELECT count(*) FROM messages"), 0);
}

TEST_F(StorageRepos, MessageTreeBranchesAndNavigation) {
    ConversationId c = new_conversation("tree");
    MessageId q1 = add(c, std::nullopt, Role::user, "question");
    MessageId a1 = add(c, q1, Role::assistant, "first answer");
    EXPECT_EQ(branch_ids(c), (std::vector<MessageId>{q1, a1}));
    // Regenerate: a sibling reply becomes the shown one.
    MessageId a2 = add(c, q1, Role::assistant, "second answer");
    EXPECT_EQ(branch_ids(c), (std::vector<MessageId>{q1, a2}));
    auto sib = m_store->messages().siblings(a2);
    ASSERT_TRUE(sib.ok());
    EXPECT_EQ(sib->index, 1);
    EXPECT_EQ(sib->count, 2);
    EXPECT_EQ(sib->previous, std::optional<MessageId>(a1));
    EXPECT_FALSE(sib->next.has_value());
    MessageId q2 = add(c, a2, Role::user, "follow-up");
    // Edit the first question: a new root; the old branch stays navigable.
    MessageId q1b = add(c, std::nullopt, Role::user, "question, edited");
    EXPECT_EQ(branch_ids(c), (std::vector<MessageId>{q1b}));
    EXPECT_EQ(m_store->messages().children(c, std::nullopt)->size(), 2u);
    ASSERT_TRUE(m_store->messages().set_active(q2).ok());
    EXPECT_EQ(branch_ids(c), (std::vector<MessageId>{q1, a2, q2}));
    ASSERT_TRUE(m_store->messages().set_active(a1).ok());
    EXPECT_EQ(branch_ids(c), (std::vector<MessageId>{q1, a1}));
    EXPECT_EQ(*m_store->messages().active_leaf(c), std::optional<MessageId>(a1));
    // Back to a2: its own active child (q2) is remembered.
    ASSERT_TRUE(m_store->messages().set_active(a2).ok());
    EXPECT_EQ(branch_ids(c), (std::vector<MessageId>{q1, a2, q2}));
    EXPECT_EQ(m_store->messages().all(c)->size(), 5u);
}

TEST_F(StorageRepos, ParentMustBeInTheSameConversation) {
    ConversationId a = new_conversation("a");
    ConversationId b = new_conversation("b");
    MessageId qa = add(a, std::nullopt, Role::user, "in a");
    NewMessage m;
    m.conversation = b;
    m.parent = qa;
    m.content = "wrong parent";
    EXPECT_EQ(m_store->messages().add(m).status().code(), ErrorCode::invalid_argument);
    m.parent = 424242;
    EXPECT_EQ(m_store->messages().add(m).status().code(), ErrorCode::not_found);
    m.parent.reset();
    m.conversation = 999;
    EXPECT_EQ(m_store->messages().add(m).status().code(), ErrorCode::not_found);
    m.conversation = a;
    m.generation.sampling_json = "not json";
    EXPECT_EQ(m_store->messages().add(m).status().code(), ErrorCode::invalid_argument);
}

TEST_F(StorageRepos, MessageStatsAndGenerationInfo) {
    ConversationId c = new_conversation("stats");
    NewMessage m;
    m.conversation = c;
    m.role = Role::assistant;
    m.content = "reply";
    m.generation = {"model@7", R"({"temperature":0.2})"};
    m.stats = ReplyStats{55.5, 80.0, 4096, 321};
    auto id = m_store->messages().add(m);
    ASSERT_TRUE(id.ok());
    auto got = m_store->messages().get(*id);
    ASSERT_TRUE(got.ok() && got->stats);
    EXPECT_EQ(got->generation.model_identity, "model@7");
    EXPECT_EQ(got->generation.sampling_json, R"({"temperature":0.2})");
    EXPECT_DOUBLE_EQ(got->stats->tokens_per_s, 55.5);
    EXPECT_DOUBLE_EQ(got->stats->ttft_ms, 80.0);
    EXPECT_EQ(got->stats->n_context_used, 4096);
    EXPECT_EQ(got->stats->n_tokens, 321);
    ASSERT_TRUE(m_store->messages().finish(*id, MessageStatus::error, std::nullopt, "out of memory").ok());
    got = m_store->messages().get(*id);
    EXPECT_EQ(got->status, MessageStatus::error);
    EXPECT_EQ(got->error_message, "out of memory");
    EXPECT_FALSE(got->stats.has_value());
}

TEST_F(StorageRepos, DraftsUpsertAndRestore) {
    ConversationId a = new_conversation("a");
    ConversationId b = new_conversation("b");
    EXPECT_FALSE(m_store->drafts().get(a)->has_value());
    ASSERT_TRUE(m_store->drafts().save(a, "hel").ok());
    ASSERT_TRUE(m_store->drafts().save(a, "hello").ok());
    ASSERT_TRUE(m_store->drafts().save(b, "").ok());
    EXPECT_EQ((*m_store->drafts().get(a))->text, "hello");
    auto all = m_store->drafts().all();
    ASSERT_EQ(all->size(), 1u);   // empty drafts are not "restored"
    EXPECT_EQ((*all)[0].conversation, a);
    ASSERT_TRUE(m_store->close().ok());
    auto again = SessionStore::open(m_dir / "s.db");
    ASSERT_TRUE(again.ok());
    ASSERT_EQ((*again)->open_report().drafts.size(), 1u);
    EXPECT_EQ((*again)->open_report().drafts[0].text, "hello");
}

TEST_F(StorageRepos, AttachmentsWithProvenance) {
    ConversationId c = new_conversation("docs");
    ConversationId other = new_conversation("other");
    Attachment a;
    a.conversation = c;
    a.kind = AttachmentKind::pdf;
    a.original_path = "/home/u/paper.pdf";
    a.sha256 = std::string(64, 'a');
    a.byte_size = 123456;
    a.extracted_text = std::string(3'000'000, 'x') + "end";   // large texts are fine
    a.provenance_json = R"([{"file":"paper.pdf","page":3,"line_begin":10,"line_end":20,"byte_begin":0,"byte_end":100}])";
    a.n_tokens = 750000;
    auto id = m_store->attachments().add(a);
    ASSERT_TRUE(id.ok()) << id.status().to_string();
    auto list = m_store->attachments().list(c);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_FALSE((*list)[0].extracted_text.has_value());   // list stays light
    EXPECT_EQ((*list)[0].provenance_json, a.provenance_json);
    EXPECT_EQ((*list)[0].kind, AttachmentKind::pdf);
    EXPECT_EQ(m_store->attachments().extracted_text(*id)->size(), 3'000'003u);
    MessageId q = add(c, std::nullopt, Role::user, "summarize");
    MessageId q_other = add(other, std::nullopt, Role::user, "elsewhere");
    EXPECT_EQ(m_store->attachments().attach_to_message(*id, q_other).code(), ErrorCode::not_found);
    ASSERT_TRUE(m_store->attachments().attach_to_message(*id, q).ok());
    EXPECT_EQ(m_store->attachments().get(*id)->message, std::optional<MessageId>(q));
    ASSERT_TRUE(m_store->attachments().set_token_count(*id, 42).ok());
    EXPECT_EQ(m_store->attachments().get(*id)->n_tokens, 42);
    a.provenance_json = "page 3";
    EXPECT_EQ(m_store->attachments().add(a).status().code(), ErrorCode::invalid_argument);
    ASSERT_TRUE(m_store->attachments().remove(*id).ok());
    EXPECT_EQ(m_store->attachments().get(*id).status().code(), ErrorCode::not_found);
}

TEST_F(StorageRepos, EngineSnapshotsMatchTheExactAttachmentSet) {
    ConversationId c = new_conversation("snap");
    EngineSnapshot s;
    s.conversation = c;
    s.path = "/cache/c1.state";
    s.model_identity = "m@1";
    s.n_tokens = 812345;
    s.attachments = {7, 3, 5};
    auto id = m_store->snapshots().add(s);
    ASSERT_TRUE(id.ok());
    auto found = m_store->snapshots().find(c, "m@1", {5, 7, 3});
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->n_tokens, 812345);
    EXPECT_EQ((*found)->attachments, (std::vector<AttachmentId>{3, 5, 7}));
    EXPECT_FALSE(m_store->snapshots().find(c, "m@2", {3, 5, 7})->has_value());
    EXPECT_FALSE(m_store->snapshots().find(c, "m@1", {3, 5})->has_value());
    s.attachments.clear();
    s.path = "/cache/c1-empty.state";
    ASSERT_TRUE(m_store->snapshots().add(s).ok());
    EXPECT_EQ((*m_store->snapshots().find(c, "m@1", {}))->path, "/cache/c1-empty.state");
    EXPECT_EQ(m_store->snapshots().list(c)->size(), 2u);
    EXPECT_EQ(*m_store->snapshots().remove(*id), "/cache/c1.state");
    EXPECT_EQ(m_store->snapshots().list(c)->size(), 1u);
}

}  // namespace
}  // namespace farsight::storage
