// Strict reader of the safetensors format (reference: huggingface/safetensors, docs "Format" and
// safetensors/src/tensor.rs): 8-byte LE header length, JSON header, then one contiguous byte buffer.
// Every check runs on the header alone, before anything sized by the header's claims is allocated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/dtype.h"
#include "farsight/engine/status.h"
#include "io/mapped_file.h"

namespace farsight {

struct TensorInfo {
    std::string name;
    DType dtype = DType::f32;
    std::vector<int64_t> shape;  // full shape as stored (may exceed TensorView::kMaxRank)
    uint64_t offset = 0;         // absolute byte offset in the file
    uint64_t n_bytes = 0;
    int shard = 0;               // index of the file within its WeightStore (0 for a single file)
    bool aligned = true;         // offset is a multiple of the element size: usable as a typed pointer
                                 // straight from the map; otherwise the loader must copy

    int64_t numel() const noexcept;
};

struct SafetensorsLimits {
    static constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the reference's limit (100 MB)
    static constexpr size_t kMaxRank = 16;                      // no real tensor comes close
};

struct SafetensorsOptions {
    // Shapes whose product is 0 are refused by default (reliability.md: a weight that holds
    // nothing is a sign of a broken file); writers of outputs may legitimately produce them.
    bool allow_empty_tensors = false;
};

// The parsed and validated header of a safetensors byte image.
struct SafetensorsHeader {
    uint64_t header_bytes = 0;  // N: the JSON length; data starts at 8 + N
    std::vector<TensorInfo> tensors;  // in data order (ascending offset), then by name
    std::map<std::string, std::string> metadata;
};

// Parse and validate a whole file image (header and the size of the data section; the tensor
// bytes themselves are not read). Pure function of its input: the fuzz target calls it directly.
Result<SafetensorsHeader> parse_safetensors(std::span<const uint8_t> file, const SafetensorsOptions& options = {});

// Maps a safetensors dtype string ("BF16") to ours; safetensors dtypes we do not handle (F8_*,
// U16, ...) are `unsupported`, strings that are not safetensors dtypes are `bad_dtype`.
Result<DType> dtype_from_safetensors(std::string_view name);
std::string_view dtype_to_safetensors(DType dtype) noexcept;  // "" for types safetensors lacks

class SafetensorsFile {
public:
    static Result<SafetensorsFile> open(const std::filesystem::path& path, const SafetensorsOptions& options = {});

    const std::vector<TensorInfo>& tensors() const noexcept { return m_header.tensors; }
    const TensorInfo* find(std::string_view name) const noexcept;
    // Pointer to the tensor's bytes inside the read-only map (info must come from this file).
    const uint8_t* data(const TensorInfo& info) const noexcept { return m_file.data() + info.offset; }
    const std::map<std::string, std::string>& metadata() const noexcept { return m_header.metadata; }

    uint64_t header_bytes() const noexcept { return m_header.header_bytes; }
    uint64_t file_size() const noexcept { return m_file.size(); }
    const std::filesystem::path& path() const noexcept { return m_file.path(); }
    const MappedFile& mapped() const noexcept { return m_file; }
    void set_shard(int shard) noexcept;

private:
    MappedFile m_file;
    SafetensorsHeader m_header;
    std::vector<uint32_t> m_by_name;  // indices into tensors(), sorted by name
};

}  // namespace farsight
