// Writes safetensors files in the reference library's exact layout (huggingface/safetensors
// `serialize`): tensors ordered by dtype (widest first) then name, compact JSON header padded with
// spaces to a multiple of 8 bytes. Files are written atomically (temp file, fsync, rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "farsight/engine/status.h"

namespace farsight {

struct TensorToWrite {
    std::string name;
    DType dtype = DType::f32;
    std::vector<int64_t> shape;
    std::span<const uint8_t> bytes;  // numel * element size bytes, row-major, little-endian
};

// A host view as a tensor to write (the view must stay alive until the write returns).
TensorToWrite tensor_to_write(std::string name, const TensorView& view);

using SafetensorsMetadata = std::map<std::string, std::string>;

// The whole file image in memory (for small files, tests and fuzz seeds).
Result<std::vector<uint8_t>> serialize_safetensors(std::span<const TensorToWrite> tensors,
                                                   const SafetensorsMetadata& metadata = {});

// Streams the file to `path` through a temporary file in the same folder, fsyncs it, renames it
// over `path` and fsyncs the folder: readers see the old file or the whole new one, never a part.
Status write_safetensors(const std::filesystem::path& path, std::span<const TensorToWrite> tensors,
                         const SafetensorsMetadata& metadata = {});

}  // namespace farsight
