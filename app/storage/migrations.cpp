// Numbered schema migrations. NEVER edit a migration that has been released: add a new one and a
// fixture tests/app/storage/fixtures/schema_vN.sql holding the schema it produces.
#include "storage/migrations.h"

#include <string>

#include "storage/transaction.h"

namespace farsight::storage {

namespace {

// v1: conversations, the message tree, attachments, drafts.
// JSON columns are validated in C++: json_valid() is not allowed in a schema under trusted_schema=OFF.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE conversations (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  title          TEXT    NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  system_prompt  TEXT    NOT NULL DEFAULT '',
  model_path     TEXT    NOT NULL DEFAULT '',
  model_identity TEXT    NOT NULL DEFAULT '',
  sampling_json  TEXT    NOT NULL DEFAULT '{}',
  pinned         INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  archived       INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  deleted_at     INTEGER,
  active_root_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX conversations_by_update ON conversations(deleted_at, pinned, updated_at);
CREATE TABLE messages (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  parent_id       INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content         TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'complete'
                          CHECK (status IN ('complete', 'streaming', 'interrupted', 'error')),
  model_identity  TEXT    NOT NULL DEFAULT '',
  sampling_json   TEXT    NOT NULL DEFAULT '{}',
  tokens_per_s    REAL,
  ttft_ms         REAL,
  n_context_used  INTEGER,
  n_tokens        INTEGER,
  error_message   TEXT    NOT NULL DEFAULT '',
  active_child_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
CREATE INDEX messages_by_parent ON messages(parent_id, id);
CREATE INDEX messages_by_active_child ON messages(active_child_id);
CREATE INDEX conversations_by_active_root ON conversations(active_root_id);
CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming';
CREATE TABLE attachments (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  message_id      INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  kind            TEXT    NOT NULL CHECK (kind IN ('text', 'markdown', 'pdf', 'image')),
  original_path   TEXT    NOT NULL DEFAULT '',
  sha256          TEXT    NOT NULL DEFAULT '',
  byte_size       INTEGER NOT NULL DEFAULT 0,
  extracted_text  TEXT,
  text_ref        TEXT    NOT NULL DEFAULT '',
  provenance_json TEXT    NOT NULL DEFAULT '[]',
  n_tokens        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL
);
CREATE INDEX attachments_by_conversation ON attachments(conversation_id, id);
CREATE INDEX attachments_by_message ON attachments(message_id);
CREATE TABLE drafts (
  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  text            TEXT    NOT NULL DEFAULT '',
  updated_at      INTEGER NOT NULL
);
)sql";

// v2: full-text search. FTS5 is not an "innocuous" virtual table in SQLite 3.40, so with
// trusted_schema=OFF no trigger may write to it. The triggers therefore record changes in a plain
// table (durably, in the writing transaction) and search.cpp applies them to the external-content
// index before each search and at open. First change per row wins: it holds what the index has.
constexpr std::string_view kV2 = R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5(
  content, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TABLE messages_fts_pending (
  message_id  INTEGER PRIMARY KEY,
  was_indexed INTEGER NOT NULL,
  old_content TEXT
);
CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
  INSERT OR IGNORE INTO messages_fts_pending(message_id, was_indexed, old_content) VALUES (new.id, 0, NULL);
END;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF content ON messages BEGIN
  INSERT OR IGNORE INTO messages_fts_pending(message_id, was_indexed, old_content) VALUES (old.id, 1, old.content);
END;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
  INSERT OR IGNORE INTO messages_fts_pending(message_id, was_indexed, old_content) VALUES (old.id, 1, old.content);
END;
INSERT OR IGNORE INTO messages_fts_pending(message_id, was_indexed, old_content)
  SELECT id, 0, NULL FROM messages;
)sql";

// v3: engine state snapshots ("reusing N prefilled tokens").
constexpr std::string_view kV3 = R"sql(
CREATE TABLE engine_snapshots (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  path             TEXT    NOT NULL,
  model_identity   TEXT    NOT NULL DEFAULT '',
  n_tokens         INTEGER NOT NULL DEFAULT 0,
  attachment_set   TEXT    NOT NULL DEFAULT '',
  up_to_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  created_at       INTEGER NOT NULL
);
CREATE INDEX engine_snapshots_by_conversation ON engine_snapshots(conversation_id, model_identity, attachment_set);
CREATE INDEX engine_snapshots_by_message ON engine_snapshots(up_to_message_id);
)sql";

constexpr Migration kMigrations[] = {
    {1, "conversations, message tree, attachments, drafts", kV1},
    {2, "full-text search over messages (FTS5)", kV2},
    {3, "engine snapshots", kV3},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }
int latest_schema_version() { return static_cast<int>(std::size(kMigrations)); }

Result<int> schema_version(Db& db) {
    FS_ASSIGN_OR_RETURN(std::int64_t v, db.query_int64("PRAGMA user_version"));
    return static_cast<int>(v);
}

Result<MigrationReport> migrate(Db& db, int target) {
    const int latest = latest_schema_version();
    if (target <= 0) target = latest;
    if (target > latest)
        return make_error(ErrorCode::invalid_argument, "migration target " + std::to_string(target) +
                                                           " is above the latest schema " + std::to_string(latest));
    FS_ASSIGN_OR_RETURN(int current, schema_version(db));
    MigrationReport report{current, current};
    if (current > latest)
        return make_error(ErrorCode::unsupported,
                          "the session database has schema version " + std::to_string(current) +
                              ", newer than this Farsight (" + std::to_string(latest) +
                              "); use a newer Farsight or another database file");
    for (const Migration& m : kMigrations) {
        if (m.version <= report.to_version || m.version > target) continue;
        FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
        // Re-read inside the write lock: another connection may have migrated meanwhile.
        FS_ASSIGN_OR_RETURN(int now, schema_version(db));
        if (now >= m.version) {
            report.to_version = now;
            continue;
        }
        std::string context = "migration to schema v" + std::to_string(m.version);
        FS_RETURN_IF_ERROR(db.exec(m.sql).with_context(context));
        FS_RETURN_IF_ERROR(db.exec("PRAGMA user_version = " + std::to_string(m.version)).with_context(context));
        FS_RETURN_IF_ERROR(tx.commit().with_context(context));
        report.to_version = m.version;
    }
    return report;
}

}  // namespace farsight::storage
