// The llama family (GGUF files, llama/mistral/qwen2/mixtral safetensors folders) behind the public
// Model: loading through models/model_factory.h, and the text codec of a GGUF (its tokenizer.* keys).
#pragma once

#include <string>

#include "api/model_impl.h"

namespace farsight {

// True when `path` is a GGUF file, a folder holding one, or a folder whose config.json is a
// llama-family model_type (MiniMax folders keep their own loader).
bool loads_through_factory(const std::string& path);
// Fills `impl` (lm, info, text, end_of_turn, pool); `gpu_index` ≥ 0 is refused for these
// architectures when the device was asked for explicitly (`device_required`), else runs on the CPU.
Status load_through_factory(const std::string& path, const LoadOptions& options, bool device_required, ModelImpl& impl);
// inspect_model for the same paths (maps the file, reads headers and metadata only).
Result<ModelInfo> inspect_through_factory(const std::string& path);

}  // namespace farsight
