// Safetensors reader. The header is parsed with a streaming SAX handler (nlohmann::json::sax_parse)
// so no DOM is built, duplicate keys are seen (the DOM parser silently keeps the last one) and
// nesting deeper than the format's own is refused on the spot. Checks mirror the reference's
// `SafeTensors::deserialize` / `Metadata::validate` (huggingface/safetensors, tensor.rs).
#include "io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

#include <nlohmann/json.hpp>

#include "io/json_util.h"

namespace farsight {
namespace {

using json = nlohmann::json;

// What a header entry claims, before validation.
struct RawTensor {
    std::string name;
    std::string dtype;
    std::vector<int64_t> shape;
    uint64_t offsets[2] = {0, 0};
    int n_offsets = 0;
    bool has_dtype = false, has_shape = false, has_offsets = false;
};

// States of the header grammar: {"__metadata__": {str: str}, name: {"dtype": str,
// "shape": [uint...], "data_offsets": [uint, uint]}, ...}.
enum class At { start, top, top_value, metadata, metadata_value, tensor, field_value, shape, offsets, done };
enum class Field { dtype, shape, data_offsets };

class HeaderSax {
public:
    Status error;
    std::vector<RawTensor> tensors;
    std::map<std::string, std::string> metadata;

    bool null() {
        if (m_at == At::top_value && m_in_metadata) {  // the reference reads it as Option<map>: null = none
            m_in_metadata = false;
            m_at = At::top;
            return true;
        }
        return bad_value();
    }
    bool boolean(bool) { return bad_value(); }
    bool binary(json::binary_t&) { return bad_value(); }
    bool number_float(json::number_float_t, const std::string&) { return bad_value(); }

    bool number_integer(json::number_integer_t v) {
        // nlohmann reports non-negative integers through number_unsigned: v is negative here.
        if (v >= 0) return number_unsigned(static_cast<json::number_unsigned_t>(v));
        if (m_at == At::shape) return fail(ErrorCode::bad_shape, "negative dimension " + std::to_string(v));
        if (m_at == At::offsets) return fail(ErrorCode::out_of_bounds, "negative data offset " + std::to_string(v));
        return bad_value();
    }

    bool number_unsigned(json::number_unsigned_t v) {
        if (m_at == At::shape) {
            if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
                return fail(ErrorCode::size_overflow, "dimension " + std::to_string(v) + " overflows int64");
            }
            if (cur().shape.size() >= SafetensorsLimits::kMaxRank) {
                return fail(ErrorCode::bad_shape, "rank exceeds " + std::to_string(SafetensorsLimits::kMaxRank));
            }
            cur().shape.push_back(static_cast<int64_t>(v));
            return true;
        }
        if (m_at == At::offsets) {
            if (cur().n_offsets >= 2) return fail(ErrorCode::bad_header, "data_offsets must hold exactly 2 integers");
            cur().offsets[cur().n_offsets++] = v;
            return true;
        }
        return bad_value();
    }

    bool string(std::string& v) {
        if (m_at == At::metadata_value) {
            metadata.emplace(std::move(m_meta_key), std::move(v));
            m_at = At::metadata;
            return true;
        }
        if (m_at == At::field_value && m_field == Field::dtype) {
            cur().dtype = std::move(v);
            m_at = At::tensor;
            return true;
        }
        return bad_value();
    }

    bool start_object(std::size_t) {
        if (m_at == At::start) {
            m_at = At::top;
            return true;
        }
        if (m_at == At::top_value) {
            m_at = m_in_metadata ? At::metadata : At::tensor;
            return true;
        }
        return bad_value();
    }

    bool end_object() {
        if (m_at == At::top) {
            m_at = At::done;
        } else if (m_at == At::metadata) {
            m_in_metadata = false;
            m_at = At::top;
        } else if (m_at == At::tensor) {
            const RawTensor& t = cur();
            if (!t.has_dtype) return fail(ErrorCode::bad_header, "missing \"dtype\"");
            if (!t.has_shape) return fail(ErrorCode::bad_header, "missing \"shape\"");
            if (!t.has_offsets) return fail(ErrorCode::bad_header, "missing \"data_offsets\"");
            m_at = At::top;
        }
        return true;
    }

    bool start_array(std::size_t) {
        if (m_at == At::field_value && m_field == Field::shape) {
            m_at = At::shape;
            return true;
        }
        if (m_at == At::field_value && m_field == Field::data_offsets) {
            m_at = At::offsets;
            return true;
        }
        return bad_value();
    }

    bool end_array() {
        if (m_at == At::offsets && cur().n_offsets != 2) {
            return fail(ErrorCode::bad_header, "data_offsets must hold exactly 2 integers");
        }
        m_at = At::tensor;  // only shape/offsets arrays are ever entered
        return true;
    }

    bool key(std::string& k) {
        if (m_at == At::top) {
            if (k == "__metadata__") {
                if (m_seen_metadata) return fail(ErrorCode::duplicate, "\"__metadata__\" appears twice");
                m_seen_metadata = m_in_metadata = true;
            } else {
                tensors.emplace_back().name = std::move(k);
            }
            m_at = At::top_value;
            return true;
        }
        if (m_at == At::metadata) {
            if (metadata.count(k) != 0) return fail(ErrorCode::duplicate, "metadata key " + quote_name(k) + " appears twice");
            m_meta_key = std::move(k);
            m_at = At::metadata_value;
            return true;
        }
        // At::tensor: the only other state in which the parser can deliver a key.
        RawTensor& t = cur();
        bool* seen = nullptr;
        if (k == "dtype") {
            m_field = Field::dtype, seen = &t.has_dtype;
        } else if (k == "shape") {
            m_field = Field::shape, seen = &t.has_shape;
        } else if (k == "data_offsets") {
            m_field = Field::data_offsets, seen = &t.has_offsets;
        } else {
            return fail(ErrorCode::bad_header, "unknown field " + quote_name(k));
        }
        if (*seen) return fail(ErrorCode::duplicate, "field " + quote_name(k) + " appears twice");
        *seen = true;
        m_at = At::field_value;
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
        if (error.ok()) error = make_error(ErrorCode::bad_header, "header is not valid JSON: " + std::string(ex.what()));
        (void)position;
        return false;
    }

private:
    RawTensor& cur() { return tensors.back(); }

    bool fail(ErrorCode code, std::string message) {
        bool in_tensor = m_at == At::top_value || m_at == At::tensor || m_at == At::field_value ||
                         m_at == At::shape || m_at == At::offsets;
        if (in_tensor && !m_in_metadata) {
            message = "tensor " + quote_name(cur().name) + ": " + message;
        } else if (m_in_metadata) {
            message = "__metadata__: " + message;
        }
        error = make_error(code, std::move(message));
        return false;
    }

    // A value of the wrong kind for where it appears.
    bool bad_value() {
        switch (m_at) {
            case At::start: return fail(ErrorCode::bad_header, "header is not a JSON object");
            case At::top_value: return fail(ErrorCode::bad_header, m_in_metadata ? "not an object" : "entry is not an object");
            case At::metadata_value: return fail(ErrorCode::bad_header, "value of " + quote_name(m_meta_key) + " is not a string");
            case At::field_value:
                if (m_field == Field::dtype) return fail(ErrorCode::bad_dtype, "dtype is not a string");
                if (m_field == Field::shape) return fail(ErrorCode::bad_shape, "shape is not an array");
                return fail(ErrorCode::bad_header, "data_offsets is not an array");
            case At::shape: return fail(ErrorCode::bad_shape, "shape entries must be non-negative integers");
            case At::offsets: return fail(ErrorCode::bad_header, "data_offsets entries must be non-negative integers");
            default: return fail(ErrorCode::bad_header, "unexpected value");
        }
    }

    At m_at = At::start;
    Field m_field = Field::dtype;
    bool m_in_metadata = false;
    bool m_seen_metadata = false;
    std::string m_meta_key;
};

bool looks_like_pytorch(std::span<const uint8_t> file) {
    if (file.size() >= 4 && std::memcmp(file.data(), "PK\x03\x04", 4) == 0) return true;  // torch.save zip
    return file.size() >= 2 && file[0] == 0x80 && file[1] >= 2 && file[1] <= 5;       // raw pickle
}

struct DTypeName {
    std::string_view name;
    DType dtype;
};
constexpr DTypeName kDTypes[] = {
    {"F32", DType::f32}, {"F16", DType::f16}, {"BF16", DType::bf16}, {"F64", DType::f64}, {"I64", DType::i64},
    {"I32", DType::i32}, {"I16", DType::i16}, {"I8", DType::i8},     {"U8", DType::u8},   {"BOOL", DType::boolean},
};
// Valid safetensors dtypes (reference Dtype enum and safetensors.torch) that we do not handle.
constexpr std::string_view kUnsupported[] = {"F4", "F6_E2M3", "F6_E3M2", "U16", "U32", "U64", "C64"};

// Per-tensor checks: dtype, shape product, offsets, byte size.
Status validate_tensor(RawTensor& raw, uint64_t data_len, uint64_t data_start, const SafetensorsOptions& options,
                       TensorInfo* out) {
    FS_ASSIGN_OR_RETURN(out->dtype, dtype_from_safetensors(raw.dtype));
    uint64_t numel = 1;
    for (int64_t d : raw.shape) {
        uint64_t u = static_cast<uint64_t>(d);
        if (u != 0 && numel > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / u) {
            return make_error(ErrorCode::size_overflow, "shape product overflows");
        }
        numel *= u;
    }
    if (numel == 0 && !options.allow_empty_tensors) {
        return make_error(ErrorCode::bad_shape, "shape has no elements");
    }
    const uint64_t begin = raw.offsets[0], end = raw.offsets[1];
    if (end < begin) {
        return make_error(ErrorCode::out_of_bounds,
                          "data_offsets end " + std::to_string(end) + " < begin " + std::to_string(begin));
    }
    if (end > data_len) {
        return make_error(ErrorCode::out_of_bounds, "data_offsets end " + std::to_string(end) +
                                                        " is past the end of the data (" + std::to_string(data_len) +
                                                        " bytes)");
    }
    uint64_t n_bytes = 0;
    if (!dtype_bytes(out->dtype, numel, &n_bytes)) return make_error(ErrorCode::size_overflow, "byte size overflows");
    if (n_bytes != end - begin) {
        return make_error(ErrorCode::bad_dtype, std::string(dtype_to_safetensors(out->dtype)) + " with " +
                                                    std::to_string(numel) + " elements needs " +
                                                    std::to_string(n_bytes) + " bytes but data_offsets span " +
                                                    std::to_string(end - begin));
    }
    out->shape = std::move(raw.shape);
    out->offset = data_start + begin;
    out->n_bytes = n_bytes;
    out->aligned = out->offset % dtype_info(out->dtype).block_bytes == 0;
    return {};
}

}  // namespace

int64_t TensorInfo::numel() const noexcept {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;  // validated at parse time: cannot overflow
    return n;
}

Result<DType> dtype_from_safetensors(std::string_view name) {
    for (const DTypeName& d : kDTypes) {
        if (d.name == name) return d.dtype;
    }
    bool known = name.substr(0, 3) == "F8_" ||
                 std::find(std::begin(kUnsupported), std::end(kUnsupported), name) != std::end(kUnsupported);
    if (known) return make_error(ErrorCode::unsupported, "dtype " + quote_name(name) + " is not supported");
    return make_error(ErrorCode::bad_dtype, "unknown dtype " + quote_name(name));
}

std::string_view dtype_to_safetensors(DType dtype) noexcept {
    for (const DTypeName& d : kDTypes) {
        if (d.dtype == dtype) return d.name;
    }
    return {};
}

Result<SafetensorsHeader> parse_safetensors(std::span<const uint8_t> file, const SafetensorsOptions& options) {
    const uint64_t size = file.size();
    uint64_t n = 0;
    if (size < 8) {
        return make_error(ErrorCode::bad_header, "file is " + std::to_string(size) + " bytes, too short for a header");
    }
    for (int i = 7; i >= 0; --i) n = (n << 8) | file[static_cast<size_t>(i)];
    if (n > size - 8) {  // written this way round so that n close to 2^64 cannot wrap
        if (looks_like_pytorch(file)) {
            return make_error(ErrorCode::unsupported,
                              "this is a PyTorch pickle/zip checkpoint, not safetensors; convert it to safetensors");
        }
        return make_error(ErrorCode::bad_header,
                          "header length " + std::to_string(n) + " exceeds file size " + std::to_string(size));
    }
    if (n > SafetensorsLimits::kMaxHeaderBytes) {
        return make_error(ErrorCode::limit_exceeded, "header length " + std::to_string(n) + " exceeds the " +
                                                         std::to_string(SafetensorsLimits::kMaxHeaderBytes) +
                                                         "-byte limit");
    }

    SafetensorsHeader header;
    header.header_bytes = n;
    const char* text = reinterpret_cast<const char*>(file.data() + 8);
    // nlohmann's lexer takes a NUL byte for the end of input and would ignore what follows it.
    if (std::memchr(text, 0, static_cast<size_t>(n)) != nullptr) {
        return make_error(ErrorCode::bad_header, "header contains a NUL byte");
    }
    HeaderSax sax;
    try {
        bool parsed = json::sax_parse(text, text + n, &sax, json::input_format_t::json, /*strict=*/true,
                                      /*ignore_comments=*/false);
        if (!sax.error.ok()) return sax.error;
        if (!parsed) return make_error(ErrorCode::bad_header, "header is not valid JSON");
    } catch (const std::bad_alloc&) {
        return make_error(ErrorCode::out_of_memory, "out of memory while parsing the header");
    } catch (const std::exception& e) {
        return make_error(ErrorCode::bad_header, std::string("header is not valid JSON: ") + e.what());
    }

    // Duplicate names first: nothing else about a file that names a tensor twice can be trusted.
    std::vector<uint32_t> order(sax.tensors.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return sax.tensors[a].name < sax.tensors[b].name; });
    for (size_t i = 1; i < order.size(); ++i) {
        if (sax.tensors[order[i]].name == sax.tensors[order[i - 1]].name) {
            return make_error(ErrorCode::duplicate, "tensor " + quote_name(sax.tensors[order[i]].name) + " appears twice");
        }
    }

    const uint64_t data_start = 8 + n, data_len = size - data_start;
    header.tensors.resize(sax.tensors.size());
    for (size_t i = 0; i < sax.tensors.size(); ++i) {
        Status s = validate_tensor(sax.tensors[i], data_len, data_start, options, &header.tensors[i]);
        if (!s.ok()) return s.with_context("tensor " + quote_name(sax.tensors[i].name));
        header.tensors[i].name = std::move(sax.tensors[i].name);
    }

    // The data buffer must be covered exactly once: no overlaps, no holes, no trailing bytes.
    std::sort(header.tensors.begin(), header.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
        if (a.offset != b.offset) return a.offset < b.offset;
        if (a.n_bytes != b.n_bytes) return a.n_bytes < b.n_bytes;
        return a.name < b.name;
    });
    uint64_t cursor = data_start;
    for (const TensorInfo& t : header.tensors) {
        if (t.offset < cursor) {
            return make_error(ErrorCode::overlap, "tensor " + quote_name(t.name) + " overlaps the bytes of another tensor");
        }
        if (t.offset > cursor) {
            return make_error(ErrorCode::overlap, "hole of " + std::to_string(t.offset - cursor) +
                                                      " bytes before tensor " + quote_name(t.name));
        }
        cursor = t.offset + t.n_bytes;
    }
    if (cursor != size) {
        return make_error(ErrorCode::overlap,
                          "hole: " + std::to_string(size - cursor) + " trailing bytes belong to no tensor");
    }
    header.metadata = std::move(sax.metadata);
    return header;
}

Result<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path, const SafetensorsOptions& options) {
    FS_ASSIGN_OR_RETURN(MappedFile map, MappedFile::open(path));
    const std::string context = path.filename().string();
    if (map.size() >= 8) {
        uint64_t n = 0;
        std::memcpy(&n, map.data(), 8);  // little-endian hosts only (x86-64, aarch64)
        if (n <= map.size() - 8) (void)map.advise(0, 8 + n, MapAdvice::will_need);
    }
    Result<SafetensorsHeader> header = parse_safetensors(map.bytes(), options);
    if (!header.ok()) return header.status().with_context(context);

    SafetensorsFile f;
    f.m_file = std::move(map);
    f.m_header = std::move(header).value();
    const auto& ts = f.m_header.tensors;
    f.m_by_name.resize(ts.size());
    for (uint32_t i = 0; i < ts.size(); ++i) f.m_by_name[i] = i;
    std::sort(f.m_by_name.begin(), f.m_by_name.end(), [&](uint32_t a, uint32_t b) { return ts[a].name < ts[b].name; });
    return f;
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const noexcept {
    const auto& ts = m_header.tensors;
    auto it = std::lower_bound(m_by_name.begin(), m_by_name.end(), name,
                               [&](uint32_t i, std::string_view n) { return std::string_view(ts[i].name) < n; });
    if (it == m_by_name.end() || ts[*it].name != name) return nullptr;
    return &ts[*it];
}

void SafetensorsFile::set_shard(int shard) noexcept {
    for (TensorInfo& t : m_header.tensors) t.shard = shard;
}

}  // namespace farsight
