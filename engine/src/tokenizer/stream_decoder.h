// Incremental detokenizer for generation: feed ids one at a time, get back only complete UTF-8 text.
// It decodes a small window of ids in context (so Metaspace's first-token rule, ByteLevel byte pieces and
// byte-fallback sequences come out right) and holds text back while it ends in an incomplete character.
// Same scheme as HF `tokenizers` DecodeStream (tokenizer/mod.rs, step_decode_stream).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace farsight {

class StreamDecoder {
public:
    explicit StreamDecoder(Tokenizer tokenizer, bool skip_special_tokens = false);

    // Text made complete by `id` (often empty: a partial character or a skipped special token).
    std::string step(int32_t id);
    // Whatever is still held back (an incomplete character comes out as U+FFFD); then starts afresh.
    std::string flush();
    void reset();

private:
    Tokenizer m_tokenizer;
    bool m_skip_special;
    std::vector<int32_t> m_ids;  // the decoding window
    std::string m_prefix;        // decode(m_ids[0, m_prefix_index)) as already emitted
    std::size_t m_prefix_index = 0;
};

}  // namespace farsight
