// Shared ingest test helpers (see test_util.h).
#include "test_util.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace farsight::ingest::test {

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() / ("farsight_ingest_test_" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

const TempDir& temp_dir() {
    static TempDir dir;
    return dir;
}

}  // namespace

std::string fixture(std::string_view name) {
    return std::string(FARSIGHT_TEST_DATA) + "/fixtures/documents/" + std::string(name);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string temp_file(std::string_view name, std::string_view bytes) {
    const std::string path = (temp_dir().path / std::string(name)).string();
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

}  // namespace farsight::ingest::test
