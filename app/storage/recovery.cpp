// Damaged-database detection (header, WAL header, quick_check) and moving files aside without
// ever replacing or deleting one. Header layout: https://www.sqlite.org/fileformat2.html
#include "storage/recovery.h"

#include <fcntl.h>
#include <unistd.h>
#include <cstdio>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>

#include "storage/statement.h"

namespace farsight::storage {

namespace {

std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::uintmax_t size_or_zero(const std::filesystem::path& p) {
    std::error_code ec;
    auto s = std::filesystem::file_size(p, ec);
    return ec ? 0 : s;
}

bool path_exists(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::symlink_status(p, ec));
}

std::filesystem::path with_suffix(const std::filesystem::path& p, std::string_view suffix) {
    return std::filesystem::path(p.string() + std::string(suffix));
}

// The WAL header checksum (https://www.sqlite.org/fileformat2.html#walformat): a WAL whose header
// fails it is ignored by SQLite.
bool wal_header_valid(const unsigned char* h, std::uint32_t db_page_size) {
    std::uint32_t magic = be32(h);
    if (magic != 0x377f0682u && magic != 0x377f0683u) return false;
    if (be32(h + 4) != 3007000u) return false;
    std::uint32_t page_size = be32(h + 8);
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) return false;
    if (db_page_size != 0 && page_size != db_page_size) return false;
    bool big_endian = (magic & 1) != 0;
    std::uint32_t s0 = 0, s1 = 0;
    for (int i = 0; i < 24; i += 8) {
        std::uint32_t x0, x1;
        if (big_endian) {
            x0 = be32(h + i);
            x1 = be32(h + i + 4);
        } else {
            std::memcpy(&x0, h + i, 4);
            std::memcpy(&x1, h + i + 4, 4);
        }
        s0 += x0 + s1;
        s1 += x1 + s0;
    }
    return s0 == be32(h + 24) && s1 == be32(h + 28);
}

}  // namespace

FileCheck check_database_file(const std::filesystem::path& path) {
    FileCheck fc;
    if (!path_exists(path)) return fc;
    std::filesystem::path wal = with_suffix(path, "-wal");
    std::uintmax_t size = size_or_zero(path);
    std::uintmax_t wal_size = size_or_zero(wal);

    std::array<unsigned char, 100> h{};
    std::uint32_t page_size = 0;
    if (size >= h.size()) {
        std::ifstream in(path, std::ios::binary);
        in.read(reinterpret_cast<char*>(h.data()), h.size());
        if (!in) {
            fc.state = DbFileState::bad_header;
            fc.detail = "cannot read the database header";
            return fc;
        }
        page_size = (std::uint32_t(h[16]) << 8) | h[17];
        if (page_size == 1) page_size = 65536;
    }
    if (wal_size > 0) {
        std::array<unsigned char, 32> wh{};
        std::ifstream in(wal, std::ios::binary);
        in.read(reinterpret_cast<char*>(wh.data()), wh.size());
        fc.stray_wal = !in || wal_size < 32 || !wal_header_valid(wh.data(), page_size);
    }
    bool wal_has_data = wal_size > 0 && !fc.stray_wal;

    fc.state = DbFileState::ok;
    if (size == 0) {
        if (!wal_has_data) {
            fc.state = DbFileState::empty;
            fc.detail = "the database file is empty (0 bytes)";
        }
        return fc;
    }
    if (size < h.size()) {
        fc.state = DbFileState::truncated;
        fc.detail = "only " + std::to_string(size) + " bytes, shorter than the 100-byte header";
        return fc;
    }
    if (std::memcmp(h.data(), "SQLite format 3\0", 16) != 0) {
        fc.state = DbFileState::bad_header;
        fc.detail = "not an SQLite database (bad magic string)";
        return fc;
    }
    bool fields_ok = page_size >= 512 && page_size <= 65536 && (page_size & (page_size - 1)) == 0 &&
                     (h[18] == 1 || h[18] == 2) && (h[19] == 1 || h[19] == 2) && h[21] == 64 && h[22] == 32 &&
                     h[23] == 32 && (page_size - h[20]) >= 480;
    if (!fields_ok) {
        fc.state = DbFileState::bad_header;
        fc.detail = "impossible header fields (page size " + std::to_string(page_size) + ")";
        return fc;
    }
    if (size % page_size != 0) {
        fc.state = DbFileState::truncated;
        fc.detail = std::to_string(size) + " bytes is not a whole number of " + std::to_string(page_size) + "-byte pages";
        return fc;
    }
    std::uint32_t header_pages = be32(h.data() + 28);
    bool header_size_valid = header_pages != 0 && be32(h.data() + 24) == be32(h.data() + 92);
    // With a valid WAL the main file may lag its header (a checkpoint cut short); SQLite redoes it.
    if (header_size_valid && !wal_has_data && std::uintmax_t(header_pages) * page_size > size) {
        fc.state = DbFileState::truncated;
        fc.detail = "the header says " + std::to_string(header_pages) + " pages but the file holds " +
                    std::to_string(size / page_size);
    }
    return fc;
}

Status check_integrity(Db& db, bool full) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(db, full ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)"));
    std::string problems;
    int n = 0;
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        std::string line = st.column_text(0);
        if (n == 0 && line == "ok") return {};
        if (n++ < 5) problems += (problems.empty() ? "" : "; ") + line;
    }
    if (n == 0) return make_error(ErrorCode::bad_header, "integrity check returned nothing");
    return make_error(ErrorCode::bad_header, std::string(full ? "integrity_check" : "quick_check") + ": " + problems);
}

namespace {

std::string utc_stamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

// rename() that fails instead of replacing an existing target.
int rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
    // File systems without RENAME_NOREPLACE: link() never replaces either.
    if (::link(from.c_str(), to.c_str()) != 0) return -1;
    return ::unlink(from.c_str());
}

void sync_dir(const std::filesystem::path& file) {
    std::filesystem::path dir = file.parent_path().empty() ? "." : file.parent_path();
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)::fsync(fd);
        ::close(fd);
    }
}

constexpr std::string_view kCompanions[] = {"", "-wal", "-shm", "-journal"};

// "<prefix><stamp>" or "<prefix><stamp>-<n>", built by appends: `"-" + std::string&&` trips
// GCC 12's -Wrestrict false positive (PR105651).
std::string numbered(std::string_view prefix, const std::string& stamp, int attempt) {
    std::string s(prefix);
    s += stamp;
    if (attempt) {
        s += '-';
        s += std::to_string(attempt);
    }
    return s;
}

}  // namespace

Status move_aside(const std::filesystem::path& path, RecoveryReport& report) {
    std::string stamp = utc_stamp();
    std::filesystem::path base;
    for (int attempt = 0; attempt < 1000; ++attempt) {
        base = with_suffix(path, numbered(".corrupt-", stamp, attempt));
        bool taken = false;
        for (std::string_view c : kCompanions) taken = taken || path_exists(with_suffix(base, c));
        if (!taken) break;
    }
    report.moved_to = base;
    for (std::string_view c : kCompanions) {
        std::filesystem::path from = with_suffix(path, c);
        if (!path_exists(from)) continue;
        std::filesystem::path to = with_suffix(base, c);
        if (rename_no_replace(from, to) != 0)
            return make_error(ErrorCode::io_error, "moving the damaged " + from.string() + " aside to " + to.string() +
                                                       ": " + std::strerror(errno));
        report.moved_files.push_back(to);
    }
    sync_dir(path);
    return {};
}

Status move_stray_wal(const std::filesystem::path& path, RecoveryReport& report) {
    std::filesystem::path wal = with_suffix(path, "-wal");
    std::string stamp = utc_stamp();
    for (int attempt = 0; attempt < 1000; ++attempt) {
        std::filesystem::path to = with_suffix(path, numbered("-wal.stray-", stamp, attempt));
        if (rename_no_replace(wal, to) == 0) {
            report.stray_wal_moved_to = to;
            sync_dir(path);
            return {};
        }
        if (errno != EEXIST) break;
    }
    return make_error(ErrorCode::io_error, "moving the unusable " + wal.string() + " aside: " + std::strerror(errno));
}

}  // namespace farsight::storage
