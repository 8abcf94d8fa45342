// Byte-level BPE tokenizer loaded from a Hugging Face tokenizer.json, giving exactly the ids of the
// reference `tokenizers` library (pinned 0.23.3; goldens in tests/fixtures/tokenizers/). Pipeline and
// reference: tokenizers/src/tokenizer/mod.rs (added tokens -> normalizer -> pre-tokenizer -> BPE ->
// post-processor; decode through the decoder). Thread-safe for concurrent const use; copies share state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight {

class Tokenizer {
public:
    // Errors: bad_header (not JSON, nested too deep), bad_config (wrong types, bad vocab/merges, ids out of
    // range), duplicate (a token or id twice), unsupported (a component type we do not implement, named).
    static Result<Tokenizer> from_json(std::string_view json);
    static Result<Tokenizer> from_file(const std::filesystem::path& path);

    // `text` should be UTF-8; invalid bytes are replaced by U+FFFD (one per maximal invalid subpart, like
    // Python's bytes.decode("utf-8", "replace")) and the result is encoded. add_special_tokens applies the
    // post-processor (BOS/EOS templates). Errors: limit_exceeded when a regex hits its backtracking limit.
    // parse_special = false: special added tokens in `text` are NOT matched and are tokenized as plain
    // text (user-supplied text must not inject control tokens); non-special added tokens still are.
    Result<std::vector<int32_t>> encode(std::string_view text, bool add_special_tokens = false,
                                        bool parse_special = true) const;
    // Unknown ids are skipped, as HF does.
    std::string decode(std::span<const int32_t> ids, bool skip_special_tokens = false) const;

    int64_t vocab_size() const;  // max id + 1 over the vocab and the added tokens
    std::optional<int32_t> token_to_id(std::string_view token) const;
    std::string id_to_token(int32_t id) const;  // "" for an unknown id
    bool is_special(int32_t id) const;

    struct Impl;  // opaque; defined in tokenizer.cpp

private:
    explicit Tokenizer(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
    std::shared_ptr<const Impl> m_impl;
};

}  // namespace farsight
