// Numbered schema migrations tracked in PRAGMA user_version. Each migration runs in its own
// BEGIN IMMEDIATE transaction together with the user_version bump, so a kill -9 leaves the
// database at the old or the new version, never in between.
#pragma once

#include <span>
#include <string_view>

#include "farsight/engine/status.h"
#include "storage/db.h"

namespace farsight::storage {

struct Migration {
    int version;               // the user_version after this migration
    std::string_view summary;
    std::string_view sql;
};

// All migrations, ascending; migrations()[i].version == i + 1.
std::span<const Migration> migrations();
int latest_schema_version();

Result<int> schema_version(Db& db);

struct MigrationReport {
    int from_version = 0;
    int to_version = 0;
};

// Applies every migration above the current version, in order, up to `target` (default: latest).
// A database newer than this build knows is refused (unsupported), never downgraded.
Result<MigrationReport> migrate(Db& db, int target = 0);

}  // namespace farsight::storage
