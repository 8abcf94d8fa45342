// inspect_model / plan_memory: describe a model folder from its config and tensor headers only.
#include <filesystem>

#include "api/factory_loader.h"
#include "api/model_impl.h"
#include "models/minimax_text.h"

namespace farsight {

namespace fs = std::filesystem;

Status read_model_folder(const std::string& path, ModelInfo& info, ModelConfig& config) {
    std::error_code ec;
    fs::path dir = path;
    if (!fs::exists(dir, ec)) return Status(ErrorCode::not_found, "no such model folder: " + path);
    if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
    FS_ASSIGN_OR_RETURN(config, load_model_config(dir / "config.json"));
    info.path = path;
    info.has_chat_template = false;
    return {};
}

Result<ModelInfo> inspect_model(const std::string& path) {
    if (loads_through_factory(path)) return inspect_through_factory(path);
    ModelInfo info;
    ModelConfig config;
    FS_RETURN_IF_ERROR(read_model_folder(path, info, config));
    FS_ASSIGN_OR_RETURN(WeightStore store, WeightStore::open(path));
    auto shared = std::make_shared<WeightStore>(std::move(store));
    FS_ASSIGN_OR_RETURN(auto lm, MiniMaxText::create(config, shared));
    lm->describe(info);
    info.weight_bytes = shared->total_bytes();
    std::map<DType, uint64_t> by_dtype;
    for (const TensorInfo* t : shared->tensors()) by_dtype[t->dtype] += t->n_bytes;
    uint64_t best = 0;
    for (auto [dt, bytes] : by_dtype)
        if (bytes > best) {
            best = bytes;
            info.weight_dtype = std::string(dtype_name(dt));
        }
    std::error_code ec;
    const fs::path dir = fs::is_directory(path, ec) ? fs::path(path) : fs::path(path).parent_path();
    auto codec = TextCodec::load(dir.string(), info.n_vocab, config.eos_token_id);
    info.has_chat_template = codec.ok() && codec.value() && codec.value()->has_chat_template();
    return info;
}

MemoryPlan plan_memory(const ModelInfo& info, int64_t n_ctx, int32_t chunk) {
    MemoryPlan p;
    p.weights = info.weight_bytes;
    p.state = info.state_bytes_per_sequence;
    p.kv_cache = info.kv_bytes_per_token * static_cast<uint64_t>(std::max<int64_t>(0, n_ctx));
    // Residual stream, block scratch (~4 hidden-size-wide rows per token plus the widest projection)
    // and the logits of one row, in f32.
    const uint64_t per_token = static_cast<uint64_t>(info.n_embd) * 4 * 12;
    p.activations = per_token * static_cast<uint64_t>(std::max(1, chunk)) + static_cast<uint64_t>(info.n_vocab) * 4 * 2;
    return p;
}

}  // namespace farsight
