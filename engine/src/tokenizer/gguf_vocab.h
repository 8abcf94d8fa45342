// GGUF tokenizer metadata (tokenizer.ggml.*) → an equivalent Hugging Face tokenizer.json document,
// so one Tokenizer implementation serves both formats. "gpt2" vocabularies become byte-level BPE with
// the pre-tokenizer regexes llama.cpp uses for tokenizer.ggml.pre (llama-vocab.cpp); "llama"
// SentencePiece vocabularies become BPE with byte fallback and merges derived from the scores, as
// transformers' GGUF converter builds them (integrations/ggml.py, GGUFLlamaConverter).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight {

// The tokenizer.ggml.* values, read by the caller (models/model_factory.cpp) from the GGUF file.
struct GgufVocab {
    std::string model;                 // tokenizer.ggml.model: "gpt2" or "llama"
    std::string pre;                   // tokenizer.ggml.pre ("" when absent)
    std::vector<std::string> tokens;   // tokenizer.ggml.tokens
    std::vector<double> scores;        // tokenizer.ggml.scores (SentencePiece)
    std::vector<int64_t> token_types;  // tokenizer.ggml.token_type (1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte)
    std::vector<std::string> merges;   // tokenizer.ggml.merges ("a b")
    std::optional<int64_t> bos_id, eos_id, unk_id;
    bool add_bos = false;              // tokenizer.ggml.add_bos_token
    bool add_space_prefix = true;      // tokenizer.ggml.add_space_prefix (SentencePiece)
};

// The tokenizer.json text. unsupported for other models / unknown pre-tokenizer names (named);
// bad_config when the arrays disagree in length or ids are out of range.
Result<std::string> gguf_vocab_to_tokenizer_json(const GgufVocab& vocab);

// llama.cpp's regex list for a tokenizer.ggml.pre name; empty when the name is unknown.
std::vector<std::string> gguf_pre_tokenizer_regexes(const std::string& pre);

}  // namespace farsight
