// Helpers for the io tests: scratch folders, raw file images, and peak-RSS measurement.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farsight::test {

namespace fs = std::filesystem;

inline fs::path fixtures_dir() { return fs::path(FARSIGHT_TEST_DATA) / "fixtures" / "minimax-text"; }
inline fs::path io_data_dir() { return fs::path(FARSIGHT_TEST_DATA) / "engine" / "io" / "data"; }

// A fresh, empty folder under the build tree, named after the running test.
inline fs::path scratch_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    fs::path dir = fs::path(FARSIGHT_BINARY_DIR) / "test_scratch" / "io" /
                   (std::string(info->test_suite_name()) + "." + info->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

inline void write_file(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline void write_file(const fs::path& path, const std::vector<uint8_t>& bytes) {
    write_file(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// A safetensors image: 8-byte LE length (declared_len, or the header's real length), the header
// text, then `data_bytes` bytes of data (value i & 0xff).
inline std::vector<uint8_t> raw_safetensors(std::string_view header, uint64_t data_bytes,
                                            std::optional<uint64_t> declared_len = std::nullopt) {
    uint64_t n = declared_len.value_or(header.size());
    std::vector<uint8_t> out(8);
    for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<uint8_t>(n >> (8 * i));
    out.insert(out.end(), header.begin(), header.end());
    for (uint64_t i = 0; i < data_bytes; ++i) out.push_back(static_cast<uint8_t>(i));
    return out;
}

// Linux memory counters from /proc/self/status, in KiB (0 when absent).
inline uint64_t proc_status_kib(std::string_view key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, key.size(), key) == 0 && line.size() > key.size() && line[key.size()] == ':') {
            return std::stoull(line.substr(key.size() + 1));
        }
    }
    return 0;
}

// Resets the peak-RSS counter (VmHWM) to the current RSS; false where the kernel does not allow it.
inline bool reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return out.good();
}

}  // namespace farsight::test
