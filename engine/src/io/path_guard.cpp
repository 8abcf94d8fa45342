// Path containment: a lexical check first (cheap, catches `..` and absolute paths even when the
// target does not exist), then a check on the fully resolved path (catches symlinks).
#include "io/path_guard.h"

#include <algorithm>
#include <string>
#include <system_error>

#include "io/json_util.h"

namespace farsight {
namespace fs = std::filesystem;
namespace {

// True when `p` equals `dir` or lies beneath it (both canonical).
bool is_within(const fs::path& p, const fs::path& dir) {
    auto [dir_end, p_it] = std::mismatch(dir.begin(), dir.end(), p.begin(), p.end());
    return dir_end == dir.end();
}

// <repo>/snapshots/<rev>/... -> <repo>/blobs/<hash>: the hub cache's own layout.
bool is_hub_blob(const fs::path& target, const fs::path& root) {
    if (root.parent_path().filename() != "snapshots") return false;
    fs::path blobs = root.parent_path().parent_path() / "blobs";
    return target.parent_path() == blobs;
}

}  // namespace

Result<fs::path> resolve_inside(const fs::path& root, std::string_view relative) {
    const std::string shown = quote_name(relative);
    if (relative.empty()) return make_error(ErrorCode::path_escape, "empty path");
    if (relative.find('\0') != std::string_view::npos) {
        return make_error(ErrorCode::path_escape, "path " + shown + " contains a NUL byte");
    }
    fs::path rel(relative);
    if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) {
        return make_error(ErrorCode::path_escape, "absolute path " + shown + " is not allowed here");
    }
    for (const fs::path& part : rel) {
        if (part == "..") return make_error(ErrorCode::path_escape, "path " + shown + " contains '..'");
    }

    std::error_code ec;
    fs::path canon_root = fs::canonical(root, ec);
    if (ec) return make_error(ErrorCode::not_found, "model folder " + root.string() + ": " + ec.message());
    fs::path joined = canon_root / rel;
    fs::path target = fs::weakly_canonical(joined, ec);
    if (ec) return make_error(ErrorCode::io_error, "cannot resolve " + shown + ": " + ec.message());

    // weakly_canonical leaves a dangling symlink unresolved; its target could appear later.
    fs::file_status link = fs::symlink_status(target, ec);
    if (!ec && fs::is_symlink(link) && !fs::exists(target, ec)) {
        return make_error(ErrorCode::not_found, "path " + shown + " is a dangling symlink");
    }
    if (!is_within(target, canon_root) && !is_hub_blob(target, canon_root)) {
        return make_error(ErrorCode::path_escape,
                          "path " + shown + " resolves to " + target.string() + ", outside " + canon_root.string());
    }
    return target;
}

}  // namespace farsight
