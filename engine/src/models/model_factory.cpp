// load_causal_lm: format detection (GGUF magic / config.json), architecture dispatch, and the GGUF
// tokenizer metadata turned into a tokenizer.json (tokenizer/gguf_vocab.h).
#include "models/model_factory.h"

#include <cstring>
#include <fstream>

#include "io/gguf.h"
#include "io/json_util.h"
#include "io/model_config.h"
#include "io/weight_store.h"
#include "models/llama.h"
#include "models/minimax_text.h"
#include "models/mixtral.h"
#include "models/qwen2.h"
#include "tokenizer/gguf_vocab.h"

namespace farsight {
namespace {

namespace fs = std::filesystem;

bool has_gguf_magic(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    char m[4] = {};
    return f.read(m, 4) && std::memcmp(m, "GGUF", 4) == 0;
}

Result<std::unique_ptr<CausalLM>> build_llama_family(const LlamaConfig& c, std::unique_ptr<LlamaTensors> t) {
    if (c.architecture == "llama") {
        FS_ASSIGN_OR_RETURN(auto m, LlamaModel::create(c, std::move(t)));
        return std::unique_ptr<CausalLM>(std::move(m));
    }
    if (c.architecture == "qwen2") {
        FS_ASSIGN_OR_RETURN(auto m, Qwen2Model::create(c, std::move(t)));
        return std::unique_ptr<CausalLM>(std::move(m));
    }
    if (c.architecture == "mixtral") {
        FS_ASSIGN_OR_RETURN(auto m, MixtralModel::create(c, std::move(t)));
        return std::unique_ptr<CausalLM>(std::move(m));
    }
    return Status(ErrorCode::unsupported, "architecture '" + c.architecture + "' is not supported");
}

}  // namespace

Status read_gguf_tokenizer(const GgufFile& g, LoadedModel& out) {
    const GgufValue* tokens = g.find_key("tokenizer.ggml.tokens");
    if (!tokens) return {};  // a GGUF without a vocabulary: the caller must bring a tokenizer
    if (tokens->type != GgufType::array || tokens->array_type != GgufType::string)
        return Status(ErrorCode::bad_config, "GGUF tokenizer.ggml.tokens is not an array of strings");
    GgufVocab v;
    FS_ASSIGN_OR_RETURN(v.model, g.get_string("tokenizer.ggml.model"));
    if (g.find_key("tokenizer.ggml.pre")) {
        FS_ASSIGN_OR_RETURN(v.pre, g.get_string("tokenizer.ggml.pre"));
    }
    v.tokens = tokens->strings;
    if (const GgufValue* s = g.find_key("tokenizer.ggml.scores")) v.scores = s->floats;
    if (const GgufValue* t = g.find_key("tokenizer.ggml.token_type")) v.token_types = t->ints;
    if (const GgufValue* m = g.find_key("tokenizer.ggml.merges")) v.merges = m->strings;
    auto id = [&](const char* key) -> std::optional<int64_t> {
        auto r = g.get_int(key);
        return r.ok() ? std::optional<int64_t>(r.value()) : std::nullopt;
    };
    v.bos_id = id("tokenizer.ggml.bos_token_id");
    v.eos_id = id("tokenizer.ggml.eos_token_id");
    v.unk_id = id("tokenizer.ggml.unknown_token_id");
    FS_ASSIGN_OR_RETURN(v.add_bos, g.get_bool_or("tokenizer.ggml.add_bos_token", v.model == "llama"));
    FS_ASSIGN_OR_RETURN(v.add_space_prefix, g.get_bool_or("tokenizer.ggml.add_space_prefix", true));
    FS_ASSIGN_OR_RETURN(std::string json, gguf_vocab_to_tokenizer_json(v));
    out.tokenizer_json = std::move(json);
    if (g.find_key("tokenizer.chat_template")) {
        FS_ASSIGN_OR_RETURN(out.chat_template, g.get_string("tokenizer.chat_template"));
    }
    const auto n = static_cast<int64_t>(v.tokens.size());
    auto in_range = [&](std::optional<int64_t> i) { return i && *i >= 0 && *i < n; };
    if (in_range(v.bos_id)) {
        out.bos_id = static_cast<int32_t>(*v.bos_id);
        out.bos_token = v.tokens[static_cast<size_t>(*v.bos_id)];
    }
    if (in_range(v.eos_id)) {
        out.eos_ids.push_back(static_cast<int32_t>(*v.eos_id));
        out.eos_token = v.tokens[static_cast<size_t>(*v.eos_id)];
    }
    for (const char* key : {"tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"})
        if (auto e = id(key); in_range(e) && std::find(out.eos_ids.begin(), out.eos_ids.end(), *e) == out.eos_ids.end())
            out.eos_ids.push_back(static_cast<int32_t>(*e));
    out.add_bos = v.add_bos;
    return {};
}

namespace {

Result<LoadedModel> load_gguf(const fs::path& file) {
    FS_ASSIGN_OR_RETURN(GgufFile g, GgufFile::open(file));
    auto gguf = std::make_shared<const GgufFile>(std::move(g));
    LoadedModel out;
    out.format = "gguf";
    out.dir = file.parent_path();
    Result<LlamaConfig> cfg = llama_config_from_gguf(*gguf);
    if (!cfg.ok()) return cfg.status().with_context(file.filename().string());
    FS_RETURN_IF_ERROR(read_gguf_tokenizer(*gguf, out).with_context(file.filename().string()));
    auto lm = build_llama_family(cfg.value(), std::make_unique<LlamaTensors>(gguf));
    if (!lm.ok()) return lm.status().with_context(file.filename().string());
    out.lm = std::move(lm).value();
    return out;
}

}  // namespace

Result<LoadedModel> load_causal_lm(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return Status(ErrorCode::not_found, "no such model file or folder: " + path.string());
    if (!fs::is_directory(path, ec)) {
        if (has_gguf_magic(path)) return load_gguf(path);
        if (path.extension() == ".gguf") return Status(ErrorCode::bad_header, path.filename().string() + " is not a GGUF file");
    }
    const fs::path dir = fs::is_directory(path, ec) ? path : path.parent_path();
    if (!fs::exists(dir / "config.json", ec)) {
        std::vector<fs::path> ggufs;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ".gguf") ggufs.push_back(e.path());
        if (ggufs.size() == 1) return load_gguf(ggufs[0]);
        if (ggufs.size() > 1)
            return Status(ErrorCode::invalid_argument, dir.string() + " holds several .gguf files: name the one to load");
        return Status(ErrorCode::not_found, dir.string() + " has no config.json and no .gguf file");
    }
    FS_ASSIGN_OR_RETURN(std::string text, read_text_file(dir / "config.json", 16u << 20));
    FS_ASSIGN_OR_RETURN(nlohmann::json j, parse_json_strict(text, ErrorCode::bad_config));
    const std::string type = j.is_object() ? j.value("model_type", std::string()) : std::string();
    LoadedModel out;
    out.format = "safetensors";
    out.dir = dir;
    if (is_llama_family_type(type)) {
        FS_ASSIGN_OR_RETURN(LlamaConfig cfg, parse_llama_config(text));
        FS_ASSIGN_OR_RETURN(WeightStore store, WeightStore::open(path));
        out.warnings = store.warnings();
        FS_ASSIGN_OR_RETURN(out.lm, build_llama_family(cfg, std::make_unique<LlamaTensors>(std::make_shared<const WeightStore>(std::move(store)))));
        if (cfg.bos_token_id) out.bos_id = static_cast<int32_t>(*cfg.bos_token_id);
        for (int64_t e : cfg.eos_token_ids) out.eos_ids.push_back(static_cast<int32_t>(e));
        return out;
    }
    // MiniMax (and anything else parse_model_config knows or refuses with a message).
    FS_ASSIGN_OR_RETURN(ModelConfig mc, parse_model_config(text));
    FS_ASSIGN_OR_RETURN(WeightStore store, WeightStore::open(path));
    out.warnings = store.warnings();
    FS_ASSIGN_OR_RETURN(auto mm, MiniMaxText::create(mc, std::make_shared<WeightStore>(std::move(store))));
    out.lm = std::move(mm);
    if (mc.bos_token_id) out.bos_id = static_cast<int32_t>(*mc.bos_token_id);
    if (mc.eos_token_id) out.eos_ids.push_back(static_cast<int32_t>(*mc.eos_token_id));
    return out;
}

}  // namespace farsight
