// tokenizer.json "pre_tokenizer": ByteLevel, Split (every behaviour, invert), Digits, Punctuation,
// Whitespace, WhitespaceSplit, CharDelimiterSplit, Metaspace and Sequence, with HF `tokenizers` semantics
// (reference: tokenizers/src/pre_tokenizers/*.rs and NormalizedString::split in tokenizer/normalizer.rs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "tokenizer/json_util.h"

namespace farsight::tok {

// One pre-token: a byte range of PreTokens::text. `at_start` says it begins at offset 0 of the original
// input (HF's offsets_original().0 == 0), which Metaspace's "first" prepend scheme looks at.
struct Piece {
    uint32_t begin;
    uint32_t end;
    bool at_start;
};

// The pre-tokenized string. Splits only rewrite `pieces`; transforms write a new text into `next` and swap.
struct PreTokens {
    std::string_view text;
    std::string own, next;
    std::vector<Piece> pieces, next_pieces;

    void reset(std::string_view t, bool at_start) {
        text = t;
        pieces.clear();
        if (!t.empty()) pieces.push_back({0, static_cast<uint32_t>(t.size()), at_start});
    }
    std::string_view view(const Piece& p) const { return text.substr(p.begin, p.end - p.begin); }
    // Starts a transform: the caller appends to `next` and pushes `next_pieces`, then commit_transform().
    void begin_transform() {
        next.clear();
        next_pieces.clear();
    }
    void commit_transform() {
        own.swap(next);
        text = own;
        pieces.swap(next_pieces);
    }
};

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    virtual Status apply(PreTokens& pt) const = 0;
};

// `j` is the value of "pre_tokenizer" (not null). Unknown types -> ErrorCode::unsupported naming the type.
Result<std::unique_ptr<PreTokenizer>> make_pre_tokenizer(const Json& j);

}  // namespace farsight::tok
