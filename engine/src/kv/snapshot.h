// State snapshots: a sequence's full state (token history, lightning states, softmax KV) in one
// file, tied to the model identity so a document is prefilled once and questioned many times.
// Format (little endian): "FSNAPSHT" | u32 version | u32 header length | JSON header | tokens
// (i32) | per layer: recurrent f32, K rows, V rows (n_past rows each) | logits after the last token
// (f32, n_logits, may be 0) | u64 checksum of all above.
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include "kv/sequence_state.h"

namespace farsight {

// Writes atomically (temp file, fsync, rename): a crash never leaves a half-written snapshot.
Status save_snapshot(const std::filesystem::path& path, const SequenceState& state, const std::string& identity,
                     std::span<const float> last_logits = {});

// Loads into `state` (created for the same layout). Refused with ErrorCode::mismatch when the
// snapshot belongs to another model or layout; corrupt or truncated files → bad_header /
// out_of_bounds; longer than the state's context → limit_exceeded. `state` is untouched on error.
Status load_snapshot(const std::filesystem::path& path, SequenceState& state, const std::string& identity,
                     std::vector<float>* last_logits = nullptr);

}  // namespace farsight
