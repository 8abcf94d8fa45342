// WeightStore: the weights of one model folder, memory-mapped: `model.safetensors`, a sharded
// `model.safetensors.index.json` (transformers' layout), or one `*.safetensors` file given
// directly. Every file is validated at open; tensors are then views into the read-only maps.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tensor.h"
#include "farsight/engine/status.h"
#include "io/safetensors.h"

namespace farsight {

class WeightStore {
public:
    static constexpr uint64_t kMaxIndexBytes = 64ull << 20;  // the 8,243-tensor MiniMax index is ~0.7 MB
    static constexpr const char* kSingleFile = "model.safetensors";
    static constexpr const char* kIndexFile = "model.safetensors.index.json";

    // `dir_or_file`: a model folder, a `.safetensors` file, or a `.safetensors.index.json` file.
    // Folders holding only PyTorch pickles / ONNX / ... are `unsupported` (convert to safetensors).
    static Result<WeightStore> open(const std::filesystem::path& dir_or_file);

    const TensorInfo* find(std::string_view name) const noexcept;
    // A contiguous view into the map (read-only memory: never write through it). Empty when the
    // tensor's rank exceeds TensorView::kMaxRank. When !info.aligned the pointer is not aligned
    // for the element type: copy the bytes instead of dereferencing typed pointers.
    TensorView view(const TensorInfo& info) const noexcept;
    const uint8_t* data(const TensorInfo& info) const noexcept;
    std::vector<const TensorInfo*> tensors() const;  // sorted by name
    uint64_t total_bytes() const noexcept { return m_total_bytes; }
    std::filesystem::path dir() const { return m_dir; }
    // Cheap, stable identity of these weights: a hash of every file's name, size, header bytes and
    // the first and last 4 KiB of its data (so fine-tunes of one architecture differ).
    std::string fingerprint() const;

    const std::vector<SafetensorsFile>& files() const noexcept { return m_files; }
    // Tensors present in a shard but not listed by the index: never returned by find()/tensors().
    const std::vector<std::string>& unlisted_tensors() const noexcept { return m_unlisted; }
    // Non-fatal findings worth a log line (unlisted tensors, a total_size that does not add up).
    const std::vector<std::string>& warnings() const noexcept { return m_warnings; }

private:
    static Result<WeightStore> open_single(const std::filesystem::path& dir, const std::filesystem::path& file);
    static Result<WeightStore> open_index(const std::filesystem::path& dir, const std::filesystem::path& index);
    void add_tensor(const TensorInfo& info);

    std::filesystem::path m_dir;
    std::vector<SafetensorsFile> m_files;
    std::vector<std::string> m_file_names;  // as written in the index (or the file's own name)
    std::unordered_map<std::string_view, const TensorInfo*> m_by_name;  // views into m_files' infos
    std::vector<std::string> m_unlisted;
    std::vector<std::string> m_warnings;
    uint64_t m_total_bytes = 0;
};

}  // namespace farsight
