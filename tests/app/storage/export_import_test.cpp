// Export/import: JSON is lossless (tree, active branch, stats, settings, attachments) and gets new
// ids; Markdown is readable and notes branches; malformed input is refused with a clear error and
// writes nothing; exports are written atomically.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/atomic_file.h"
#include "storage/export_import.h"
#include "storage/session_store.h"
#include "test_util.h"

namespace farsight::storage {
namespace {

using nlohmann::json;
using testing::fixture_path;
using testing::TempDir;

class StorageExport : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = SessionStore::open(m_dir / "s.db");
        ASSERT_TRUE(s.ok());
        m_store = std::move(*s);
    }
    Db& db() { return m_store->db(); }
    std::int64_t count(const std::string& table) { return *db().query_int64("SELECT count(*) FROM " + table); }

    // Replaces ids by positions so two exports of the same content compare equal.
    static json canonical(json j) {
        j.erase("exported_at");
        std::map<std::int64_t, std::int64_t> pos;
        auto& msgs = j["messages"];
        for (std::size_t i = 0; i < msgs.size(); ++i) pos[msgs[i]["id"].get<std::int64_t>()] = static_cast<std::int64_t>(i);
        auto map_id = [&](json& v) { if (!v.is_null()) v = pos.at(v.get<std::int64_t>()); };
        j["conversation"].erase("id");
        map_id(j["conversation"]["active_root"]);
        for (auto& m : msgs) {
            map_id(m["id"]);
            map_id(m["parent"]);
            map_id(m["active_child"]);
        }
        for (auto& a : j["attachments"]) {
            a.erase("id");
            map_id(a["message"]);
        }
        j["draft"].erase("updated_at");
        return j;
    }

    TempDir m_dir;
    std::unique_ptr<SessionStore> m_store;
};

TEST_F(StorageExport, FixtureImportsAndRoundTripsLosslessly) {
    auto text = read_file(fixture_path("export_v1.json"));
    ASSERT_TRUE(text.ok());
    // Ids in the file collide with nothing and are replaced anyway.
    ASSERT_TRUE(m_store->conversations().create(Conversation{}).ok());
    auto id = import_json(db(), *text);
    ASSERT_TRUE(id.ok()) << id.status().to_string();
    auto c = m_store->conversations().get(*id);
    EXPECT_EQ(c->title, "Imported review");
    EXPECT_EQ(json::parse(c->sampling_json), json::parse(R"({"temperature":0.7,"top_p":0.95})"));
    auto branch = *m_store->messages().active_branch(*id);
    ASSERT_EQ(branch.size(), 2u);
    EXPECT_NE(branch[0].id, 100);
    EXPECT_EQ(branch[1].content, "Page 3 covers *expert routing*:\n\n```\ntop_k = 2\n```");
    EXPECT_EQ(branch[1].status, MessageStatus::interrupted);   // nothing streams into an import
    auto sib = *m_store->messages().siblings(branch[1].id);
    EXPECT_EQ(sib.count, 2);
    auto first = *m_store->messages().get(*sib.previous);
    EXPECT_DOUBLE_EQ(first.stats->ttft_ms, 850.0);
    auto atts = *m_store->attachments().list(*id);
    ASSERT_EQ(atts.size(), 1u);
    EXPECT_EQ(atts[0].message, std::optional<MessageId>(branch[0].id));
    EXPECT_EQ(*m_store->attachments().extracted_text(atts[0].id), "Expert routing picks top_k experts.");
    EXPECT_EQ((*m_store->drafts().get(*id))->text, "And page 4?");
    EXPECT_EQ(m_store->search("rout")->size(), 2u);   // imported text is searchable ("routing", "router")

    // export -> import -> export gives the same document (up to ids and the export time).
    auto once = export_json(db(), *id);
    ASSERT_TRUE(once.ok());
    auto id2 = import_json(db(), *once);
    ASSERT_TRUE(id2.ok()) << id2.status().to_string();
    auto twice = export_json(db(), *id2);
    ASSERT_TRUE(twice.ok());
    EXPECT_EQ(canonical(json::parse(*once)), canonical(json::parse(*twice)));
    json fixture = json::parse(*text);
    fixture["messages"][2]["status"] = "interrupted";
    EXPECT_EQ(canonical(fixture)["messages"], canonical(json::parse(*once))["messages"]);
}

TEST_F(StorageExport, MarkdownIsReadableAndNotesBranches) {
    auto id = import_json(db(), *read_file(fixture_path("export_v1.json")));
    ASSERT_TRUE(id.ok());
    auto md = export_markdown(db(), *id);
    ASSERT_TRUE(md.ok());
    const std::string& s = *md;
    EXPECT_EQ(s.rfind("# Imported review\n", 0), 0u) << s;
    EXPECT_NE(s.find("## System prompt\n\n> Cite pages."), std::string::npos);
    EXPECT_NE(s.find("### Turn 1 · User"), std::string::npos);
    EXPECT_NE(s.find("### Turn 2 · Assistant · minimax-text-01@a1b2"), std::string::npos);
    EXPECT_NE(s.find("*Version 2 of 2 at this turn.*"), std::string::npos);
    EXPECT_NE(s.find("**Interrupted:**"), std::string::npos);
    EXPECT_NE(s.find("## Other branches"), std::string::npos);
    EXPECT_NE(s.find("### Branch 1 (after turn 1)"), std::string::npos);
    EXPECT_NE(s.find("It describes the router."), std::string::npos);
    EXPECT_NE(s.find("31.5 tok/s"), std::string::npos);
    EXPECT_NE(s.find("`/home/u/moe.pdf` (pdf"), std::string::npos);
    EXPECT_NE(s.find("```\ntop_k = 2\n```"), std::string::npos);
    // The shown branch comes first.
    EXPECT_LT(s.find("expert routing"), s.find("It describes the router."));
}

TEST_F(StorageExport, MalformedInputIsRefusedAndWritesNothing) {
    const std::string good = *read_file(fixture_path("export_v1.json"));
    auto mutate = [&](auto&& f) {
        json j = json::parse(good);
        f(j);
        return j.dump();
    };
    struct Case {
        std::string name, text;
        ErrorCode code;
        std::string mention;
    };
    std::vector<Case> cases = {
        {"empty", "", ErrorCode::bad_header, "not valid JSON"},
        {"truncated", good.substr(0, good.size() / 2), ErrorCode::bad_header, "not valid JSON"},
        {"array", "[]", ErrorCode::bad_header, "top level"},
        {"bad utf8", "{\"format\":\"\xff\xfe\"}", ErrorCode::bad_header, "not valid JSON"},
        {"wrong format", mutate([](json& j) { j["format"] = "other.app"; }), ErrorCode::bad_header, "not a Farsight"},
        {"no version", mutate([](json& j) { j.erase("version"); }), ErrorCode::bad_header, "version"},
        {"future version", mutate([](json& j) { j["version"] = 99; }), ErrorCode::unsupported, "newer"},
        {"no messages", mutate([](json& j) { j.erase("messages"); }), ErrorCode::invalid_argument, "messages"},
        {"messages object", mutate([](json& j) { j["messages"] = json::object(); }), ErrorCode::invalid_argument, "messages"},
        {"message not object", mutate([](json& j) { j["messages"][1] = 5; }), ErrorCode::invalid_argument, "messages[1]"},
        {"duplicate id", mutate([](json& j) { j["messages"][1]["id"] = 100; }), ErrorCode::duplicate, "appears twice"},
        {"missing parent", mutate([](json& j) { j["messages"][1]["parent"] = 555; }), ErrorCode::invalid_argument, "messages[1].parent"},
        {"cycle", mutate([](json& j) { j["messages"][0]["parent"] = 101; j["conversation"]["active_root"] = nullptr; }),
         ErrorCode::invalid_argument, "cycle"},
        {"bad role", mutate([](json& j) { j["messages"][0]["role"] = "wizard"; }), ErrorCode::invalid_argument, "messages[0].role"},
        {"bad status", mutate([](json& j) { j["messages"][0]["status"] = 3; }), ErrorCode::invalid_argument, "messages[0].status"},
        {"content number", mutate([](json& j) { j["messages"][0]["content"] = 42; }), ErrorCode::invalid_argument, "content"},
        {"no content", mutate([](json& j) { j["messages"][0].erase("content"); }), ErrorCode::invalid_argument, "missing"},
        {"stats wrong", mutate([](json& j) { j["messages"][1]["stats"]["n_tokens"] = "six"; }), ErrorCode::invalid_argument, "n_tokens"},
        {"foreign active child", mutate([](json& j) { j["messages"][0]["active_child"] = 100; }), ErrorCode::invalid_argument, "active_child"},
        {"active root not root", mutate([](json& j) { j["conversation"]["active_root"] = 101; }), ErrorCode::invalid_argument, "active_root"},
        {"sampling string", mutate([](json& j) { j["conversation"]["sampling"] = "hot"; }), ErrorCode::invalid_argument, "sampling"},
        {"attachment kind", mutate([](json& j) { j["attachments"][0]["kind"] = "exe"; }), ErrorCode::invalid_argument, "kind"},
        {"attachment message", mutate([](json& j) { j["attachments"][0]["message"] = 9; }), ErrorCode::invalid_argument, "attachments[0].message"},
        {"negative size", mutate([](json& j) { j["attachments"][0]["byte_size"] = -1; }), ErrorCode::invalid_argument, "negative"},
        {"huge id", mutate([](json& j) { j["messages"][0]["id"] = 1e300; }), ErrorCode::invalid_argument, "messages[0].id"},
        {"deep nesting", std::string(100000, '[') + std::string(100000, ']'), ErrorCode::bad_header, "top level"},
    };
    for (const Case& c : cases) {
        auto r = import_json(db(), c.text);
        ASSERT_FALSE(r.ok()) << c.name;
        EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().to_string();
        EXPECT_NE(r.status().message().find(c.mention), std::string::npos) << c.name << ": " << r.status().to_string();
    }
    EXPECT_EQ(count("conversations"), 0);
    EXPECT_EQ(count("messages"), 0);
    EXPECT_EQ(count("attachments"), 0);
    EXPECT_TRUE(import_json(db(), good).ok());   // and the good one still goes in
}

TEST_F(StorageExport, FilesAreWrittenAtomically) {
    auto id = import_json(db(), *read_file(fixture_path("export_v1.json")));
    ASSERT_TRUE(id.ok());
    auto json_path = m_dir / "chat.json";
    auto md_path = m_dir / "chat.md";
    testing::write_bytes(json_path, "old contents");
    ASSERT_TRUE(export_to_file(db(), *id, json_path, ExportFormat::json).ok());
    ASSERT_TRUE(export_to_file(db(), *id, md_path, ExportFormat::markdown).ok());
    EXPECT_EQ(json::parse(testing::read_bytes(json_path))["conversation"]["title"], "Imported review");
    EXPECT_EQ(json::parse(testing::read_bytes(json_path))["format"], "farsight.conversation");
    EXPECT_EQ(testing::read_bytes(md_path).rfind("# Imported review", 0), 0u);
    for (auto& e : std::filesystem::directory_iterator(m_dir.path()))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "temp file left: " << e.path();
    auto again = import_from_file(db(), json_path);
    ASSERT_TRUE(again.ok()) << again.status().to_string();
    EXPECT_EQ(import_from_file(db(), m_dir / "missing.json").status().code(), ErrorCode::not_found);
    EXPECT_EQ(export_to_file(db(), *id, m_dir / "no-such-dir" / "x.json", ExportFormat::json).code(), ErrorCode::io_error);
    EXPECT_EQ(export_to_file(db(), 424242, m_dir / "x.json", ExportFormat::json).code(), ErrorCode::not_found);
    EXPECT_FALSE(std::filesystem::exists(m_dir / "x.json"));
}

}  // namespace
}  // namespace farsight::storage
