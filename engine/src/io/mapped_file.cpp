// MappedFile: open + fstat + mmap(PROT_READ, MAP_PRIVATE); the descriptor is closed right after
// mapping (the map keeps the file alive), so hundreds of shards do not use hundreds of fds.
#include "io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace farsight {
namespace {

int advice_flag(MapAdvice advice) {
    switch (advice) {
        case MapAdvice::normal: return MADV_NORMAL;
        case MapAdvice::sequential: return MADV_SEQUENTIAL;
        case MapAdvice::random: return MADV_RANDOM;
        case MapAdvice::will_need: return MADV_WILLNEED;
        case MapAdvice::dont_need: return MADV_DONTNEED;
    }
    return MADV_NORMAL;
}

Status errno_status(ErrorCode code, const char* what, const std::filesystem::path& path, int err) {
    return make_error(code, std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

Result<MappedFile> MappedFile::open(const std::filesystem::path& path, MapAdvice advice) {
    // O_NONBLOCK: opening a FIFO offered as a model must not hang; it is refused below.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int err = errno;
        return errno_status(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error, "cannot open", path, err);
    }
    FdCloser closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return errno_status(ErrorCode::io_error, "cannot stat", path, errno);
    if (!S_ISREG(st.st_mode)) {
        return make_error(ErrorCode::invalid_argument, path.string() + " is not a regular file");
    }

    MappedFile file;
    file.m_path = path;
    file.m_size = static_cast<uint64_t>(st.st_size);
    if (file.m_size == 0) return file;  // mmap of length 0 is an error; an empty map is valid.

    void* p = ::mmap(nullptr, static_cast<size_t>(file.m_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        int err = errno;
        file.m_size = 0;
        return errno_status(err == ENOMEM ? ErrorCode::out_of_memory : ErrorCode::io_error, "cannot map", path, err);
    }
    file.m_data = static_cast<const uint8_t*>(p);
    if (advice != MapAdvice::normal) (void)file.advise(0, file.m_size, advice);  // a hint: failure is harmless
    return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)),
      m_path(std::move(other.m_path)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        reset();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_path = std::move(other.m_path);
    }
    return *this;
}

MappedFile::~MappedFile() { reset(); }

void MappedFile::reset() noexcept {
    if (m_data != nullptr) ::munmap(const_cast<uint8_t*>(m_data), static_cast<size_t>(m_size));
    m_data = nullptr;
    m_size = 0;
}

Status MappedFile::advise(uint64_t offset, uint64_t length, MapAdvice advice) const {
    if (m_data == nullptr || offset >= m_size) return {};
    length = std::min(length, m_size - offset);
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    uint64_t begin = offset / page * page;  // madvise needs a page-aligned start
    uint64_t end = offset + length;
    if (::madvise(const_cast<uint8_t*>(m_data) + begin, static_cast<size_t>(end - begin), advice_flag(advice)) != 0) {
        return errno_status(ErrorCode::io_error, "madvise failed on", m_path, errno);
    }
    return {};
}

}  // namespace farsight
