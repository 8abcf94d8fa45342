// WeightStore: finds the weights of a model folder, validates every file and the index against
// each other, and serves tensors as views into the maps. Index format: transformers'
// `model.safetensors.index.json` ({"metadata": {"total_size": N}, "weight_map": {name: file}}).
#include "io/weight_store.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <system_error>

#include "io/json_util.h"
#include "io/path_guard.h"

namespace farsight {
namespace fs = std::filesystem;
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Formats we refuse to load: pickle-based (they execute code when loaded) or foreign graphs.
bool is_refused_format(const std::string& name) {
    static constexpr std::array<std::string_view, 9> kRefused = {".bin", ".pt",      ".pth", ".ckpt", ".pkl",
                                                                 ".pickle", ".onnx", ".h5", ".msgpack"};
    for (std::string_view ext : kRefused) {
        if (ends_with(name, ext)) return true;
    }
    return false;
}

Status refused_format_error(const std::string& what) {
    return make_error(ErrorCode::unsupported,
                      what + ": Farsight loads only safetensors weights (pickle-based checkpoints can run code "
                             "when loaded; ONNX/TF/Flax are other formats). Convert the model to safetensors with a "
                             "trusted tool, e.g. transformers' save_pretrained(..., safe_serialization=True)");
}

struct Fnv1a64 {
    uint64_t h = 0xcbf29ce484222325ull;
    void add(const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
    }
    void add_u64(uint64_t v) { add(&v, sizeof v); }
};

}  // namespace

Result<WeightStore> WeightStore::open(const fs::path& dir_or_file) {
    std::error_code ec;
    fs::file_status st = fs::status(dir_or_file, ec);
    if (ec || !fs::exists(st)) return make_error(ErrorCode::not_found, "model path " + dir_or_file.string() + " does not exist");

    if (fs::is_regular_file(st)) {
        const std::string name = dir_or_file.filename().string();
        const fs::path dir = dir_or_file.parent_path().empty() ? fs::path(".") : dir_or_file.parent_path();
        if (ends_with(name, ".safetensors.index.json")) return open_index(dir, dir_or_file);
        if (ends_with(name, ".safetensors")) return open_single(dir, dir_or_file);
        if (is_refused_format(name)) return refused_format_error(name);
        return make_error(ErrorCode::unsupported, name + " is not a .safetensors file or a .safetensors.index.json");
    }
    if (!fs::is_directory(st)) {
        return make_error(ErrorCode::invalid_argument, dir_or_file.string() + " is neither a file nor a folder");
    }

    const fs::path& dir = dir_or_file;
    // transformers' order: the single file first, then the index.
    for (std::string_view candidate : {std::string_view(kSingleFile), std::string_view(kIndexFile)}) {
        if (!fs::exists(fs::symlink_status(dir / candidate, ec))) continue;
        FS_ASSIGN_OR_RETURN(fs::path path, resolve_inside(dir, candidate));
        return candidate == kSingleFile ? open_single(dir, path) : open_index(dir, path);
    }

    // No weights in our format: say what is there instead.
    std::vector<std::string> refused, other_safetensors;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (is_refused_format(name) && refused.size() < 4) refused.push_back(name);
        if (ends_with(name, ".safetensors") && other_safetensors.size() < 4) other_safetensors.push_back(name);
    }
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
        return s;
    };
    if (!other_safetensors.empty()) {
        return make_error(ErrorCode::not_found, dir.string() + " has no " + kSingleFile + " or " + kIndexFile +
                                                    " (found " + join(other_safetensors) + ": pass the file itself)");
    }
    if (!refused.empty()) return refused_format_error(dir.string() + " holds " + join(refused) + " and no safetensors");
    return make_error(ErrorCode::not_found, dir.string() + " holds no model weights (" + kSingleFile + ")");
}

Result<WeightStore> WeightStore::open_single(const fs::path& dir, const fs::path& file) {
    FS_ASSIGN_OR_RETURN(SafetensorsFile st, SafetensorsFile::open(file));
    WeightStore store;
    store.m_dir = dir;
    store.m_file_names.push_back(file.filename().string());
    store.m_files.push_back(std::move(st));
    for (const TensorInfo& t : store.m_files[0].tensors()) store.add_tensor(t);
    return store;
}

Result<WeightStore> WeightStore::open_index(const fs::path& dir, const fs::path& index) {
    const std::string index_name = index.filename().string();
    Result<std::string> text = read_text_file(index, kMaxIndexBytes);
    if (!text.ok()) return text.status().with_context(index_name);
    Result<nlohmann::json> parsed = parse_json_strict(*text, ErrorCode::bad_header);
    if (!parsed.ok()) return parsed.status().with_context(index_name);
    const nlohmann::json& doc = *parsed;
    auto wm = doc.is_object() ? doc.find("weight_map") : doc.end();
    if (!doc.is_object() || wm == doc.end() || !wm->is_object()) {
        return make_error(ErrorCode::bad_header, index_name + ": no \"weight_map\" object");
    }
    if (wm->empty()) return make_error(ErrorCode::bad_header, index_name + ": \"weight_map\" is empty");

    // Each distinct shard (by resolved path, so "a" and "./a" are one file) is opened once.
    std::map<std::string, int> shard_of_name;  // shard name as written -> index into m_files
    std::map<fs::path, int> shard_of_path;
    WeightStore store;
    store.m_dir = dir;
    for (auto it = wm->begin(); it != wm->end(); ++it) {
        if (!it->is_string()) {
            return make_error(ErrorCode::bad_header, index_name + ": shard of tensor " + quote_name(it.key()) + " is not a string");
        }
        const std::string& shard = it->get_ref<const std::string&>();
        if (shard_of_name.count(shard) != 0) continue;
        Result<fs::path> path = resolve_inside(dir, shard);
        if (!path.ok()) return path.status().with_context(index_name + ": shard " + quote_name(shard));
        auto [pos, fresh] = shard_of_path.emplace(*path, static_cast<int>(store.m_files.size()));
        shard_of_name.emplace(shard, pos->second);
        if (!fresh) continue;
        Result<SafetensorsFile> file = SafetensorsFile::open(*path);
        if (!file.ok()) {
            std::string what = file.status().code() == ErrorCode::not_found ? " listed in the index does not exist" : "";
            return file.status().with_context(index_name + ": shard " + quote_name(shard) + what);
        }
        file->set_shard(pos->second);
        store.m_file_names.push_back(shard);
        store.m_files.push_back(std::move(file).value());
    }

    // A name in two shards makes the checkpoint ambiguous, whatever the index says.
    std::unordered_map<std::string_view, int> seen;
    for (const SafetensorsFile& f : store.m_files) {
        for (const TensorInfo& t : f.tensors()) {
            auto [pos, fresh] = seen.emplace(t.name, t.shard);
            if (!fresh) {
                return make_error(ErrorCode::duplicate, "tensor " + quote_name(t.name) + " is in both " +
                                                            store.m_file_names[pos->second] + " and " +
                                                            store.m_file_names[t.shard]);
            }
        }
    }
    for (auto it = wm->begin(); it != wm->end(); ++it) {
        int shard = shard_of_name.at(it->get_ref<const std::string&>());
        const TensorInfo* info = store.m_files[shard].find(it.key());
        if (info == nullptr) {
            return make_error(ErrorCode::not_found, index_name + ": tensor " + quote_name(it.key()) + " is missing from shard " +
                                                        quote_name(store.m_file_names[shard]));
        }
        store.add_tensor(*info);
    }
    for (const SafetensorsFile& f : store.m_files) {
        for (const TensorInfo& t : f.tensors()) {
            if (store.m_by_name.count(t.name) == 0) store.m_unlisted.push_back(t.name);
        }
    }
    if (!store.m_unlisted.empty()) {
        store.m_warnings.push_back(std::to_string(store.m_unlisted.size()) + " tensor(s) in the shards are not listed by " +
                                   index_name + " and are ignored, e.g. " + quote_name(store.m_unlisted.front()));
    }
    auto meta = doc.find("metadata");
    if (meta != doc.end() && meta->is_object() && meta->contains("total_size")) {
        const nlohmann::json& ts = (*meta)["total_size"];
        if (!ts.is_number_unsigned() || ts.get<uint64_t>() != store.m_total_bytes) {
            store.m_warnings.push_back(index_name + ": metadata.total_size " + ts.dump() + " != " +
                                       std::to_string(store.m_total_bytes) + " bytes of listed tensors");
        }
    }
    return store;
}

void WeightStore::add_tensor(const TensorInfo& info) {
    m_by_name.emplace(info.name, &info);
    m_total_bytes += info.n_bytes;
}

const TensorInfo* WeightStore::find(std::string_view name) const noexcept {
    auto it = m_by_name.find(name);
    return it == m_by_name.end() ? nullptr : it->second;
}

const uint8_t* WeightStore::data(const TensorInfo& info) const noexcept {
    return m_files[static_cast<size_t>(info.shard)].data(info);
}

TensorView WeightStore::view(const TensorInfo& info) const noexcept {
    TensorView v;
    if (info.shape.size() > static_cast<size_t>(TensorView::kMaxRank)) return v;
    v.data = const_cast<uint8_t*>(data(info));  // TensorView is untyped on constness; the map is PROT_READ
    v.dtype = info.dtype;
    v.rank = static_cast<int>(info.shape.size());
    std::copy(info.shape.begin(), info.shape.end(), v.shape.begin());
    return v;
}

std::vector<const TensorInfo*> WeightStore::tensors() const {
    std::vector<const TensorInfo*> out;
    out.reserve(m_by_name.size());
    for (const auto& [name, info] : m_by_name) out.push_back(info);
    std::sort(out.begin(), out.end(), [](const TensorInfo* a, const TensorInfo* b) { return a->name < b->name; });
    return out;
}

std::string WeightStore::fingerprint() const {
    constexpr uint64_t kSample = 4096;
    Fnv1a64 h;
    for (size_t i = 0; i < m_files.size(); ++i) {
        const SafetensorsFile& f = m_files[i];
        h.add(m_file_names[i].data(), m_file_names[i].size());
        h.add_u64(f.file_size());
        const uint8_t* base = f.mapped().data();
        const uint64_t data_start = 8 + f.header_bytes(), data_len = f.file_size() - data_start;
        const uint64_t n = std::min(kSample, data_len);
        h.add(base, static_cast<size_t>(data_start));
        h.add(base + data_start, static_cast<size_t>(n));
        h.add(base + f.file_size() - n, static_cast<size_t>(n));
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "st-%016llx", static_cast<unsigned long long>(h.h));
    return buf;
}

}  // namespace farsight
