// resolve_inside: turn a path read from a model folder's files (shard names, tokenizer files)
// into a real path that provably stays inside that folder (no absolute paths, no `..`, no
// symlinks that lead out). Anchor: llama.cpp / transformers path-traversal advisories.
#pragma once

#include <filesystem>
#include <string_view>

#include "farsight/engine/status.h"

namespace farsight {

// Returns the canonical path of `root / relative`. path_escape when `relative` is empty, absolute,
// contains a NUL or a `..` component, or resolves (through symlinks) outside canonical(root).
// The file itself need not exist (the caller's open reports not_found), but a dangling symlink is
// not_found here because its target cannot be checked.
//
// One exception, for the Hugging Face hub cache: when root is `<repo>/snapshots/<rev>`, a symlink
// into `<repo>/blobs/` (how the hub stores every file) is accepted.
Result<std::filesystem::path> resolve_inside(const std::filesystem::path& root, std::string_view relative);

}  // namespace farsight
