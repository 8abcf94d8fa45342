// Token counts of a Document, per file and per segment (PDF page, or a run of lines of a text
// file), through a tokenizer callback supplied by the caller. budget.h plans with these numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "farsight/engine/types.h"   // CancelToken
#include "ingest/document.h"

namespace farsight::ingest {

using TokenizeFn = std::function<Result<std::vector<int32_t>>(std::string_view)>;
// bytes of text tokenized so far, of bytes_total; tokens counted so far.
using CountProgressFn = std::function<void(uint64_t bytes_done, uint64_t bytes_total, int64_t n_tokens)>;

// The smallest unit a budget choice can keep or drop.
struct TokenSegment {
    TextRange range;             // in Document::text(); includes the file header / page marker
    int32_t page = 0;            // PDF page; 0 for files without pages
    int32_t first_line = 0;      // first and last source line (text files; 0 for PDF segments)
    int32_t last_line = 0;
    int64_t n_tokens = 0;
};

struct FileTokens {
    int32_t file = 0;            // index into Document::files()
    std::string name;
    int64_t n_tokens = 0;        // sum of the segments
    std::vector<TokenSegment> segments;   // in text order, covering all text of the file
};

struct TokenCountOptions {
    uint64_t segment_bytes = 256 * 1024;  // text files are cut at line ends near this size
};

// Tokenizes every segment separately (sum = the whole within a few tokens: segments end at line
// ends, where tokenizers split anyway). Covers all text, headers and markers included, so the
// sums are what the context will hold. Checks `stop` between segments.
Result<std::vector<FileTokens>> count_tokens(const Document& document, const TokenizeFn& tokenize,
                                             const TokenCountOptions& options = {},
                                             const CountProgressFn& progress = nullptr,
                                             const CancelToken* stop = nullptr);

}  // namespace farsight::ingest
