// Sandbox limits for chat templates (reliability.md: a hostile template aborts within 1 s with
// ErrorCode::limit_exceeded). Every render is bounded in steps, depth, output size and time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace farsight {

struct TemplateLimits {
    // Evaluation steps: one per statement, expression node and loop iteration, plus one per element
    // (or per 64 bytes) that a filter or method produces. Real chat templates need well under 10^5.
    int64_t max_steps = 5'000'000;
    // Nesting of brackets/blocks in the source (parser recursion) and of expressions, statements and
    // macro calls while rendering (evaluator recursion).
    int max_depth = 256;
    // Largest rendered output and largest single string value (a 1M-token prompt is ~4 MB of text,
    // a 4M-token one ~16 MB).
    size_t max_output_bytes = size_t{32} << 20;
    // Wall-clock budget of one render.
    double max_seconds = 0.5;
    // Largest template source accepted by the parser.
    size_t max_source_bytes = size_t{1} << 20;
};

}  // namespace farsight
