// WriterLock: an advisory lock file (NAME.lock, flock) next to the database so a second app
// instance can see the first (and its pid) and hand over instead of writing too.
#pragma once

#include <filesystem>
#include <optional>

#include "farsight/engine/status.h"

namespace farsight::storage {

class WriterLock {
public:
    // Takes the lock (non-blocking). Held elsewhere: io_error whose message contains
    // kWriterLockHeld and names the holder's pid (see is_writer_lock_held).
    static Result<WriterLock> acquire(const std::filesystem::path& db_path);
    // The pid of the process holding the lock, or nullopt when nobody holds it.
    static std::optional<long> holder(const std::filesystem::path& db_path);
    static std::filesystem::path lock_path(const std::filesystem::path& db_path);

    WriterLock() = default;
    WriterLock(WriterLock&& other) noexcept;
    WriterLock& operator=(WriterLock&& other) noexcept;
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;
    ~WriterLock();   // releases (the file stays; its content is just a hint)

    bool held() const noexcept { return m_fd >= 0; }

private:
    int m_fd = -1;
};

inline constexpr const char* kWriterLockHeld = "database is in use by another Farsight instance";
bool is_writer_lock_held(const Status& status);

}  // namespace farsight::storage
