// Corrupt databases at open: zeroed header, random bytes, 0-byte file, truncations, bad header
// fields, a damaged page, random byte flips, stray -wal/-shm. Never a crash; damage detected; the
// original moved aside byte-identical (never overwritten); a fresh DB; readable rows salvaged.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "storage/recovery.h"
#include "storage/session_store.h"
#include "test_util.h"

namespace farsight::storage {
namespace {

using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;

constexpr int kConversations = 4;
constexpr int kMessagesEach = 60;

void make_good_db(const std::filesystem::path& path) {
    auto s = SessionStore::open(path);
    ASSERT_TRUE(s.ok());
    for (int c = 0; c < kConversations; ++c) {
        Conversation conv;
        conv.title = "chat " + std::to_string(c);
        ConversationId id = *(*s)->conversations().create(conv);
        std::optional<MessageId> parent;
        for (int m = 0; m < kMessagesEach; ++m)
            parent = *(*s)->add_user_message(id, "message " + std::to_string(m) + " " + std::string(300 + m * 7, 'a' + m % 26), parent);
        ASSERT_TRUE((*s)->drafts().save(id, "draft " + std::to_string(c)).ok());
    }
    ASSERT_TRUE((*s)->close().ok());   // checkpoints: one self-contained file, no -wal
    ASSERT_FALSE(std::filesystem::exists(path.string() + "-wal"));
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
}

std::int64_t total_messages(SessionStore& s) { return *s.db().query_int64("SELECT count(*) FROM messages"); }

// Opens a damaged file and checks everything the recovery promises; returns the report.
OpenReport open_damaged(const std::filesystem::path& path, const std::string& name) {
    const std::string damaged = read_bytes(path);
    auto s = SessionStore::open(path);
    EXPECT_TRUE(s.ok()) << name << ": " << s.status().to_string();
    if (!s.ok()) return {};
    const OpenReport report = (*s)->open_report();
    const RecoveryReport& rec = report.recovery;
    EXPECT_TRUE(rec.corrupt) << name;
    EXPECT_FALSE(rec.reason.empty()) << name;
    EXPECT_TRUE(report.created) << name;
    EXPECT_NE(rec.moved_to.filename().string().find(".corrupt-"), std::string::npos) << name;
    EXPECT_EQ(read_bytes(rec.moved_to), damaged) << name << ": the kept-aside file must be byte-identical";
    EXPECT_TRUE(check_integrity((*s)->db(), true).ok()) << name;
    EXPECT_TRUE((*s)->db().check_settings().ok()) << name;
    EXPECT_EQ(*schema_version((*s)->db()), latest_schema_version());
    EXPECT_TRUE((*s)->conversations().create(Conversation{}).ok()) << name << ": the fresh DB must be usable";
    // No salvage leftovers beside the database.
    for (auto& e : std::filesystem::directory_iterator(path.parent_path()))
        EXPECT_EQ(e.path().string().find(".salvage-"), std::string::npos) << e.path();
    return report;
}

TEST(StorageRecovery, HeaderCheckClassifiesFiles) {
    TempDir dir;
    auto p = dir / "x.db";
    EXPECT_EQ(check_database_file(p).state, DbFileState::missing);
    write_bytes(p, "");
    EXPECT_EQ(check_database_file(p).state, DbFileState::empty);
    write_bytes(p, "SQLite format 3");
    EXPECT_EQ(check_database_file(p).state, DbFileState::truncated);
    write_bytes(p, random_bytes(8192, 1));
    EXPECT_EQ(check_database_file(p).state, DbFileState::bad_header);
    make_good_db(dir / "good.db");
    EXPECT_EQ(check_database_file(dir / "good.db").state, DbFileState::ok);
    std::string good = read_bytes(dir / "good.db");
    write_bytes(p, good.substr(0, good.size() - 100));
    EXPECT_EQ(check_database_file(p).state, DbFileState::truncated);
    write_bytes(p, good.substr(0, good.size() / 8192 * 4096));
    EXPECT_EQ(check_database_file(p).state, DbFileState::truncated);
    std::string bad_page = good;
    bad_page[16] = 0x03;
    bad_page[17] = 0x00;
    write_bytes(p, bad_page);
    EXPECT_EQ(check_database_file(p).state, DbFileState::bad_header);
}

TEST(StorageRecovery, CorruptionCorpusIsDetectedKeptAsideAndReplaced) {
    TempDir dir;
    const auto good_path = dir / "good.db";
    make_good_db(good_path);
    const std::string good = read_bytes(good_path);
    const std::size_t page = 4096;
    ASSERT_EQ(good.size() % page, 0u);
    ASSERT_GT(good.size() / page, 20u);

    struct Case {
        std::string name;
        std::string bytes;
        bool salvageable;   // most rows can still be read
    };
    std::string zeroed = good;
    std::fill(zeroed.begin(), zeroed.begin() + 100, '\0');
    std::string bad_fields = good;
    bad_fields[21] = 0x10;   // max payload fraction must be 64
    std::string page_garbage = good;
    std::string garbage = random_bytes(page, 9);
    std::copy(garbage.begin(), garbage.end(), page_garbage.begin() + static_cast<long>(page * (good.size() / page / 2)));
    std::vector<Case> cases = {
        {"zeroed header", zeroed, false},
        {"random bytes", random_bytes(5 * page, 2), false},
        {"truncated to 50 bytes", good.substr(0, 50), false},
        {"truncated mid-page", good.substr(0, good.size() - 1000), false},
        {"truncated to half", good.substr(0, good.size() / page / 2 * page), true},
        {"bad header fields", bad_fields, false},
        {"a page of garbage", page_garbage, true},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        TempDir d;
        auto path = d / "sessions.db";
        write_bytes(path, c.bytes);
        OpenReport report = open_damaged(path, c.name);
        if (c.salvageable) {
            EXPECT_TRUE(report.recovery.salvage_attempted);
            EXPECT_GT(report.recovery.messages_salvaged, 0) << report.recovery.salvage_detail;
            std::printf("%s: salvaged %lld messages (%s)\n", c.name.c_str(),
                        static_cast<long long>(report.recovery.messages_salvaged), report.recovery.salvage_detail.c_str());
            EXPECT_LT(report.recovery.messages_salvaged, kConversations * kMessagesEach + 1);
        }
    }
}

TEST(StorageRecovery, SalvageKeepsReadableRowsAndRepairsTheTree) {
    TempDir dir;
    auto path = dir / "sessions.db";
    make_good_db(path);
    std::string bytes = read_bytes(path);
    // Damage one page near the end (message rows); everything else stays readable.
    std::string garbage = random_bytes(4096, 5);
    std::copy(garbage.begin(), garbage.end(), bytes.end() - 2 * 4096);
    write_bytes(path, bytes);
    auto s = SessionStore::open(path);
    ASSERT_TRUE(s.ok());
    const RecoveryReport& rec = (*s)->open_report().recovery;
    ASSERT_TRUE(rec.corrupt);
    EXPECT_GT(rec.messages_salvaged, kConversations * kMessagesEach / 2) << rec.salvage_detail;
    EXPECT_EQ(total_messages(**s), rec.messages_salvaged);
    EXPECT_EQ((*s)->conversations().list()->size(), static_cast<std::size_t>(kConversations));
    // Every conversation shows a branch; foreign keys hold; the index finds salvaged text.
    auto conversations = (*s)->conversations().list();
    ASSERT_TRUE(conversations.ok());
    for (const Conversation& c : *conversations) EXPECT_FALSE((*s)->messages().active_branch(c.id)->empty());
    EXPECT_EQ(*(*s)->db().query_int64("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    EXPECT_FALSE((*s)->search("message")->empty());
}

TEST(StorageRecovery, RandomByteFlipsNeverCrashOrPassSilentlyBroken) {
    TempDir dir;
    make_good_db(dir / "good.db");
    const std::string good = read_bytes(dir / "good.db");
    std::mt19937 rng(42);
    int detected = 0;
    const int rounds = 40;
    for (int round = 0; round < rounds; ++round) {
        TempDir d;
        auto path = d / "sessions.db";
        std::string bytes = good;
        int flips = 1 + static_cast<int>(rng() % 64);
        for (int i = 0; i < flips; ++i) bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
        write_bytes(path, bytes);
        auto s = SessionStore::open(path);
        ASSERT_TRUE(s.ok()) << "round " << round << ": " << s.status().to_string();
        if ((*s)->open_report().recovery.corrupt) {
            ++detected;
            EXPECT_EQ(read_bytes((*s)->open_report().recovery.moved_to), bytes);
        }
        // Detected or not, what is open now is consistent (flips inside text are undetectable
        // without checksums; they do not break the structure).
        EXPECT_TRUE(check_integrity((*s)->db(), true).ok()) << "round " << round;
        EXPECT_TRUE((*s)->conversations().list().ok());
        EXPECT_TRUE((*s)->search("message").ok());
    }
    std::printf("byte flips: %d of %d damaged files detected at open\n", detected, rounds);
    EXPECT_GT(detected, 0);
}

TEST(StorageRecovery, StrayWalAndShmAreSurvived) {
    TempDir dir;
    make_good_db(dir / "good.db");
    const std::string good = read_bytes(dir / "good.db");
    struct Case {
        std::string name;
        std::string wal, shm;
    };
    // A WAL header with a valid checksum followed by frames that fail theirs.
    std::string fake_wal(32 + 2 * (24 + 4096), '\0');
    {
        unsigned char h[32] = {0x37, 0x7f, 0x06, 0x82, 0x00, 0x2d, 0xe2, 0x18, 0x00, 0x00, 0x10, 0x00, 0, 0, 0, 0,
                               0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
        std::uint32_t s0 = 0, s1 = 0;
        for (int i = 0; i < 24; i += 8) {
            std::uint32_t x0, x1;
            std::memcpy(&x0, h + i, 4);
            std::memcpy(&x1, h + i + 4, 4);
            s0 += x0 + s1;
            s1 += x1 + s0;
        }
        for (int k = 0; k < 4; ++k) {
            h[24 + k] = static_cast<unsigned char>(s0 >> (24 - 8 * k));
            h[28 + k] = static_cast<unsigned char>(s1 >> (24 - 8 * k));
        }
        std::memcpy(fake_wal.data(), h, 32);
        std::string junk = random_bytes(fake_wal.size() - 32, 3);
        std::copy(junk.begin(), junk.end(), fake_wal.begin() + 32);
    }
    std::vector<Case> cases = {
        {"random -wal", random_bytes(3 * 4096, 11), ""},
        {"random -shm", "", random_bytes(32768, 12)},
        {"random -wal and -shm", random_bytes(4096 + 7, 13), random_bytes(32768, 14)},
        {"valid WAL header, garbage frames", fake_wal, ""},
        {"short -wal", "abc", ""},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        TempDir d;
        auto path = d / "sessions.db";
        write_bytes(path, good);
        if (!c.wal.empty()) write_bytes(path.string() + "-wal", c.wal);
        if (!c.shm.empty()) write_bytes(path.string() + "-shm", c.shm);
        auto s = SessionStore::open(path);
        ASSERT_TRUE(s.ok()) << s.status().to_string();
        const RecoveryReport& rec = (*s)->open_report().recovery;
        EXPECT_FALSE(rec.corrupt) << rec.reason;
        EXPECT_EQ(total_messages(**s), kConversations * kMessagesEach);
        EXPECT_TRUE(check_integrity((*s)->db(), true).ok());
        if (!c.wal.empty() && c.name != "valid WAL header, garbage frames") {
            EXPECT_FALSE(rec.stray_wal_moved_to.empty());
            EXPECT_EQ(read_bytes(rec.stray_wal_moved_to), c.wal);   // kept, not deleted
        }
        ASSERT_TRUE((*s)->add_user_message(1, "still writable").ok());
    }
}

TEST(StorageRecovery, EmptyFileIsReusedAsANewDatabase) {
    // 0 bytes and no WAL: the first open died before SQLite wrote page 1; nothing to keep.
    TempDir dir;
    auto path = dir / "sessions.db";
    write_bytes(path, "");
    auto s = SessionStore::open(path);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    const OpenReport& r = (*s)->open_report();
    EXPECT_FALSE(r.recovery.corrupt);
    EXPECT_TRUE(r.created);
    EXPECT_NE(r.recovery.reason.find("empty"), std::string::npos);
    EXPECT_EQ(*schema_version((*s)->db()), latest_schema_version());
    EXPECT_TRUE((*s)->conversations().create(Conversation{}).ok());
    ASSERT_TRUE((*s)->close().ok());
    EXPECT_GT(std::filesystem::file_size(path), 0u);
}

TEST(StorageRecovery, RepeatedCorruptionNeverOverwritesAKeptFile) {
    TempDir dir;
    auto path = dir / "sessions.db";
    std::vector<std::filesystem::path> kept;
    for (int i = 0; i < 3; ++i) {
        write_bytes(path, random_bytes(4096, 100 + i));
        auto s = SessionStore::open(path);
        ASSERT_TRUE(s.ok());
        kept.push_back((*s)->open_report().recovery.moved_to);
        ASSERT_TRUE((*s)->close().ok());
        ASSERT_TRUE(std::filesystem::remove(path));
    }
    EXPECT_NE(kept[0], kept[1]);
    EXPECT_NE(kept[1], kept[2]);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(read_bytes(kept[i]), random_bytes(4096, 100 + i));
}

TEST(StorageRecovery, IoErrorsAreNotMistakenForCorruption) {
    TempDir dir;
    // A folder where the database should be: cannot open, must not be "moved aside".
    std::filesystem::create_directory(dir / "sessions.db");
    auto s = SessionStore::open(dir / "sessions.db");
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(std::filesystem::is_directory(dir / "sessions.db"));
    for (auto& e : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().string().find(".corrupt-"), std::string::npos);
}

}  // namespace
}  // namespace farsight::storage
