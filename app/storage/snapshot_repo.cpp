// SnapshotRepo: engine state snapshots keyed by conversation, model and the exact attachment set.
#include <algorithm>
#include <charconv>

#include "storage/attachment_repo.h"
#include "storage/rows.h"
#include "storage/statement.h"

namespace farsight::storage {

namespace {

// Canonical key of an attachment set: sorted, unique, comma-separated ids ("" for none).
std::string set_key(std::vector<AttachmentId> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::string key;
    for (AttachmentId id : ids) {
        if (!key.empty()) key += ',';
        key += std::to_string(id);
    }
    return key;
}

std::vector<AttachmentId> parse_key(std::string_view key) {
    std::vector<AttachmentId> ids;
    while (!key.empty()) {
        std::size_t comma = key.find(',');
        std::string_view part = key.substr(0, comma);
        AttachmentId id = 0;
        auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
        if (ec == std::errc()) ids.push_back(id);
        if (comma == std::string_view::npos) break;
        key.remove_prefix(comma + 1);
    }
    return ids;
}

constexpr std::string_view kColumns =
    "id, conversation_id, path, model_identity, n_tokens, attachment_set, up_to_message_id, created_at";

EngineSnapshot read_snapshot(const Statement& st) {
    EngineSnapshot s;
    s.id = st.column_int64(0);
    s.conversation = st.column_int64(1);
    s.path = st.column_text(2);
    s.model_identity = st.column_text(3);
    s.n_tokens = st.column_int64(4);
    s.attachments = parse_key(st.column_text(5));
    s.up_to_message = st.column_opt_int64(6);
    s.created_at = st.column_int64(7);
    return s;
}

}  // namespace

Result<SnapshotId> SnapshotRepo::add(const EngineSnapshot& s) {
    if (s.path.empty()) return make_error(ErrorCode::invalid_argument, "snapshot path is empty");
    if (s.n_tokens < 0) return make_error(ErrorCode::invalid_argument, "snapshot token count must not be negative");
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "INSERT INTO engine_snapshots (conversation_id, path, model_identity, n_tokens, attachment_set, "
        "up_to_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    FS_RETURN_IF_ERROR(st.bind_all(s.conversation, s.path, s.model_identity, s.n_tokens, set_key(s.attachments),
                                   s.up_to_message, now_ms()));
    FS_RETURN_IF_ERROR(st.run());
    return m_db.last_insert_rowid();
}

Result<std::vector<EngineSnapshot>> SnapshotRepo::list(ConversationId conversation) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, "SELECT " + std::string(kColumns) +
        " FROM engine_snapshots WHERE conversation_id = ? ORDER BY created_at DESC, id DESC"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, conversation));
    std::vector<EngineSnapshot> out;
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        out.push_back(read_snapshot(st));
    }
    return out;
}

Result<std::optional<EngineSnapshot>> SnapshotRepo::find(ConversationId conversation, std::string_view model_identity,
                                                         std::vector<AttachmentId> attachments) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, "SELECT " + std::string(kColumns) +
        " FROM engine_snapshots WHERE conversation_id = ? AND model_identity = ? AND attachment_set = ?"
        " ORDER BY created_at DESC, id DESC LIMIT 1"));
    FS_RETURN_IF_ERROR(st.bind_all(conversation, model_identity, set_key(std::move(attachments))));
    FS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) return std::optional<EngineSnapshot>{};
    return std::optional<EngineSnapshot>{read_snapshot(st)};
}

Result<std::string> SnapshotRepo::remove(SnapshotId id) {
    FS_ASSIGN_OR_RETURN(Statement sel, Statement::prepare(m_db, "SELECT path FROM engine_snapshots WHERE id = ?"));
    FS_RETURN_IF_ERROR(sel.bind_int64(1, id));
    FS_ASSIGN_OR_RETURN(bool row, sel.step());
    if (!row) return detail::not_found("snapshot", id);
    std::string path = sel.column_text(0);
    FS_RETURN_IF_ERROR(sel.reset());
    FS_ASSIGN_OR_RETURN(Statement del, Statement::prepare(m_db, "DELETE FROM engine_snapshots WHERE id = ?"));
    FS_RETURN_IF_ERROR(del.bind_int64(1, id));
    FS_RETURN_IF_ERROR(del.run());
    return path;
}

}  // namespace farsight::storage
