// tokenizer.json "post_processor" for single sequences: TemplateProcessing, RobertaProcessing,
// BertProcessing, ByteLevel (ids unchanged) and Sequence. Applied only when add_special_tokens is true,
// like HF `tokenizers` (processors/*.rs).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "farsight/engine/status.h"
#include "tokenizer/json_util.h"

namespace farsight::tok {

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    // Wraps the ids of one sequence in the special tokens; a no-op when !add_special_tokens.
    virtual void process(std::vector<int32_t>& ids, bool add_special_tokens) const = 0;
};

// `j` is the value of "post_processor" (not null). Unknown types -> ErrorCode::unsupported naming the type.
Result<std::unique_ptr<PostProcessor>> make_post_processor(const Json& j);

}  // namespace farsight::tok
