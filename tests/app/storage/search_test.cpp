// Full-text search: matching, prefix, diacritics, highlights, filters, index kept in step with
// edits/deletes, and no user input can make a search fail.
#include <gtest/gtest.h>

#include <random>

#include "storage/session_store.h"
#include "test_util.h"

namespace farsight::storage {
namespace {

using testing::TempDir;

SearchOptions in_conversation(ConversationId c) {
    SearchOptions o;
    o.conversation = c;
    return o;
}
SearchOptions short_snippets() {
    SearchOptions o;
    o.snippet_tokens = 4;
    return o;
}

class StorageSearch : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = SessionStore::open(m_dir / "s.db");
        ASSERT_TRUE(s.ok());
        m_store = std::move(*s);
        Conversation c;
        c.title = "Physics";
        m_a = *m_store->conversations().create(c);
        c.title = "Cooking";
        m_b = *m_store->conversations().create(c);
        m_q = *m_store->add_user_message(m_a, "How does lightning attention scale with context length?");
        m_r = *m_store->add_user_message(m_a, "It scales linearly; the café analogy helps.");
        m_s = *m_store->add_user_message(m_b, "Bake the bread at 220 degrees; lightning fast.");
    }
    std::vector<MessageId> ids(std::string_view q, SearchOptions o = {}) {
        auto hits = m_store->search(q, o);
        EXPECT_TRUE(hits.ok()) << "query [" << q << "]: " << hits.status().to_string();
        std::vector<MessageId> out;
        if (hits.ok())
            for (auto& h : *hits) out.push_back(h.message);
        std::sort(out.begin(), out.end());
        return out;
    }
    bool index_consistent() {
        return m_store->db().exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").ok();
    }
    TempDir m_dir;
    std::unique_ptr<SessionStore> m_store;
    ConversationId m_a = 0, m_b = 0;
    MessageId m_q = 0, m_r = 0, m_s = 0;
};

TEST_F(StorageSearch, FindsWordsAcrossChats) {
    EXPECT_EQ(ids("lightning"), (std::vector<MessageId>{m_q, m_s}));
    EXPECT_EQ(ids("lightning attention"), (std::vector<MessageId>{m_q}));
    EXPECT_EQ(ids("LIGHTNING"), (std::vector<MessageId>{m_q, m_s}));
    EXPECT_EQ(ids("scal"), (std::vector<MessageId>{m_q, m_r}));   // last word is a prefix
    EXPECT_EQ(ids("cafe"), (std::vector<MessageId>{m_r}));        // diacritics folded
    EXPECT_EQ(ids("lightning", in_conversation(m_b)), (std::vector<MessageId>{m_s}));
    EXPECT_TRUE(ids("   ").empty());
    EXPECT_TRUE(ids("nothinglikethis").empty());
}

TEST_F(StorageSearch, HitsCarrySnippetHighlightsAndContext) {
    auto hits = m_store->search("attention");
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u);
    const SearchHit& h = (*hits)[0];
    EXPECT_EQ(h.conversation, m_a);
    EXPECT_EQ(h.conversation_title, "Physics");
    EXPECT_EQ(h.role, Role::user);
    ASSERT_EQ(h.highlights.size(), 1u);
    auto [b, e] = h.highlights[0];
    EXPECT_EQ(h.snippet.substr(b, e - b), "attention");
    EXPECT_EQ(h.snippet.find('\x02'), std::string::npos);
    // Long messages are cut with "..." around the match.
    std::string filler;
    for (int i = 0; i < 300; ++i) filler += "filler" + std::to_string(i) + " ";
    MessageId long_id = *m_store->add_user_message(m_a, filler + "needle " + filler);
    auto long_hits = m_store->search("needle", short_snippets());
    ASSERT_EQ(long_hits->size(), 1u);
    EXPECT_EQ((*long_hits)[0].message, long_id);
    EXPECT_NE((*long_hits)[0].snippet.find("..."), std::string::npos);
    EXPECT_LT((*long_hits)[0].snippet.size(), 100u);
}

TEST_F(StorageSearch, MalformedQueriesNeverFail) {
    const char* nasty[] = {"\"", "\"unbalanced", "AND", "OR NOT", "NEAR(a b", "*", "^start", "col:foo", "(", ")",
                           "-minus", "'", "a\"b", "\"\"\"\"", "NOT lightning", "lightning OR", "{x y}", "+", ":",
                           "a AND (b OR", "🙂", "模型", "%_", "\\", "messages_fts", "rank:1", "content:lightning",
                           "\x01\x02\x03", "light*ning", "**", "NEAR(lightning attention, 2)"};
    for (const char* q : nasty) ids(q);
    ids(std::string("nul\0byte", 8));
    ids(std::string(100000, 'a'));
    std::mt19937 rng(1);
    for (int i = 0; i < 300; ++i) {
        std::string q;
        int n = rng() % 20;
        for (int k = 0; k < n; ++k) q.push_back(static_cast<char>(rng() % 256));
        ids(q);
    }
    EXPECT_EQ(ids("NOT lightning"), (std::vector<MessageId>{}));   // words, not operators
    EXPECT_EQ(ids("content:lightning").size(), 0u);                   // no column filter injection
    EXPECT_EQ(make_fts_query("say \"hi\" now"), "\"say\" \"\"\"hi\"\"\" \"now\"*");
    EXPECT_EQ(make_fts_query("... !!"), "");
}

TEST_F(StorageSearch, IndexFollowsEditsStreamingAndDeletes) {
    ASSERT_TRUE(m_store->messages().set_content(m_q, "completely different words").ok());
    EXPECT_EQ(ids("attention"), (std::vector<MessageId>{}));
    EXPECT_EQ(ids("different"), (std::vector<MessageId>{m_q}));
    // Several edits between two searches: only the first old text was indexed.
    ASSERT_TRUE(m_store->messages().append_content(m_q, " alpha").ok());
    ASSERT_TRUE(m_store->messages().append_content(m_q, " beta").ok());
    ASSERT_TRUE(m_store->messages().set_content(m_q, "gamma").ok());
    EXPECT_EQ(ids("gamma"), (std::vector<MessageId>{m_q}));
    EXPECT_TRUE(ids("alpha").empty());
    EXPECT_TRUE(index_consistent());
    // A streamed reply is searchable while it streams (committed part) and after.
    auto r = m_store->begin_reply(m_a, m_q, {});
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(m_store->append_reply(*r, "streamed words about tokamak ").ok());
    ASSERT_TRUE(m_store->flush_all().ok());
    EXPECT_EQ(ids("tokamak"), (std::vector<MessageId>{*r}));
    ASSERT_TRUE(m_store->append_reply(*r, "and stellarator").ok());
    ASSERT_TRUE(m_store->finish_reply(*r, MessageStatus::complete, {}).ok());
    EXPECT_EQ(ids("stellarator"), (std::vector<MessageId>{*r}));
    ASSERT_TRUE(m_store->conversations().purge(m_b).ok());
    EXPECT_TRUE(ids("bread").empty());
    EXPECT_TRUE(index_consistent());
    EXPECT_EQ(*m_store->db().query_int64("SELECT count(*) FROM messages_fts_pending"), 0);
}

TEST_F(StorageSearch, DamagedIndexIsRebuiltWhenFound) {
    ASSERT_TRUE(m_store->close().ok());
    {
        // Damage the index behind the triggers' back (a raw connection: defensive mode would
        // refuse to write FTS5 shadow tables).
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open((m_dir / "s.db").c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, "DELETE FROM messages_fts_data WHERE id > 10", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    auto s = SessionStore::open(m_dir / "s.db");
    ASSERT_TRUE(s.ok());
    EXPECT_FALSE((*s)->open_report().recovery.corrupt);   // derived data: rebuilt, not "corrupt"
    m_store = std::move(*s);
    EXPECT_EQ(ids("lightning"), (std::vector<MessageId>{m_q, m_s}));
    EXPECT_TRUE(index_consistent());
}

}  // namespace
}  // namespace farsight::storage
