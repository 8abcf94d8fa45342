// load_causal_lm: one entry point for every supported checkpoint — a GGUF file (or a folder holding
// one), or a Hugging Face folder whose config.json model_type is a llama-family type or MiniMax —
// dispatching on GGUF general.architecture / config.json model_type.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "farsight/engine/status.h"
#include "models/causal_lm.h"

namespace farsight {

struct LoadedModel {
    std::unique_ptr<CausalLM> lm;
    std::string format;  // "gguf" or "safetensors"
    // GGUF: the tokenizer as a tokenizer.json document (Tokenizer::from_json) and the chat template
    // (tokenizer.chat_template). Safetensors folders keep their own tokenizer files in `dir`.
    std::optional<std::string> tokenizer_json;
    std::string chat_template;
    std::optional<int32_t> bos_id;
    std::vector<int32_t> eos_ids;  // eos and end-of-turn ids the metadata names
    std::string bos_token, eos_token;  // their strings (chat templates use them)
    bool add_bos = false;
    std::filesystem::path dir;     // the model folder (the GGUF's folder for a file)
    std::vector<std::string> warnings;
};

// `path_or_file`: a .gguf file, a folder with config.json + safetensors, or a folder holding exactly
// one .gguf. Errors: not_found, unsupported (architecture/format, named), the readers' file codes,
// bad_config, and the binders' bad_shape/not_found/mismatch for tensors that do not fit.
Result<LoadedModel> load_causal_lm(const std::filesystem::path& path_or_file);

class GgufFile;
// Fills tokenizer_json / chat_template / bos / eos / add_bos of `out` from a GGUF's tokenizer.* keys
// (nothing when the file has no vocabulary).
Status read_gguf_tokenizer(const GgufFile& gguf, LoadedModel& out);

}  // namespace farsight
