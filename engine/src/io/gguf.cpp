// GGUF reader. A bounds-checked cursor walks the header; every count and length is checked against
// the bytes that remain before anything is reserved, so a small file cannot make us allocate much
// (reliability.md "declared-size bombs"). The data section must be tiled exactly in table order with
// alignment padding, the layout ggml's gguf_init_from_file insists on.
#include "io/gguf.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>

#include "io/json_util.h"

namespace farsight {
namespace {

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

Status err(ErrorCode code, std::string msg) { return Status(code, std::move(msg)); }

class Cursor {
public:
    explicit Cursor(std::span<const uint8_t> bytes) : m_bytes(bytes) {}
    uint64_t pos() const { return m_pos; }
    uint64_t remaining() const { return m_bytes.size() - m_pos; }

    template <class T>
    Status read(T* out, const char* what) {
        if (remaining() < sizeof(T)) return err(ErrorCode::out_of_bounds, std::string("file ends inside ") + what);
        std::memcpy(out, m_bytes.data() + m_pos, sizeof(T));  // GGUF is little-endian, like our hosts
        m_pos += sizeof(T);
        return {};
    }
    Status read_string(std::string* out, uint64_t max_len, const char* what) {
        uint64_t n = 0;
        FS_RETURN_IF_ERROR(read(&n, what));
        if (n > remaining())
            return err(ErrorCode::out_of_bounds, std::string(what) + " length " + std::to_string(n) + " runs past the end of the file");
        if (n > max_len)
            return err(ErrorCode::limit_exceeded, std::string(what) + " length " + std::to_string(n) + " exceeds the limit of " +
                                                      std::to_string(max_len) + " bytes");
        out->assign(reinterpret_cast<const char*>(m_bytes.data() + m_pos), static_cast<size_t>(n));
        m_pos += n;
        return {};
    }

private:
    std::span<const uint8_t> m_bytes;
    uint64_t m_pos = 0;
};

uint64_t scalar_size(GgufType t) {
    switch (t) {
        case GgufType::u8: case GgufType::i8: case GgufType::boolean: return 1;
        case GgufType::u16: case GgufType::i16: return 2;
        case GgufType::u32: case GgufType::i32: case GgufType::f32: return 4;
        case GgufType::u64: case GgufType::i64: case GgufType::f64: return 8;
        default: return 0;
    }
}

bool valid_type(uint32_t t) { return t <= static_cast<uint32_t>(GgufType::f64); }

// Reads one scalar of type t into (i, u, f). Bools must be 0 or 1.
Status read_scalar(Cursor& c, GgufType t, int64_t* i, uint64_t* u, double* f) {
    auto as_int = [&](auto v) {
        *i = static_cast<int64_t>(v);
        *u = static_cast<uint64_t>(v);
        *f = static_cast<double>(v);
    };
    switch (t) {
        case GgufType::u8: { uint8_t v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); as_int(v); return {}; }
        case GgufType::i8: { int8_t v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); as_int(v); return {}; }
        case GgufType::u16: { uint16_t v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); as_int(v); return {}; }
        case GgufType::i16: { int16_t v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); as_int(v); return {}; }
        case GgufType::u32: { uint32_t v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); as_int(v); return {}; }
        case GgufType::i32: { int32_t v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); as_int(v); return {}; }
        case GgufType::u64: { uint64_t v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); as_int(v); return {}; }
        case GgufType::i64: { int64_t v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); as_int(v); return {}; }
        case GgufType::f32: { float v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); *f = v; return {}; }
        case GgufType::f64: { double v = 0; FS_RETURN_IF_ERROR(c.read(&v, "a value")); *f = v; return {}; }
        case GgufType::boolean: {
            uint8_t v = 0;
            FS_RETURN_IF_ERROR(c.read(&v, "a value"));
            if (v > 1) return err(ErrorCode::bad_header, "bool value " + std::to_string(v) + " is neither 0 nor 1");
            as_int(v);
            return {};
        }
        default: return err(ErrorCode::internal, "read_scalar on a non-scalar type");
    }
}

Status read_value(Cursor& c, GgufType t, GgufValue* out) {
    out->type = t;
    if (t == GgufType::string) return c.read_string(&out->str, GgufLimits::kMaxStringBytes, "string");
    if (t != GgufType::array) return read_scalar(c, t, &out->i, &out->u, &out->f);
    uint32_t et = 0;
    uint64_t n = 0;
    FS_RETURN_IF_ERROR(c.read(&et, "an array type"));
    FS_RETURN_IF_ERROR(c.read(&n, "an array length"));
    if (!valid_type(et)) return err(ErrorCode::bad_header, "array of unknown type " + std::to_string(et));
    out->array_type = static_cast<GgufType>(et);
    if (out->array_type == GgufType::array) return err(ErrorCode::unsupported, "nested arrays are not supported");
    // Each element takes at least its scalar size (a string at least its 8-byte length): check the
    // claim against the bytes left before reserving anything.
    const uint64_t min_elem = out->array_type == GgufType::string ? 8 : scalar_size(out->array_type);
    if (n > c.remaining() / min_elem)
        return err(ErrorCode::out_of_bounds, "array of " + std::to_string(n) + " elements runs past the end of the file");
    if (n > GgufLimits::kMaxArrayElems)
        return err(ErrorCode::limit_exceeded, "array of " + std::to_string(n) + " elements exceeds the limit");
    if (out->array_type == GgufType::string) {
        out->strings.resize(static_cast<size_t>(n));
        for (std::string& s : out->strings) FS_RETURN_IF_ERROR(c.read_string(&s, GgufLimits::kMaxStringBytes, "string"));
    } else if (out->array_type == GgufType::f32 || out->array_type == GgufType::f64) {
        out->floats.resize(static_cast<size_t>(n));
        int64_t i;
        uint64_t u;
        for (double& f : out->floats) FS_RETURN_IF_ERROR(read_scalar(c, out->array_type, &i, &u, &f));
    } else {
        out->ints.resize(static_cast<size_t>(n));
        uint64_t u;
        double f;
        for (int64_t& i : out->ints) FS_RETURN_IF_ERROR(read_scalar(c, out->array_type, &i, &u, &f));
    }
    return {};
}

// ggml_type ids: the supported ones, the ones ggml knows that we do not compute with, and the ids
// ggml has retired (Q4_2/Q4_3 and the repacked Q4_0_x_y / IQ4_NL_x_y variants).
struct GgmlTypeName {
    uint32_t id;
    const char* name;
};
constexpr GgmlTypeName kGgmlTypes[] = {
    {0, "F32"},      {1, "F16"},      {2, "Q4_0"},     {3, "Q4_1"},     {6, "Q5_0"},    {7, "Q5_1"},
    {8, "Q8_0"},     {9, "Q8_1"},     {10, "Q2_K"},    {11, "Q3_K"},    {12, "Q4_K"},   {13, "Q5_K"},
    {14, "Q6_K"},    {15, "Q8_K"},    {16, "IQ2_XXS"}, {17, "IQ2_XS"},  {18, "IQ3_XXS"}, {19, "IQ1_S"},
    {20, "IQ4_NL"},  {21, "IQ3_S"},   {22, "IQ2_S"},   {23, "IQ4_XS"},  {24, "I8"},     {25, "I16"},
    {26, "I32"},     {27, "I64"},     {28, "F64"},     {29, "IQ1_M"},   {30, "BF16"},   {34, "TQ1_0"},
    {35, "TQ2_0"},   {39, "MXFP4"},
};
constexpr uint32_t kRetired[] = {4, 5, 31, 32, 33, 36, 37, 38};

const char* ggml_type_name(uint32_t id) {
    for (const auto& t : kGgmlTypes)
        if (t.id == id) return t.name;
    return nullptr;
}

uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }  // callers check overflow

struct Fnv1a64 {
    uint64_t h = 1469598103934665603ull;
    void add(const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
    }
};

}  // namespace

std::string_view gguf_type_name(GgufType t) noexcept {
    static constexpr std::string_view names[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32",
                                                 "bool", "string", "array", "u64", "i64", "f64"};
    const auto i = static_cast<uint32_t>(t);
    return i < std::size(names) ? names[i] : "?";
}

bool GgufValue::is_integer() const noexcept {
    switch (type) {
        case GgufType::u8: case GgufType::i8: case GgufType::u16: case GgufType::i16: case GgufType::u32:
        case GgufType::i32: case GgufType::u64: case GgufType::i64: return true;
        default: return false;
    }
}

uint64_t GgufValue::array_size() const noexcept {
    if (type != GgufType::array) return 0;
    return strings.size() + ints.size() + floats.size();
}

int64_t GgufTensorInfo::numel() const noexcept {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;  // validated at parse time
    return n;
}

Result<DType> dtype_from_ggml(uint32_t id) {
    switch (id) {
        case 0: return DType::f32;
        case 1: return DType::f16;
        case 30: return DType::bf16;
        case 8: return DType::q8_0;
        case 2: return DType::q4_0;
        case 3: return DType::q4_1;
        case 12: return DType::q4_k;
        case 13: return DType::q5_k;
        case 14: return DType::q6_k;
        default: break;
    }
    if (const char* name = ggml_type_name(id))
        return err(ErrorCode::unsupported, std::string("tensor type ") + name + " is not supported (supported: F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q4_K Q5_K Q6_K)");
    if (std::find(std::begin(kRetired), std::end(kRetired), id) != std::end(kRetired))
        return err(ErrorCode::unsupported, "tensor type " + std::to_string(id) + " was retired by ggml; re-convert the model");
    return err(ErrorCode::bad_dtype, "unknown tensor type " + std::to_string(id));
}

Result<GgufHeader> parse_gguf(std::span<const uint8_t> file) {
    Cursor c(file);
    GgufHeader h;
    if (file.size() < 4 || std::memcmp(file.data(), "GGUF", 4) != 0)
        return err(ErrorCode::bad_header, "not a GGUF file (no 'GGUF' magic)");
    uint32_t magic;
    FS_RETURN_IF_ERROR(c.read(&magic, "the magic"));
    FS_RETURN_IF_ERROR(c.read(&h.version, "the version"));
    if (h.version == 1) return err(ErrorCode::unsupported, "GGUF version 1 is not supported; re-convert the model");
    if ((h.version & 0xffff) == 0 && h.version != 0)
        return err(ErrorCode::unsupported, "this GGUF file is big-endian; only little-endian files are supported");
    if (h.version != 2 && h.version != 3)
        return err(ErrorCode::bad_header, "unknown GGUF version " + std::to_string(h.version));
    uint64_t n_tensors = 0, n_kv = 0;
    FS_RETURN_IF_ERROR(c.read(&n_tensors, "the tensor count"));
    FS_RETURN_IF_ERROR(c.read(&n_kv, "the metadata count"));
    // Smallest encodings: a key/value is ≥ 8 + 1 + 4 + 1 bytes, a tensor entry ≥ 8 + 1 + 4 + 8 + 4 + 8.
    if (n_kv > c.remaining() / 14)
        return err(ErrorCode::out_of_bounds, "metadata count " + std::to_string(n_kv) + " cannot fit in the file");
    if (n_tensors > c.remaining() / 33)
        return err(ErrorCode::out_of_bounds, "tensor count " + std::to_string(n_tensors) + " cannot fit in the file");
    if (n_kv > GgufLimits::kMaxKv)
        return err(ErrorCode::limit_exceeded, "metadata count " + std::to_string(n_kv) + " exceeds the limit");
    if (n_tensors > GgufLimits::kMaxTensors)
        return err(ErrorCode::limit_exceeded, "tensor count " + std::to_string(n_tensors) + " exceeds the limit");

    try {
        for (uint64_t k = 0; k < n_kv; ++k) {
            std::string key;
            FS_RETURN_IF_ERROR(c.read_string(&key, GgufLimits::kMaxKeyBytes, "key"));
            if (key.empty()) return err(ErrorCode::bad_header, "empty metadata key");
            if (key.find('\0') != std::string::npos) return err(ErrorCode::bad_header, "metadata key contains a NUL byte");
            if (h.metadata.count(key)) return err(ErrorCode::duplicate, "metadata key " + quote_name(key) + " appears twice");
            uint32_t t = 0;
            FS_RETURN_IF_ERROR(c.read(&t, "a value type"));
            if (!valid_type(t))
                return err(ErrorCode::bad_header, "metadata key " + quote_name(key) + " has unknown type " + std::to_string(t));
            GgufValue v;
            Status s = read_value(c, static_cast<GgufType>(t), &v);
            if (!s.ok()) return s.with_context("metadata key " + quote_name(key));
            h.metadata.emplace(std::move(key), std::move(v));
        }
        if (auto it = h.metadata.find("general.alignment"); it != h.metadata.end()) {
            const GgufValue& a = it->second;
            if (a.type != GgufType::u32) return err(ErrorCode::bad_header, "general.alignment must be a u32");
            if (a.u == 0 || (a.u & (a.u - 1)) != 0)
                return err(ErrorCode::bad_header, "general.alignment " + std::to_string(a.u) + " is not a power of two");
            h.alignment = static_cast<uint32_t>(a.u);
        }

        h.tensors.resize(static_cast<size_t>(n_tensors));
        for (GgufTensorInfo& ti : h.tensors) {
            FS_RETURN_IF_ERROR(c.read_string(&ti.name, kU64Max, "tensor name"));
            if (ti.name.empty()) return err(ErrorCode::bad_header, "empty tensor name");
            if (ti.name.size() > GgufLimits::kMaxNameBytes)
                return err(ErrorCode::bad_header, "tensor name " + quote_name(ti.name) + " is longer than 63 bytes");
            if (ti.name.find('\0') != std::string::npos) return err(ErrorCode::bad_header, "tensor name contains a NUL byte");
            const std::string where = "tensor " + quote_name(ti.name);
            uint32_t n_dims = 0;
            FS_RETURN_IF_ERROR(c.read(&n_dims, "a tensor's rank"));
            if (n_dims == 0 || n_dims > GgufLimits::kMaxDims)
                return err(ErrorCode::bad_shape, where + ": rank " + std::to_string(n_dims) + " is not in 1..4");
            int64_t ne[GgufLimits::kMaxDims];
            uint64_t numel = 1;
            for (uint32_t d = 0; d < n_dims; ++d) {
                uint64_t v = 0;
                FS_RETURN_IF_ERROR(c.read(&v, "a tensor's shape"));
                if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                    return err(ErrorCode::size_overflow, where + ": dimension " + std::to_string(v) + " overflows int64");
                if (v == 0) return err(ErrorCode::bad_shape, where + ": shape has no elements");
                if (numel > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / v)
                    return err(ErrorCode::size_overflow, where + ": shape product overflows");
                numel *= v;
                ne[d] = static_cast<int64_t>(v);
            }
            for (uint32_t d = n_dims; d-- > 0;) ti.shape.push_back(ne[d]);
            FS_RETURN_IF_ERROR(c.read(&ti.ggml_type, "a tensor's type"));
            Result<DType> dt = dtype_from_ggml(ti.ggml_type);
            if (!dt.ok()) return dt.status().with_context(where);
            ti.dtype = dt.value();
            const DTypeInfo& info = dtype_info(ti.dtype);
            if (ne[0] % info.block_elems != 0)
                return err(ErrorCode::bad_shape, where + ": row length " + std::to_string(ne[0]) + " is not a multiple of the " +
                                                     std::string(info.name) + " block (" + std::to_string(info.block_elems) + ")");
            if (!dtype_bytes(ti.dtype, numel, &ti.n_bytes)) return err(ErrorCode::size_overflow, where + ": byte size overflows");
            FS_RETURN_IF_ERROR(c.read(&ti.offset, "a tensor's offset"));
        }
    } catch (const std::bad_alloc&) {
        return err(ErrorCode::out_of_memory, "out of memory while reading the GGUF header");
    }

    // Duplicate names before anything else about the table is trusted.
    std::vector<uint32_t> order(h.tensors.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return h.tensors[a].name < h.tensors[b].name; });
    for (size_t i = 1; i < order.size(); ++i)
        if (h.tensors[order[i]].name == h.tensors[order[i - 1]].name)
            return err(ErrorCode::duplicate, "tensor " + quote_name(h.tensors[order[i]].name) + " appears twice");

    const uint64_t size = file.size(), a = h.alignment;
    if (c.pos() > kU64Max - a) return err(ErrorCode::size_overflow, "data offset overflows");
    h.data_offset = align_up(c.pos(), a);
    if (h.tensors.empty()) {
        if (size > h.data_offset) return err(ErrorCode::overlap, "hole: " + std::to_string(size - h.data_offset) + " trailing bytes belong to no tensor");
        return h;
    }
    if (h.data_offset > size) return err(ErrorCode::out_of_bounds, "the data section starts past the end of the file");
    const uint64_t data_len = size - h.data_offset;
    uint64_t expected = 0;  // ggml's layout: each tensor at the running size, padded to the alignment
    for (GgufTensorInfo& ti : h.tensors) {
        const std::string where = "tensor " + quote_name(ti.name);
        if (ti.offset % a != 0)
            return err(ErrorCode::bad_header, where + ": offset " + std::to_string(ti.offset) + " is not a multiple of the alignment " + std::to_string(a));
        if (ti.offset > data_len || ti.n_bytes > data_len - ti.offset)
            return err(ErrorCode::out_of_bounds, where + ": data [" + std::to_string(ti.offset) + ", +" + std::to_string(ti.n_bytes) +
                                                     ") runs past the end of the data section (" + std::to_string(data_len) + " bytes)");
        if (ti.offset < expected) return err(ErrorCode::overlap, where + " overlaps the bytes of the tensor before it");
        if (ti.offset > expected)
            return err(ErrorCode::overlap, "hole of " + std::to_string(ti.offset - expected) + " bytes before " + where);
        expected = ti.offset + align_up(ti.n_bytes, a);  // cannot overflow: n_bytes ≤ data_len
        ti.offset += h.data_offset;
    }
    if (size > h.data_offset + expected)
        return err(ErrorCode::overlap, "hole: " + std::to_string(size - h.data_offset - expected) + " trailing bytes belong to no tensor");
    return h;
}

Result<GgufFile> GgufFile::open(const std::filesystem::path& path) {
    FS_ASSIGN_OR_RETURN(MappedFile map, MappedFile::open(path));
    GgufFile f;
    f.m_file = std::move(map);
    auto r = from_bytes(f.m_file.bytes());
    if (!r.ok()) return r.status().with_context(path.filename().string());
    f.m_bytes = f.m_file.bytes();
    f.m_header = std::move(r.value().m_header);
    f.m_by_name = std::move(r.value().m_by_name);
    return f;
}

Result<GgufFile> GgufFile::from_bytes(std::span<const uint8_t> bytes) {
    FS_ASSIGN_OR_RETURN(GgufHeader header, parse_gguf(bytes));
    GgufFile f;
    f.m_bytes = bytes;
    f.m_header = std::move(header);
    const auto& ts = f.m_header.tensors;
    f.m_by_name.resize(ts.size());
    for (uint32_t i = 0; i < ts.size(); ++i) f.m_by_name[i] = i;
    std::sort(f.m_by_name.begin(), f.m_by_name.end(), [&](uint32_t a, uint32_t b) { return ts[a].name < ts[b].name; });
    return f;
}

const GgufTensorInfo* GgufFile::find(std::string_view name) const noexcept {
    const auto& ts = m_header.tensors;
    auto it = std::lower_bound(m_by_name.begin(), m_by_name.end(), name,
                               [&](uint32_t i, std::string_view n) { return std::string_view(ts[i].name) < n; });
    if (it == m_by_name.end() || ts[*it].name != name) return nullptr;
    return &ts[*it];
}

TensorView GgufFile::view(const GgufTensorInfo& info) const noexcept {
    TensorView v;
    v.data = const_cast<uint8_t*>(data(info));  // read-only map: callers never write through weights
    v.dtype = info.dtype;
    v.rank = static_cast<int>(info.shape.size());
    for (int i = 0; i < v.rank; ++i) v.shape[static_cast<size_t>(i)] = info.shape[static_cast<size_t>(i)];
    return v;
}

const GgufValue* GgufFile::find_key(std::string_view key) const noexcept {
    auto it = m_header.metadata.find(key);
    return it == m_header.metadata.end() ? nullptr : &it->second;
}

namespace {
Status missing(std::string_view key) { return err(ErrorCode::not_found, "GGUF metadata has no " + quote_name(key)); }
Status wrong(std::string_view key, const GgufValue& v, const char* want) {
    return err(ErrorCode::bad_config, "GGUF metadata " + quote_name(key) + " is a " + std::string(gguf_type_name(v.type)) + ", expected " + want);
}
}  // namespace

Result<std::string> GgufFile::get_string(std::string_view key) const {
    const GgufValue* v = find_key(key);
    if (!v) return missing(key);
    if (v->type != GgufType::string) return wrong(key, *v, "a string");
    return v->str;
}

Result<int64_t> GgufFile::get_int(std::string_view key) const {
    const GgufValue* v = find_key(key);
    if (!v) return missing(key);
    if (!v->is_integer()) return wrong(key, *v, "an integer");
    if (v->type == GgufType::u64 && v->u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return err(ErrorCode::bad_config, "GGUF metadata " + quote_name(key) + " is out of range");
    return v->i;
}

Result<double> GgufFile::get_float(std::string_view key) const {
    const GgufValue* v = find_key(key);
    if (!v) return missing(key);
    if (!v->is_float() && !v->is_integer()) return wrong(key, *v, "a number");
    return v->f;
}

Result<bool> GgufFile::get_bool(std::string_view key) const {
    const GgufValue* v = find_key(key);
    if (!v) return missing(key);
    if (v->type != GgufType::boolean) return wrong(key, *v, "a bool");
    return v->i != 0;
}

Result<int64_t> GgufFile::get_int_or(std::string_view key, int64_t fallback) const {
    return find_key(key) ? get_int(key) : Result<int64_t>(fallback);
}
Result<double> GgufFile::get_float_or(std::string_view key, double fallback) const {
    return find_key(key) ? get_float(key) : Result<double>(fallback);
}
Result<bool> GgufFile::get_bool_or(std::string_view key, bool fallback) const {
    return find_key(key) ? get_bool(key) : Result<bool>(fallback);
}

uint64_t GgufFile::tensor_bytes() const noexcept {
    uint64_t n = 0;
    for (const GgufTensorInfo& t : m_header.tensors) n += t.n_bytes;
    return n;
}

std::string GgufFile::fingerprint() const {
    constexpr uint64_t kSample = 4096;
    Fnv1a64 h;
    const std::string name = m_file.path().filename().string();
    h.add(name.data(), name.size());
    const uint64_t size = m_bytes.size();
    h.add(&size, sizeof size);
    const uint64_t n = std::min(kSample, size);
    h.add(m_bytes.data(), static_cast<size_t>(n));
    h.add(m_bytes.data() + size - n, static_cast<size_t>(n));
    char buf[32];
    std::snprintf(buf, sizeof buf, "gguf-%016llx", static_cast<unsigned long long>(h.h));
    return buf;
}

}  // namespace farsight
