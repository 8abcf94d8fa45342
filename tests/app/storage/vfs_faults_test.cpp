// I/O errors through the fault VFS: fail the Nth write, the Nth sync, or fill the disk, swept over
// a scripted workload. Every error is a Status (no crash); the DB stays consistent; streamed text
// the caller appended is kept in memory and saved once space is freed; nothing is lost or doubled.
#include <gtest/gtest.h>

#include <functional>

#include "storage/recovery.h"
#include "storage/session_store.h"
#include "storage/vfs_faults.h"
#include "test_util.h"

namespace farsight::storage {
namespace {

using testing::TempDir;

FaultPlan plan_write(std::int64_t n) {
    FaultPlan p;
    p.fail_write_at = n;
    return p;
}
FaultPlan plan_sync(std::int64_t n) {
    FaultPlan p;
    p.fail_sync_at = n;
    return p;
}
FaultPlan plan_disk_full() {
    FaultPlan p;
    p.sticky = true;
    p.disk_full = true;
    return p;
}

constexpr int kPieces = 24;
constexpr int kDrafts = 4;
std::string piece(int i) { return "piece" + std::to_string(i) + " "; }

struct Outcome {
    int failures = 0;
    int disk_full_failures = 0;
    std::int64_t writes = 0, syncs = 0;
};

// The scripted workload. `before_step(i)` may arm faults; a failed step is retried once after
// "space is freed" (faults cleared), as the app would on the user's retry.
Outcome run_workload(SessionStore& s, const std::function<void(int)>& before_step) {
    Outcome out;
    int step = 0;
    auto attempt = [&](const std::function<Status()>& f) {
        before_step(step++);
        Status st = f();
        if (st.ok()) return;
        ++out.failures;
        if (is_disk_full(st)) ++out.disk_full_failures;
        EXPECT_TRUE(st.code() == ErrorCode::io_error) << st.to_string();
        clear_faults();
        Status again = f();
        EXPECT_TRUE(again.ok()) << "retry after the fault was cleared: " << again.to_string();
    };
    ConversationId c = 0;
    MessageId q = 0, r = 0;
    attempt([&] {
        Conversation conv;
        conv.title = "io";
        auto id = s.conversations().create(conv);
        if (id.ok()) c = *id;
        return id.ok() ? Status{} : id.status();
    });
    attempt([&] {
        auto id = s.add_user_message(c, "question under faults");
        if (id.ok()) q = *id;
        return id.ok() ? Status{} : id.status();
    });
    attempt([&] {
        auto id = s.begin_reply(c, q, {"m@1", "{}"});
        if (id.ok()) r = *id;
        return id.ok() ? Status{} : id.status();
    });
    for (int i = 0; i < kPieces; ++i) {
        before_step(step++);
        // No retry by the caller: a failed commit keeps the text buffered for the next one.
        Status st = s.append_reply(r, piece(i));
        if (!st.ok()) {
            ++out.failures;
            if (is_disk_full(st)) ++out.disk_full_failures;
            EXPECT_FALSE(s.unsaved_text(r).empty()) << "unsaved text must stay in memory";
            EXPECT_EQ(*s.reply_text(r), [&] { std::string t; for (int k = 0; k <= i; ++k) t += piece(k); return t; }());
        }
        if (i % 6 == 5) attempt([&] { return s.drafts().save(c, "draft " + std::to_string(i / 6)); });
    }
    attempt([&] { return s.conversations().rename(c, "io renamed"); });
    before_step(step++);
    Status fin = s.finish_reply(r, MessageStatus::complete, ReplyStats{1, 2, 3, 4});
    if (!fin.ok()) {
        ++out.failures;
        clear_faults();
        EXPECT_TRUE(s.flush_all().ok());   // the pending finish is retried
    }
    before_step(step++);
    EXPECT_TRUE(s.search("piece3").ok());   // a failed index update never fails a search
    clear_faults();
    EXPECT_TRUE(s.flush_all().ok());
    EXPECT_FALSE(s.has_unsaved());
    return out;
}

void verify(SessionStore& s, const std::string& context) {
    SCOPED_TRACE(context);
    ASSERT_TRUE(check_integrity(s.db(), true).ok());
    auto list = s.conversations().list();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u) << "a step applied twice or lost";
    EXPECT_EQ((*list)[0].title, "io renamed");
    auto all = s.messages().all((*list)[0].id);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].content, "question under faults");
    std::string expected;
    for (int i = 0; i < kPieces; ++i) expected += piece(i);
    EXPECT_EQ((*all)[1].content, expected) << "streamed text lost or doubled";
    EXPECT_EQ((*all)[1].status, MessageStatus::complete);
    EXPECT_EQ((*s.drafts().get((*list)[0].id))->text, "draft " + std::to_string(kPieces / 6 - 1));
    auto hits = s.search("piece23");
    ASSERT_TRUE(hits.ok());
    EXPECT_EQ(hits->size(), 1u);
}

// One workload run on a fresh DB with the given fault arming; returns the outcome.
Outcome run_case(const std::filesystem::path& dir, const std::function<void(int)>& arm, const std::string& name) {
    clear_faults();
    auto path = dir / "s.db";
    StoreOptions o;
    o.vfs = kFaultVfsName;
    o.flush_interval = std::chrono::milliseconds(0);   // every append commits: more commit points to hit
    Outcome out;
    {
        auto s = SessionStore::open(path, o);
        EXPECT_TRUE(s.ok()) << s.status().to_string();
        if (!s.ok()) return out;
        set_fault_plan({});   // counters from the workload's first write
        out = run_workload(**s, arm);
        FaultCounters n = fault_counters();
        out.writes = n.writes;
        out.syncs = n.syncs;
        verify(**s, name + " (same connection)");
    }
    clear_faults();
    auto again = SessionStore::open(path);   // the default VFS, as after a restart
    EXPECT_TRUE(again.ok());
    if (again.ok()) {
        EXPECT_FALSE((*again)->open_report().recovery.corrupt) << name;
        verify(**again, name + " (reopened)");
    }
    return out;
}

class StorageIoFaults : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(install_fault_vfs().ok()); }
    void TearDown() override { clear_faults(); }
    std::filesystem::path fresh_dir(const std::string& name) {
        auto d = m_root.path() / name;
        std::filesystem::create_directories(d);
        return d;
    }
    TempDir m_root;
};

TEST_F(StorageIoFaults, FailingTheNthWriteOrSyncIsSurvived) {
    Outcome clean = run_case(fresh_dir("clean"), [](int) {}, "no faults");
    ASSERT_EQ(clean.failures, 0);
    ASSERT_GT(clean.writes, 20);
    ASSERT_GT(clean.syncs, 10);
    int total_failures = 0;
    for (std::int64_t n = 1; n <= clean.writes; ++n) {
        bool armed = false;
        Outcome o = run_case(fresh_dir("w" + std::to_string(n)), [&](int) {
            if (!armed) set_fault_plan(plan_write(n));
            armed = true;
        }, "write " + std::to_string(n));
        total_failures += o.failures;
        if (HasFailure()) FAIL() << "stopped at failing write " << n;
    }
    for (std::int64_t n = 1; n <= clean.syncs; ++n) {
        bool armed = false;
        Outcome o = run_case(fresh_dir("s" + std::to_string(n)), [&](int) {
            if (!armed) set_fault_plan(plan_sync(n));
            armed = true;
        }, "sync " + std::to_string(n));
        total_failures += o.failures;
        if (HasFailure()) FAIL() << "stopped at failing sync " << n;
    }
    std::printf("io sweep: %lld write points, %lld sync points, %d surfaced errors\n",
                static_cast<long long>(clean.writes), static_cast<long long>(clean.syncs), total_failures);
    EXPECT_GT(total_failures, static_cast<int>(clean.writes + clean.syncs) / 2);
}

TEST_F(StorageIoFaults, DiskFullThenSpaceFreed) {
    // The disk fills before step k and stays full for three steps, then space is freed.
    int total_full = 0;
    for (int k = 0; k < 3 + kPieces + kDrafts + 3; k += 2) {
        Outcome o = run_case(fresh_dir("full" + std::to_string(k)), [&](int step) {
            if (step == k) set_fault_plan(plan_disk_full());
            if (step == k + 3) clear_faults();
        }, "disk full at step " + std::to_string(k));
        total_full += o.disk_full_failures;
        if (HasFailure()) FAIL() << "stopped at disk-full step " << k;
    }
    std::printf("disk full: %d SQLITE_FULL errors surfaced\n", total_full);
    EXPECT_GT(total_full, 0);
}

TEST_F(StorageIoFaults, FaultsDuringOpenAndMigrationLeaveAUsableFile) {
    // Fresh file: fail each write of the open (create + all migrations) in turn.
    std::int64_t open_writes = 0;
    {
        auto d = fresh_dir("open-count");
        set_fault_plan({});
        StoreOptions o;
        o.vfs = kFaultVfsName;
        ASSERT_TRUE(SessionStore::open(d / "s.db", o).ok());
        open_writes = fault_counters().writes;
    }
    ASSERT_GT(open_writes, 3);
    for (std::int64_t n = 1; n <= open_writes; ++n) {
        auto d = fresh_dir("open" + std::to_string(n));
        std::string first_error;
        StoreOptions o;
        o.vfs = kFaultVfsName;
        set_fault_plan(plan_write(n));
        {
            auto s = SessionStore::open(d / "s.db", o);
            if (!s.ok()) {
                EXPECT_EQ(s.status().code(), ErrorCode::io_error) << s.status().to_string();
            }
            first_error = s.ok() ? "ok" : s.status().to_string();
        }
        clear_faults();
        auto s = SessionStore::open(d / "s.db");
        ASSERT_TRUE(s.ok()) << "write " << n << ": " << s.status().to_string();
        EXPECT_FALSE((*s)->open_report().recovery.corrupt) << "write " << n << ": " << (*s)->open_report().recovery.reason
                                                            << " first open: " << first_error;
        EXPECT_EQ(*schema_version((*s)->db()), latest_schema_version());
        EXPECT_TRUE(check_integrity((*s)->db(), true).ok());
        EXPECT_TRUE((*s)->conversations().create(Conversation{}).ok());
    }
}

}  // namespace
}  // namespace farsight::storage
