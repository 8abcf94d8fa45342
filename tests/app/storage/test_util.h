// Helpers for the storage tests: a self-deleting temp folder, file bytes, schema dumps.
// Unit tests use a RAM-backed tmpfs (/dev/shm) when writable: they test SQLite's and our logic,
// not the disk, and fsync on a busy shared disk dominated their run time. The crash test keeps
// the real disk (disk_root()).
#pragma once

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "storage/db.h"

namespace farsight::storage::testing {

// Option structs built field by field: GCC 12 -Wextra warns on designated initializers that skip fields.
inline DbOptions db_mode(OpenMode mode) { DbOptions o; o.mode = mode; return o; }

class TempDir {
public:
    TempDir() : TempDir(default_root()) {}
    explicit TempDir(const std::filesystem::path& root) {
        std::string tmpl = (root / "farsight-storage-XXXXXX").string();
        char* made = ::mkdtemp(tmpl.data());
        m_path = made ? made : tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
public:
    static std::filesystem::path disk_root() {
        const char* base = std::getenv("TMPDIR");
        return base && *base ? base : "/tmp";
    }
    static std::filesystem::path default_root() {
        std::error_code ec;
        if (std::getenv("FARSIGHT_TEST_ON_DISK") == nullptr && std::filesystem::is_directory("/dev/shm", ec) &&
            ::access("/dev/shm", W_OK) == 0)
            return "/dev/shm";
        return disk_root();
    }

private:
    std::filesystem::path m_path;
};

inline std::string read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::filesystem::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string normalize_sql(const std::string& sql) {
    std::string out;
    bool space = false;
    for (char c : sql) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

// Every schema object (FTS5 shadow tables included) as "type name: normalized sql", sorted.
inline std::vector<std::string> schema_of(sqlite3* db) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
        out.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) + " " +
                      reinterpret_cast<const char*>(sqlite3_column_text(st, 1)) + ": " +
                      normalize_sql(reinterpret_cast<const char*>(sqlite3_column_text(st, 2))));
    }
    sqlite3_finalize(st);
    return out;
}

inline std::string fixture_path(const std::string& name) {
    return std::string(FARSIGHT_TEST_DATA) + "/app/storage/fixtures/" + name;
}

}  // namespace farsight::storage::testing
