// WriterLock: flock() on NAME.lock. The kernel drops the lock when the holder dies (kill -9
// included), so a stale lock file never blocks the next start.
#include "storage/writer_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace farsight::storage {

std::filesystem::path WriterLock::lock_path(const std::filesystem::path& db_path) {
    return std::filesystem::path(db_path.string() + ".lock");
}

namespace {
long read_pid(int fd) {
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return 0;
    return std::strtol(buf, nullptr, 10);
}
}  // namespace

Result<WriterLock> WriterLock::acquire(const std::filesystem::path& db_path) {
    std::filesystem::path path = lock_path(db_path);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return make_error(ErrorCode::io_error, "opening lock file " + path.string() + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        long pid = read_pid(fd);
        ::close(fd);
        if (err == EWOULDBLOCK)
            return make_error(ErrorCode::io_error, std::string(kWriterLockHeld) + " (pid " + std::to_string(pid) +
                                                       "): " + db_path.string());
        return make_error(ErrorCode::io_error, "locking " + path.string() + ": " + std::strerror(err));
    }
    std::string pid = std::to_string(static_cast<long>(::getpid())) + "\n";
    // The pid is only a hint for the other instance; failing to write it does not matter.
    if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
    WriterLock lock;
    lock.m_fd = fd;
    return lock;
}

std::optional<long> WriterLock::holder(const std::filesystem::path& db_path) {
    int fd = ::open(lock_path(db_path).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::optional<long> pid;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
        pid = read_pid(fd);
    } else {
        ::flock(fd, LOCK_UN);
    }
    ::close(fd);
    return pid;
}

WriterLock::WriterLock(WriterLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

WriterLock& WriterLock::operator=(WriterLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

WriterLock::~WriterLock() {
    if (m_fd >= 0) ::close(m_fd);   // closing the last descriptor releases the flock
}

bool is_writer_lock_held(const Status& status) {
    return status.code() == ErrorCode::io_error && status.message().find(kWriterLockHeld) != std::string::npos;
}

}  // namespace farsight::storage
