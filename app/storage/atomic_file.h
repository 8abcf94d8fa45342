// Atomic file writes for exports and settings: write a temp file in the same folder, fsync it,
// rename it over the target, fsync the folder. Readers see the old or the new file, never half.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "farsight/engine/status.h"

namespace farsight::storage {

Status write_file_atomically(const std::filesystem::path& path, std::string_view data);
Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes = 256u << 20);

}  // namespace farsight::storage
