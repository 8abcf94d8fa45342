// Strict reader of GGUF v2/v3 (reference: ggml/docs/gguf.md and ggml/src/gguf.cpp, whose checks it
// mirrors and tightens): magic, version, typed metadata (scalars, strings, arrays), the tensor table,
// alignment, and a data section tiled in table order. Everything is checked before anything sized by
// the file's claims is allocated; tensors are then views into the read-only map.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.h"
#include "farsight/engine/status.h"
#include "io/mapped_file.h"

namespace farsight {

// Metadata value types, numbered as in the file (gguf_type).
enum class GgufType : uint32_t {
    u8 = 0, i8 = 1, u16 = 2, i16 = 3, u32 = 4, i32 = 5, f32 = 6, boolean = 7, string = 8, array = 9,
    u64 = 10, i64 = 11, f64 = 12,
};
std::string_view gguf_type_name(GgufType t) noexcept;

// One metadata value. Integers (and bools) are held in `i` (u64 values above INT64_MAX are refused
// by the typed getters), floats in `f`; arrays hold their elements in `ints`, `floats` or `strings`.
struct GgufValue {
    GgufType type = GgufType::u8;
    GgufType array_type = GgufType::u8;  // element type when type == array
    int64_t i = 0;
    uint64_t u = 0;  // the unsigned reading of integer values (u64 keeps its full range here)
    double f = 0;
    std::string str;
    std::vector<int64_t> ints;
    std::vector<double> floats;
    std::vector<std::string> strings;

    bool is_integer() const noexcept;
    bool is_float() const noexcept { return type == GgufType::f32 || type == GgufType::f64; }
    uint64_t array_size() const noexcept;
};

struct GgufTensorInfo {
    std::string name;
    DType dtype = DType::f32;
    uint32_t ggml_type = 0;        // as stored
    std::vector<int64_t> shape;    // outermost first (GGUF stores ne[] innermost first)
    uint64_t offset = 0;           // absolute byte offset in the file
    uint64_t n_bytes = 0;

    int64_t numel() const noexcept;
};

struct GgufLimits {
    static constexpr uint64_t kMaxTensors = 1u << 20;     // MiniMax-Text-01 has ~8k tensors
    static constexpr uint64_t kMaxKv = 1u << 16;
    static constexpr uint64_t kMaxKeyBytes = 65535;       // the spec's bound
    static constexpr uint64_t kMaxStringBytes = 64u << 20;
    static constexpr uint64_t kMaxArrayElems = 1u << 26;  // vocabularies are < 2^18 entries
    static constexpr uint64_t kMaxNameBytes = 63;         // GGML_MAX_NAME - 1
    static constexpr int kMaxDims = 4;                    // GGML_MAX_DIMS
};

// The parsed and validated header of a GGUF byte image.
struct GgufHeader {
    uint32_t version = 0;
    uint32_t alignment = 32;
    uint64_t data_offset = 0;  // where the data section starts
    std::map<std::string, GgufValue, std::less<>> metadata;
    std::vector<GgufTensorInfo> tensors;  // in table order (= data order)
};

// Parse and validate a whole file image (the tensor bytes themselves are not read). Pure function of
// its input; the fuzz target calls it directly. Error codes follow the safetensors reader:
// framing/values → bad_header, counts/lengths past the end → out_of_bounds, overflowing products →
// size_overflow, unknown tensor types → bad_dtype (known ggml types we lack → unsupported),
// bad dims → bad_shape, repeated keys/names → duplicate, tiling violations → overlap, limits →
// limit_exceeded.
Result<GgufHeader> parse_gguf(std::span<const uint8_t> file);

// ggml type id → DType for the types the engine computes with; unsupported / bad_dtype otherwise.
Result<DType> dtype_from_ggml(uint32_t ggml_type);

class GgufFile {
public:
    static Result<GgufFile> open(const std::filesystem::path& path);
    // A GGUF image already in memory (tests); the bytes must outlive the object.
    static Result<GgufFile> from_bytes(std::span<const uint8_t> bytes);

    uint32_t version() const noexcept { return m_header.version; }
    const std::vector<GgufTensorInfo>& tensors() const noexcept { return m_header.tensors; }
    const GgufTensorInfo* find(std::string_view name) const noexcept;
    // A read-only view of the tensor (rank ≤ 4 by construction).
    TensorView view(const GgufTensorInfo& info) const noexcept;
    const uint8_t* data(const GgufTensorInfo& info) const noexcept { return m_bytes.data() + info.offset; }

    const std::map<std::string, GgufValue, std::less<>>& metadata() const noexcept { return m_header.metadata; }
    const GgufValue* find_key(std::string_view key) const noexcept;
    // Typed getters: not_found when absent, bad_config when of the wrong type or out of range.
    Result<std::string> get_string(std::string_view key) const;
    Result<int64_t> get_int(std::string_view key) const;      // any integer type
    Result<double> get_float(std::string_view key) const;     // f32/f64 (integers accepted)
    Result<bool> get_bool(std::string_view key) const;
    // Optional forms: the default when absent, an error only when present with the wrong type.
    Result<int64_t> get_int_or(std::string_view key, int64_t fallback) const;
    Result<double> get_float_or(std::string_view key, double fallback) const;
    Result<bool> get_bool_or(std::string_view key, bool fallback) const;

    std::string fingerprint() const;  // name, size and the first/last 4 KiB of the file, hashed
    uint64_t file_size() const noexcept { return m_bytes.size(); }
    uint64_t tensor_bytes() const noexcept;
    const std::filesystem::path& path() const noexcept { return m_file.path(); }

private:
    MappedFile m_file;
    std::span<const uint8_t> m_bytes;
    GgufHeader m_header;
    std::vector<uint32_t> m_by_name;  // indices into tensors(), sorted by name
};

}  // namespace farsight
