// tokenizer.json "decoder": ByteLevel, Metaspace, Replace, Strip, Fuse, ByteFallback, BPEDecoder, WordPiece
// and Sequence, each a decode_chain over the token strings like HF `tokenizers` (decoders/*.rs).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "farsight/engine/status.h"
#include "tokenizer/json_util.h"

namespace farsight::tok {

class Decoder {
public:
    virtual ~Decoder() = default;
    virtual Status decode_chain(std::vector<std::string>& tokens) const = 0;
};

// `j` is the value of "decoder" (not null). Unknown types -> ErrorCode::unsupported naming the type.
Result<std::unique_ptr<Decoder>> make_decoder(const Json& j);

}  // namespace farsight::tok
