// Two writers: the second SessionStore is refused with a clear Status naming the holder; a killed
// holder frees the lock.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/session_store.h"
#include "test_util.h"

namespace farsight::storage {
namespace {

using testing::TempDir;

TEST(StorageWriterLock, SecondInstanceIsRefusedAndSeesTheFirst) {
    TempDir dir;
    auto path = dir / "s.db";
    EXPECT_FALSE(WriterLock::holder(path).has_value());
    auto first = SessionStore::open(path);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(WriterLock::holder(path), std::optional<long>(::getpid()));
    auto second = SessionStore::open(path);
    ASSERT_FALSE(second.ok());
    EXPECT_TRUE(is_writer_lock_held(second.status())) << second.status().to_string();
    EXPECT_NE(second.status().message().find("pid " + std::to_string(::getpid())), std::string::npos);
    ASSERT_TRUE((*first)->close().ok());
    EXPECT_FALSE(WriterLock::holder(path).has_value());
    EXPECT_TRUE(SessionStore::open(path).ok());
}

TEST(StorageWriterLock, AKilledHolderReleasesTheLock) {
    TempDir dir;
    auto path = dir / "s.db";
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        auto s = SessionStore::open(path);
        (void)!::write(ready[1], s.ok() ? "y" : "n", 1);
        ::pause();
        _exit(0);
    }
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ASSERT_EQ(c, 'y');
    EXPECT_EQ(WriterLock::holder(path), std::optional<long>(pid));
    EXPECT_TRUE(is_writer_lock_held(SessionStore::open(path).status()));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    EXPECT_FALSE(WriterLock::holder(path).has_value());
    auto s = SessionStore::open(path);
    EXPECT_TRUE(s.ok()) << s.status().to_string();
}

}  // namespace
}  // namespace farsight::storage
