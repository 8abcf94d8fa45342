// Atomic whole-file writes (temp + fsync + rename + fsync of the folder) and bounded reads.
#include "storage/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

namespace farsight::storage {

namespace {
Status errno_status(std::string_view what, const std::filesystem::path& path, int err) {
    return make_error(ErrorCode::io_error, std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { if (m_fd >= 0) ::close(m_fd); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }
    int release() { int fd = m_fd; m_fd = -1; return fd; }
private:
    int m_fd;
};
}  // namespace

Status write_file_atomically(const std::filesystem::path& path, std::string_view data) {
    std::filesystem::path dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    std::random_device rd;
    // Built with += : `"." + std::string&&` trips GCC 12's -Wrestrict false positive (PR105651).
    std::string tmp_name = ".";
    tmp_name += path.filename().string();
    tmp_name += ".tmp-";
    tmp_name += std::to_string(rd());
    std::filesystem::path tmp = dir / tmp_name;
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0) return errno_status("creating", tmp, errno);
    auto fail = [&](std::string_view what, int err) {
        ::close(fd.release());
        ::unlink(tmp.c_str());
        return errno_status(what, path, err);
    };
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        ssize_t n = ::write(fd.get(), p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("writing", errno);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return fail("syncing", errno);
    if (::close(fd.release()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return errno_status("closing", path, err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return errno_status("renaming into", path, err);
    }
    // The rename is only durable once the folder entry is on disk.
    Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd.get() >= 0 && ::fsync(dfd.get()) != 0) return errno_status("syncing folder of", path, errno);
    return {};
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) return make_error(ec == std::errc::no_such_file_or_directory ? ErrorCode::not_found : ErrorCode::io_error,
                              "reading " + path.string() + ": " + ec.message());
    if (size > max_bytes)
        return make_error(ErrorCode::limit_exceeded, "reading " + path.string() + ": " + std::to_string(size) +
                                                         " bytes exceeds the limit of " + std::to_string(max_bytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::io_error, "opening " + path.string());
    std::string data(size, '\0');
    in.read(data.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::size_t>(in.gcount()) != size) return make_error(ErrorCode::io_error, "short read of " + path.string());
    return data;
}

}  // namespace farsight::storage
