// tokenizer.json "normalizer": NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend,
// ByteLevel and Sequence, with HF `tokenizers` semantics (reference: tokenizers/src/normalizers/*.rs).
// Offsets are not tracked: the engine needs ids only.
#pragma once

#include <memory>
#include <string>

#include "farsight/engine/status.h"
#include "tokenizer/json_util.h"
#include "tokenizer/regex.h"

namespace farsight::tok {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    // Rewrites `s` (valid UTF-8); `tmp` is scratch space the caller keeps between calls.
    virtual Status apply(std::string& s, std::string& tmp) const = 0;
};

// {"String": "..."} or {"Regex": "..."}: the pattern object shared by normalizers, pre-tokenizers and decoders.
Result<Regex> make_pattern(const Json& j, std::string_view where);

// `j` is the value of "normalizer" (not null). Unknown types -> ErrorCode::unsupported naming the type.
Result<std::unique_ptr<Normalizer>> make_normalizer(const Json& j);

}  // namespace farsight::tok
