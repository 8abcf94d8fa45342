// Migrations: from every released schema (fixtures/schema_vN.sql) to the latest, fixtures match
// what the migrations produce, a newer schema is refused, and kill -9 mid-migration leaves the
// database at the old or the new version, never mixed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "storage/migrations.h"
#include "storage/recovery.h"
#include "storage/session_store.h"
#include "test_util.h"

namespace farsight::storage {
namespace {

using testing::fixture_path;
using testing::read_bytes;
using testing::schema_of;
using testing::TempDir;

// Creates an old database exactly as a released Farsight left it: the frozen schema + sample rows.
void create_from_fixture(const std::filesystem::path& path, int version) {
    std::string sql = read_bytes(fixture_path("schema_v" + std::to_string(version) + ".sql"));
    ASSERT_FALSE(sql.empty()) << "missing fixture schema_v" << version << ".sql";
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
}

std::vector<std::string> schema_at(const std::filesystem::path& path) {
    auto db = Db::open(path, testing::db_mode(OpenMode::read_only));
    EXPECT_TRUE(db.ok());
    return db.ok() ? schema_of(db->handle()) : std::vector<std::string>{};
}

TEST(StorageMigrations, VersionsAreNumberedInOrder) {
    auto all = migrations();
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i + 1));
    EXPECT_EQ(latest_schema_version(), static_cast<int>(all.size()));
}

TEST(StorageMigrations, FixturesMatchWhatMigrationsProduce) {
    // Guards the fixtures (and released migrations) against drift: migrating an empty file to
    // version N must give exactly the frozen schema N.
    for (int v = 1; v <= latest_schema_version(); ++v) {
        TempDir dir;
        {
            auto db = Db::open(dir / "migrated.db");
            ASSERT_TRUE(db.ok());
            auto r = migrate(*db, v);
            ASSERT_TRUE(r.ok()) << r.status().to_string();
            EXPECT_EQ(r->to_version, v);
        }
        create_from_fixture(dir / "fixture.db", v);
        EXPECT_EQ(schema_at(dir / "migrated.db"), schema_at(dir / "fixture.db")) << "schema v" << v;
    }
}

TEST(StorageMigrations, MigratesFromEveryReleasedVersion) {
    TempDir fresh_dir;
    { ASSERT_TRUE(SessionStore::open(fresh_dir / "fresh.db").ok()); }
    const auto latest_schema = schema_at(fresh_dir / "fresh.db");

    for (int v = 1; v <= latest_schema_version(); ++v) {
        SCOPED_TRACE("from schema v" + std::to_string(v));
        TempDir dir;
        create_from_fixture(dir / "old.db", v);
        auto store = SessionStore::open(dir / "old.db");
        ASSERT_TRUE(store.ok()) << store.status().to_string();
        SessionStore& s = **store;
        EXPECT_EQ(s.open_report().migration.from_version, v);
        EXPECT_EQ(s.open_report().migration.to_version, latest_schema_version());
        EXPECT_FALSE(s.open_report().recovery.corrupt);
        EXPECT_EQ(*schema_version(s.db()), latest_schema_version());
        EXPECT_TRUE(s.db().check_settings().ok());

        // Old rows are all there, the tree intact, the streaming reply now interrupted.
        auto c = s.conversations().get(1);
        ASSERT_TRUE(c.ok());
        EXPECT_EQ(c->title, "Old chat");
        EXPECT_EQ(c->system_prompt, "Be brief.");
        EXPECT_EQ(c->sampling_json, R"({"temperature":0.5})");
        EXPECT_TRUE(c->pinned);
        auto branch = s.messages().active_branch(1);
        ASSERT_TRUE(branch.ok());
        ASSERT_EQ(branch->size(), 2u);
        EXPECT_EQ((*branch)[1].id, 3);
        EXPECT_EQ((*branch)[1].status, MessageStatus::interrupted);
        EXPECT_EQ(s.open_report().interrupted, std::vector<MessageId>{3});
        auto sib = s.messages().siblings(3);
        ASSERT_TRUE(sib.ok());
        EXPECT_EQ(sib->count, 2);
        auto m2 = s.messages().get(2);
        ASSERT_TRUE(m2.ok() && m2->stats.has_value());
        EXPECT_DOUBLE_EQ(m2->stats->tokens_per_s, 40.5);
        auto atts = s.attachments().list(1);
        ASSERT_TRUE(atts.ok());
        ASSERT_EQ(atts->size(), 1u);
        EXPECT_EQ(*s.attachments().extracted_text(1), "Page one text");
        auto draft = s.drafts().get(1);
        ASSERT_TRUE(draft.ok() && draft->has_value());
        EXPECT_EQ((*draft)->text, "unsent question");
        // Messages written before search existed are searchable after the upgrade.
        auto hits = s.search("lightning");
        ASSERT_TRUE(hits.ok());
        ASSERT_EQ(hits->size(), 1u);
        EXPECT_EQ((*hits)[0].message, 1);
        // New features work on the upgraded file.
        EngineSnapshot snap;
        snap.conversation = 1;
        snap.path = "/tmp/x.snap";
        snap.n_tokens = 10;
        EXPECT_TRUE(s.snapshots().add(snap).ok());
        ASSERT_TRUE(s.close().ok());
        EXPECT_EQ(schema_at(dir / "old.db"), latest_schema);
    }
}

TEST(StorageMigrations, RefusesANewerSchemaWithoutTouchingIt) {
    TempDir dir;
    {
        auto db = Db::open(dir / "new.db");
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(migrate(*db).ok());
        ASSERT_TRUE(db->exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1)).ok());
    }
    auto store = SessionStore::open(dir / "new.db");
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), ErrorCode::unsupported) << store.status().to_string();
    EXPECT_TRUE(std::filesystem::exists(dir / "new.db"));
    for (auto& e : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().string().find(".corrupt-"), std::string::npos) << e.path();
}

TEST(StorageMigrations, KillNineDuringMigrationLeavesOldOrNewVersion) {
    // A v1 database large enough that migrating it (search index population) takes a while.
    TempDir dir;
    const auto base = dir / "base.db";
    create_from_fixture(base, 1);
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(base.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db,
            "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
            "INSERT INTO messages (conversation_id, parent_id, role, content, created_at) "
            "SELECT 1, NULL, 'user', 'message number ' || i || ' about lightning attention and experts '"
            " || hex(randomblob(24)), 1700000000000 + i FROM n; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);",
            nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    std::vector<std::vector<std::string>> schema_by_version(latest_schema_version() + 1);
    for (int v = 1; v <= latest_schema_version(); ++v) {
        TempDir d;
        create_from_fixture(d / "f.db", v);
        schema_by_version[v] = schema_at(d / "f.db");
    }
    // Time a full migration to spread the kills over it.
    double full_ms = 0;
    {
        std::filesystem::copy_file(base, dir / "timing.db");
        auto t0 = std::chrono::steady_clock::now();
        auto db = Db::open(dir / "timing.db");
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(migrate(*db).ok());
        full_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }
    std::mt19937 rng(7);
    std::set<int> seen_versions;
    const int iterations = 24;
    for (int it = 0; it < iterations; ++it) {
        const auto path = dir / ("kill-" + std::to_string(it) + ".db");
        std::filesystem::copy_file(base, path);
        int ready[2];
        ASSERT_EQ(::pipe(ready), 0);
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(ready[0]);
            auto db = Db::open(path);
            if (!db.ok()) _exit(2);
            (void)!::write(ready[1], "r", 1);   // the kill window starts here
            _exit(migrate(*db).ok() ? 0 : 3);
        }
        ::close(ready[1]);
        char c = 0;
        (void)!::read(ready[0], &c, 1);
        ::close(ready[0]);
        // Spread over the whole migration, a little past its end so "new version" is seen too.
        std::this_thread::sleep_for(std::chrono::microseconds(
            static_cast<long>(full_ms * 1000.0 * 1.2 * (rng() % 1000) / 1000.0)));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        {
            auto db = Db::open(path);
            ASSERT_TRUE(db.ok());
            ASSERT_TRUE(check_integrity(*db, true).ok());
            auto v = schema_version(*db);
            ASSERT_TRUE(v.ok());
            ASSERT_GE(*v, 1);
            ASSERT_LE(*v, latest_schema_version());
            seen_versions.insert(*v);
            // Exactly the schema of that version: no half-applied migration.
            EXPECT_EQ(schema_of(db->handle()), schema_by_version[*v]) << "iteration " << it << " version " << *v;
            EXPECT_EQ(*db->query_int64("SELECT count(*) FROM messages"), 20003);
            ASSERT_TRUE(migrate(*db).ok());   // and the interrupted upgrade completes
        }
        if (it + 1 < iterations) {
            std::filesystem::remove(path);
            continue;
        }
        auto store = SessionStore::open(path);
        ASSERT_TRUE(store.ok()) << store.status().to_string();
        auto hits = (*store)->search("number 19999 about");
        ASSERT_TRUE(hits.ok());
        EXPECT_EQ(hits->size(), 1u);
    }
    std::printf("migration kill: full migration %.0f ms, versions seen after kill:", full_ms);
    for (int v : seen_versions) std::printf(" %d", v);
    std::printf("\n");
}

}  // namespace
}  // namespace farsight::storage
