// Context budget: do the documents fit the model's context (minus the reply reserve)? When not,
// the choices with exact numbers. Never truncates anything itself: the caller shows the plan and
// applies the choice the user takes (BudgetChoice::keep lists the text that stays).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ingest/document.h"
#include "ingest/token_count.h"

namespace farsight::ingest {

struct BudgetRequest {
    std::vector<FileTokens> files;   // from count_tokens(), or built by the caller from its counts
    int64_t n_ctx = 0;               // the model's context
    int64_t n_reserve = 0;           // tokens kept free for the reply
    int64_t n_other = 0;             // system prompt, conversation so far, template overhead
};

enum class ChoiceKind {
    remove_files,     // drop whole files
    keep_prefix,      // keep the first pages / lines of one file, all other files whole
    larger_context,   // a model (or setting) with a context of at least n_ctx_needed
};

struct BudgetChoice {
    ChoiceKind kind = ChoiceKind::larger_context;
    std::vector<int32_t> files;      // remove_files: the files dropped; keep_prefix: the file cut
    int32_t last_page = 0;           // keep_prefix of a PDF: pages 1..last_page stay
    int32_t last_line = 0;           // keep_prefix of a text file: lines 1..last_line stay
    int64_t n_saved = 0;             // tokens removed
    int64_t n_tokens_after = 0;      // document tokens after the choice
    int64_t n_ctx_needed = 0;        // larger_context: the smallest context that holds everything
    std::vector<TextRange> keep;     // text that stays, in order (merged ranges of Document::text())
    std::string description;         // "remove notes.txt (saves 240,311 tokens)"
};

struct BudgetPlan {
    bool fits = false;
    int64_t n_documents = 0;         // tokens of all files
    int64_t n_needed = 0;            // n_documents + n_other + n_reserve
    int64_t n_available = 0;         // n_ctx
    int64_t n_over = 0;              // n_needed - n_ctx when it does not fit, else 0
    // "documents need 1,240,311 tokens; context is 1,000,000 with 4,096 reserved for the reply"
    std::string summary;
    std::vector<BudgetChoice> choices;   // empty when it fits; larger_context always last
};

// Choices offered when it does not fit: removing a single file when that is enough (smallest
// first), else the fewest largest files; keeping a prefix of each file that can be cut to fit
// (segment granularity: whole pages / line runs); a larger context. Pure and cheap.
BudgetPlan plan_budget(const BudgetRequest& request);

// "1,240,311"
std::string format_count(int64_t n);

}  // namespace farsight::ingest
