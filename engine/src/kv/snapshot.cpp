// Snapshot writer/reader. Everything the header claims is checked against the file size and the
// live state's layout before any buffer is sized from it.
#include "kv/snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <algorithm>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

namespace farsight {
namespace {

constexpr char kMagic[8] = {'F', 'S', 'N', 'A', 'P', 'S', 'H', 'T'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxHeader = 1u << 20;

// 64-bit checksum over 8-byte words (multiply-xorshift); fast enough for GB-sized states.
class Checksum {
public:
    void update(const void* data, size_t n) {
        const auto* p = static_cast<const uint8_t*>(data);
        size_t i = 0;
        for (; i < n && m_fill != 0; ++i) {
            m_word |= static_cast<uint64_t>(p[i]) << (8 * m_fill);
            if (++m_fill == 8) mix();
        }
        for (; i + 8 <= n; i += 8) {  // whole words: the fast path
            std::memcpy(&m_word, p + i, 8);
            mix();
        }
        for (; i < n; ++i) {
            m_word |= static_cast<uint64_t>(p[i]) << (8 * m_fill);
            if (++m_fill == 8) mix();
        }
    }
    uint64_t digest() {
        if (m_fill) mix();
        uint64_t h = m_h ^ (m_len * 0x9E3779B97F4A7C15ull);
        h ^= h >> 31;
        h *= 0xBF58476D1CE4E5B9ull;
        return h ^ (h >> 29);
    }

private:
    void mix() {
        m_h = (m_h ^ (m_word * 0x9E3779B97F4A7C15ull)) * 0xD6E8FEB86659FD93ull;
        m_h ^= m_h >> 32;
        m_word = 0;
        m_fill = 0;
        ++m_len;
    }
    uint64_t m_h = 0x243F6A8885A308D3ull, m_word = 0, m_len = 0;
    int m_fill = 0;
};

struct FileCloser { void operator()(FILE* f) const { if (f) std::fclose(f); } };
using File = std::unique_ptr<FILE, FileCloser>;

nlohmann::json layout_json(const StateLayout& layout, DType kv_dtype) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : layout.layers) layers.push_back({l.recurrent_floats, l.kv_heads, l.head_dim});
    return {{"layers", layers}, {"kv_dtype", std::string(dtype_name(kv_dtype))}};
}

// Streams device or host memory to a sink in host-sized pieces.
constexpr uint64_t kStage = uint64_t{64} << 20;

}  // namespace

Status save_snapshot(const std::filesystem::path& path, const SequenceState& state, const std::string& identity,
                     std::span<const float> last_logits) {
    const int64_t n = state.n_past();
    nlohmann::json header = {{"identity", identity}, {"n_past", n}, {"layout", layout_json(state.layout(), state.kv_dtype())},
                             {"n_logits", last_logits.size()}};
    const std::string hs = header.dump();
    const std::filesystem::path tmp = path.string() + ".tmp";
    File f(std::fopen(tmp.c_str(), "wb"));
    if (!f) return Status(ErrorCode::io_error, "cannot write " + tmp.string() + ": " + std::strerror(errno));
    Checksum sum;
    bool ok = true;
    auto put_host = [&](const void* p, size_t bytes) {
        if (!ok || bytes == 0) return;
        sum.update(p, bytes);
        ok = std::fwrite(p, 1, bytes, f.get()) == bytes;
    };
    std::vector<uint8_t> stage;
    auto put_state = [&](const void* p, uint64_t bytes) {  // memory of the state's device
        if (state.device() == Device::cpu) return put_host(p, static_cast<size_t>(bytes));
        for (uint64_t off = 0; ok && off < bytes; off += kStage) {
            const uint64_t n = std::min(kStage, bytes - off);
            stage.resize(static_cast<size_t>(n));
            ok = copy_bytes(stage.data(), Device::cpu, static_cast<const uint8_t*>(p) + off, state.device(), n).ok();
            put_host(stage.data(), static_cast<size_t>(n));
        }
    };
    auto put = put_host;
    const uint32_t version = kVersion, hlen = static_cast<uint32_t>(hs.size());
    put(kMagic, 8);
    put(&version, 4);
    put(&hlen, 4);
    put(hs.data(), hs.size());
    put(state.tokens().data(), static_cast<size_t>(n) * 4);
    for (size_t i = 0; i < state.layout().layers.size(); ++i) {
        const auto& spec = state.layout().layers[i];
        const LayerState& ls = state.layer(i);
        put_state(ls.recurrent.data(), static_cast<uint64_t>(spec.recurrent_floats) * 4);
        const uint64_t kv = state.kv_row_bytes(i) * static_cast<uint64_t>(n);
        put_state(ls.k.data(), kv);
        put_state(ls.v.data(), kv);
    }
    put(last_logits.data(), last_logits.size() * 4);
    const uint64_t digest = sum.digest();
    if (ok) ok = std::fwrite(&digest, 1, 8, f.get()) == 8;
    if (ok) ok = std::fflush(f.get()) == 0 && ::fsync(fileno(f.get())) == 0;
    f.reset();
    if (!ok) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        return Status(ErrorCode::io_error, "writing the snapshot " + path.string() + " failed (disk full?)");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return Status(ErrorCode::io_error, "cannot rename the snapshot into place: " + ec.message());
    return {};
}

Status load_snapshot(const std::filesystem::path& path, SequenceState& state, const std::string& identity,
                     std::vector<float>* last_logits) {
    const std::string where = "snapshot " + path.string();
    std::error_code ec;
    const uint64_t file_size = std::filesystem::file_size(path, ec);
    if (ec) return Status(ErrorCode::not_found, where + ": " + ec.message());
    File f(std::fopen(path.c_str(), "rb"));
    if (!f) return Status(ErrorCode::io_error, where + ": cannot open");
    Checksum sum;
    auto get = [&](void* p, size_t bytes) {
        if (bytes == 0) return true;
        if (std::fread(p, 1, bytes, f.get()) != bytes) return false;
        sum.update(p, bytes);
        return true;
    };
    char magic[8];
    uint32_t version = 0, hlen = 0;
    if (!get(magic, 8) || std::memcmp(magic, kMagic, 8) != 0) return Status(ErrorCode::bad_header, where + " is not a Farsight snapshot");
    if (!get(&version, 4) || version != kVersion)
        return Status(ErrorCode::unsupported, where + " has format version " + std::to_string(version));
    if (!get(&hlen, 4) || hlen > kMaxHeader || hlen > file_size) return Status(ErrorCode::bad_header, where + ": bad header length");
    std::string hs(hlen, '\0');
    if (!get(hs.data(), hlen)) return Status(ErrorCode::bad_header, where + " is truncated");
    nlohmann::json header = nlohmann::json::parse(hs, nullptr, false);
    if (header.is_discarded() || !header.is_object() || !header.contains("identity") || !header["identity"].is_string() ||
        !header.contains("n_past") || !header["n_past"].is_number_integer() || !header.contains("layout"))
        return Status(ErrorCode::bad_header, where + ": malformed header");
    if (header["identity"].get<std::string>() != identity)
        return Status(ErrorCode::mismatch, where + " was made with another model (" + header["identity"].get<std::string>() +
                                               "); this model is " + identity);
    if (header["layout"] != layout_json(state.layout(), state.kv_dtype()))
        return Status(ErrorCode::mismatch, where + ": the state layout differs from this model's");
    const int64_t n = header["n_past"].get<int64_t>();
    const auto nl_it = header.find("n_logits");
    if (nl_it == header.end() || !nl_it->is_number_unsigned() || nl_it->get<uint64_t>() > (uint64_t{1} << 26))
        return Status(ErrorCode::bad_header, where + ": malformed header");
    const uint64_t n_logits = nl_it->get<uint64_t>();
    if (n < 0) return Status(ErrorCode::bad_header, where + ": negative token count");
    if (n > state.n_ctx())
        return Status(ErrorCode::limit_exceeded, where + " holds " + std::to_string(n) + " tokens; the context holds " +
                                                     std::to_string(state.n_ctx()));
    // Exact size check before allocating anything sized by n.
    uint64_t expect = 16 + hlen + static_cast<uint64_t>(n) * 4 + state.layout().recurrent_bytes() +
                      static_cast<uint64_t>(n) * state.layout().kv_bytes_per_token(state.kv_dtype()) + n_logits * 4 + 8;
    if (expect != file_size)
        return Status(ErrorCode::out_of_bounds, where + " has " + std::to_string(file_size) + " bytes, expected " +
                                                    std::to_string(expect) + " (truncated or corrupt)");
    // Read into a fresh state so a failure leaves `state` untouched.
    FS_ASSIGN_OR_RETURN(SequenceState fresh, SequenceState::create(state.layout(), state.n_ctx(), state.device(), state.kv_dtype()));
    FS_RETURN_IF_ERROR(fresh.reserve(n));
    std::vector<int32_t>& tokens = fresh.mutable_tokens();
    tokens.resize(static_cast<size_t>(n));
    bool ok = get(tokens.data(), static_cast<size_t>(n) * 4);
    std::vector<uint8_t> stage;
    auto get_state = [&](void* p, uint64_t bytes) {  // into memory of the state's device
        if (fresh.device() == Device::cpu) return get(p, static_cast<size_t>(bytes));
        for (uint64_t off = 0; off < bytes; off += kStage) {
            const uint64_t m = std::min(kStage, bytes - off);
            stage.resize(static_cast<size_t>(m));
            if (!get(stage.data(), static_cast<size_t>(m))) return false;
            if (!copy_bytes(static_cast<uint8_t*>(p) + off, fresh.device(), stage.data(), Device::cpu, m).ok()) return false;
        }
        return true;
    };
    for (size_t i = 0; ok && i < state.layout().layers.size(); ++i) {
        const auto& spec = state.layout().layers[i];
        LayerState& ls = fresh.layer(i);
        ok = get_state(ls.recurrent.data(), static_cast<uint64_t>(spec.recurrent_floats) * 4);
        const uint64_t kv = fresh.kv_row_bytes(i) * static_cast<uint64_t>(n);
        ok = ok && get_state(ls.k.data(), kv) && get_state(ls.v.data(), kv);
    }
    std::vector<float> logits(n_logits);
    ok = ok && get(logits.data(), n_logits * 4);
    uint64_t stored = 0;
    const uint64_t digest = sum.digest();
    if (!ok || std::fread(&stored, 1, 8, f.get()) != 8) return Status(ErrorCode::out_of_bounds, where + " is truncated");
    if (stored != digest) return Status(ErrorCode::bad_header, where + " is corrupt (checksum mismatch)");
    state = std::move(fresh);
    if (last_logits) *last_logits = std::move(logits);
    return {};
}

}  // namespace farsight
