// MappedFile: an RAII, read-only memory map of a whole file (mmap MAP_PRIVATE + PROT_READ).
// Weights are used in place from the map; the page cache, not the heap, holds them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "farsight/engine/status.h"

namespace farsight {

// Access-pattern hints passed to madvise(2).
enum class MapAdvice : uint8_t { normal, sequential, random, will_need, dont_need };

class MappedFile {
public:
    MappedFile() = default;
    // Maps the whole regular file at `path`. An empty file maps to data() == nullptr, size() == 0.
    // Directories, FIFOs and devices are refused (invalid_argument); open/mmap failures are io_error.
    static Result<MappedFile> open(const std::filesystem::path& path, MapAdvice advice = MapAdvice::normal);

    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    const uint8_t* data() const noexcept { return m_data; }
    uint64_t size() const noexcept { return m_size; }
    bool empty() const noexcept { return m_size == 0; }
    std::span<const uint8_t> bytes() const noexcept { return {m_data, static_cast<size_t>(m_size)}; }
    const std::filesystem::path& path() const noexcept { return m_path; }

    // Hint the kernel about [offset, offset + length) (clamped to the file; rounded out to pages).
    Status advise(uint64_t offset, uint64_t length, MapAdvice advice) const;

private:
    void reset() noexcept;

    const uint8_t* m_data = nullptr;
    uint64_t m_size = 0;
    std::filesystem::path m_path;
};

}  // namespace farsight
