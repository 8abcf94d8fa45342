// Safetensors writer. Layout and ordering follow the reference's `prepare`/`serialize`
// (huggingface/safetensors, tensor.rs); tests compare our bytes with files the reference wrote.
#include "io/safetensors_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "io/json_util.h"
#include "io/safetensors.h"

namespace farsight {
namespace fs = std::filesystem;
namespace {

// Position in the reference's Dtype enum (BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, F8_E4M3,
// F8_E8M0, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64); it sorts by it, descending.
int reference_order(DType t) {
    switch (t) {
        case DType::boolean: return 0;
        case DType::u8: return 4;
        case DType::i8: return 5;
        case DType::i16: return 9;
        case DType::f16: return 11;
        case DType::bf16: return 12;
        case DType::i32: return 13;
        case DType::f32: return 15;
        case DType::f64: return 17;
        case DType::i64: return 18;
        default: return -1;
    }
}

struct Plan {
    std::string header;  // 8-byte length + JSON + space padding
    std::vector<const TensorToWrite*> order;
};

Status check_tensor(const TensorToWrite& t) {
    if (t.name.empty() || t.name == "__metadata__") {
        return make_error(ErrorCode::invalid_argument, "tensor name " + quote_name(t.name) + " is reserved or empty");
    }
    if (dtype_to_safetensors(t.dtype).empty()) {
        return make_error(ErrorCode::unsupported, "safetensors has no dtype for " + std::string(dtype_name(t.dtype)));
    }
    if (t.shape.size() > SafetensorsLimits::kMaxRank) return make_error(ErrorCode::bad_shape, "rank too large");
    uint64_t numel = 1;
    for (int64_t d : t.shape) {
        if (d < 0) return make_error(ErrorCode::bad_shape, "negative dimension");
        uint64_t u = static_cast<uint64_t>(d);
        if (u != 0 && numel > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / u) {
            return make_error(ErrorCode::size_overflow, "shape product overflows");
        }
        numel *= u;
    }
    uint64_t n_bytes = 0;
    if (!dtype_bytes(t.dtype, numel, &n_bytes)) return make_error(ErrorCode::size_overflow, "byte size overflows");
    if (n_bytes != t.bytes.size()) {
        return make_error(ErrorCode::invalid_argument, "shape and dtype need " + std::to_string(n_bytes) +
                                                           " bytes, got " + std::to_string(t.bytes.size()));
    }
    return {};
}

Result<Plan> plan(std::span<const TensorToWrite> tensors, const SafetensorsMetadata& metadata) {
    Plan p;
    for (const TensorToWrite& t : tensors) {
        Status s = check_tensor(t);
        if (!s.ok()) return s.with_context("tensor " + quote_name(t.name));
        p.order.push_back(&t);
    }
    std::sort(p.order.begin(), p.order.end(), [](const TensorToWrite* a, const TensorToWrite* b) {
        int oa = reference_order(a->dtype), ob = reference_order(b->dtype);
        return oa != ob ? oa > ob : a->name < b->name;
    });
    for (size_t i = 1; i < p.order.size(); ++i) {
        if (p.order[i]->name == p.order[i - 1]->name) {
            return make_error(ErrorCode::duplicate, "tensor " + quote_name(p.order[i]->name) + " given twice");
        }
    }
    using ojson = nlohmann::ordered_json;
    try {
        ojson h = ojson::object();
        if (!metadata.empty()) {
            ojson m = ojson::object();
            for (const auto& [k, v] : metadata) m[k] = v;
            h["__metadata__"] = std::move(m);
        }
        uint64_t offset = 0;
        for (const TensorToWrite* t : p.order) {
            ojson entry = ojson::object();
            entry["dtype"] = dtype_to_safetensors(t->dtype);
            entry["shape"] = t->shape;
            entry["data_offsets"] = {offset, offset + t->bytes.size()};
            h[t->name] = std::move(entry);
            offset += t->bytes.size();
        }
        std::string json = h.dump(-1, ' ', /*ensure_ascii=*/false, ojson::error_handler_t::strict);
        json.append((8 - json.size() % 8) % 8, ' ');
        p.header.resize(8);
        uint64_t n = json.size();
        for (int i = 0; i < 8; ++i) p.header[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
        p.header += json;
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorCode::invalid_argument, std::string("tensor names and metadata must be UTF-8: ") + e.what());
    }
    return p;
}

Status write_all(int fd, const void* data, size_t n, const fs::path& path) {
    const auto* p = static_cast<const uint8_t*>(data);
    while (n > 0) {
        ssize_t w = ::write(fd, p, std::min<size_t>(n, 1u << 30));
        if (w < 0) {
            if (errno == EINTR) continue;
            return make_error(ErrorCode::io_error, "write to " + path.string() + " failed: " + std::strerror(errno));
        }
        p += w;
        n -= static_cast<size_t>(w);
    }
    return {};
}

// Owns the temporary file until it is renamed into place.
struct TempFile {
    std::string path;
    int fd = -1;
    bool committed = false;
    ~TempFile() {
        if (fd >= 0) ::close(fd);
        if (!committed && !path.empty()) ::unlink(path.c_str());
    }
};

}  // namespace

TensorToWrite tensor_to_write(std::string name, const TensorView& view) {
    TensorToWrite t;
    t.name = std::move(name);
    t.dtype = view.dtype;
    t.shape.assign(view.shape.begin(), view.shape.begin() + view.rank);
    t.bytes = {static_cast<const uint8_t*>(view.data), static_cast<size_t>(view.nbytes())};
    return t;
}

Result<std::vector<uint8_t>> serialize_safetensors(std::span<const TensorToWrite> tensors,
                                                   const SafetensorsMetadata& metadata) {
    FS_ASSIGN_OR_RETURN(Plan p, plan(tensors, metadata));
    std::vector<uint8_t> out(p.header.begin(), p.header.end());
    for (const TensorToWrite* t : p.order) out.insert(out.end(), t->bytes.begin(), t->bytes.end());
    return out;
}

Status write_safetensors(const fs::path& path, std::span<const TensorToWrite> tensors,
                         const SafetensorsMetadata& metadata) {
    FS_ASSIGN_OR_RETURN(Plan p, plan(tensors, metadata));
    const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    TempFile tmp;
    std::string tmp_name = path.filename().string();
    tmp_name.insert(0, 1, '.');
    tmp_name += ".tmp-XXXXXX";
    tmp.path = (dir / tmp_name).string();
    tmp.fd = ::mkostemp(tmp.path.data(), O_CLOEXEC);
    if (tmp.fd < 0) {
        int err = errno;
        tmp.path.clear();
        return make_error(ErrorCode::io_error, "cannot create a file in " + dir.string() + ": " + std::strerror(err));
    }
    (void)::fchmod(tmp.fd, 0644);  // mkstemp creates 0600; outputs are ordinary files
    FS_RETURN_IF_ERROR(write_all(tmp.fd, p.header.data(), p.header.size(), path));
    for (const TensorToWrite* t : p.order) FS_RETURN_IF_ERROR(write_all(tmp.fd, t->bytes.data(), t->bytes.size(), path));
    if (::fsync(tmp.fd) != 0 || ::close(std::exchange(tmp.fd, -1)) != 0) {
        return make_error(ErrorCode::io_error, "cannot flush " + path.string() + ": " + std::strerror(errno));
    }
    if (::rename(tmp.path.c_str(), path.c_str()) != 0) {
        return make_error(ErrorCode::io_error, "cannot rename onto " + path.string() + ": " + std::strerror(errno));
    }
    tmp.committed = true;
    // Make the rename itself durable.
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

}  // namespace farsight
