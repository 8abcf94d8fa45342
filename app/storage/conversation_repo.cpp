// ConversationRepo: CRUD over conversations, soft delete with undo, purge; shared row readers.
#include "storage/conversation_repo.h"

#include <nlohmann/json.hpp>

#include "storage/rows.h"
#include "storage/statement.h"
#include "storage/transaction.h"

namespace farsight::storage {

namespace detail {

Conversation read_conversation(const Statement& st) {
    Conversation c;
    c.id = st.column_int64(0);
    c.title = st.column_text(1);
    c.created_at = st.column_int64(2);
    c.updated_at = st.column_int64(3);
    c.system_prompt = st.column_text(4);
    c.model_path = st.column_text(5);
    c.model_identity = st.column_text(6);
    c.sampling_json = st.column_text(7);
    c.pinned = st.column_int64(8) != 0;
    c.archived = st.column_int64(9) != 0;
    c.deleted_at = st.column_opt_int64(10);
    c.active_root = st.column_opt_int64(11);
    return c;
}

bool is_json_object(std::string_view text) {
    auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    return j.is_object();
}

bool is_json_array(std::string_view text) {
    auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    return j.is_array();
}

Status not_found(std::string_view what, std::int64_t id) {
    return make_error(ErrorCode::not_found, std::string(what) + " " + std::to_string(id) + " does not exist");
}

}  // namespace detail

namespace {
// Runs one UPDATE on a conversation and fails with not_found when no row matched.
template <class... Args>
Status update_one(Db& db, std::string_view sql, ConversationId id, const Args&... args) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(db, sql));
    FS_RETURN_IF_ERROR(st.bind_all(args..., now_ms(), id));
    FS_RETURN_IF_ERROR(st.run());
    if (db.changes() == 0) return detail::not_found("conversation", id);
    return {};
}
}  // namespace

Result<ConversationId> ConversationRepo::create(const Conversation& f) {
    std::string sampling = f.sampling_json.empty() ? "{}" : f.sampling_json;
    if (!detail::is_json_object(sampling))
        return make_error(ErrorCode::invalid_argument, "sampling settings must be a JSON object");
    TimestampMs now = now_ms();
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "INSERT INTO conversations (title, created_at, updated_at, system_prompt, model_path, "
        "model_identity, sampling_json, pinned, archived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    FS_RETURN_IF_ERROR(st.bind_all(f.title, now, now, f.system_prompt, f.model_path, f.model_identity,
                                   sampling, f.pinned, f.archived));
    FS_RETURN_IF_ERROR(st.run());
    return m_db.last_insert_rowid();
}

Result<Conversation> ConversationRepo::get(ConversationId id) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "SELECT " + std::string(detail::kConversationColumns) + " FROM conversations WHERE id = ?"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, id));
    FS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) return detail::not_found("conversation", id);
    return detail::read_conversation(st);
}

Result<std::vector<Conversation>> ConversationRepo::list(const ConversationFilter& filter) {
    std::string sql = "SELECT " + std::string(detail::kConversationColumns) + " FROM conversations WHERE 1";
    if (!filter.include_deleted) sql += " AND deleted_at IS NULL";
    if (!filter.include_archived) sql += " AND archived = 0";
    sql += " ORDER BY pinned DESC, updated_at DESC, id DESC";
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, sql));
    std::vector<Conversation> out;
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        out.push_back(detail::read_conversation(st));
    }
    return out;
}

Result<std::optional<ConversationId>> ConversationRepo::find_by_title(std::string_view title) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "SELECT id FROM conversations WHERE title = ? AND deleted_at IS NULL "
        "ORDER BY updated_at DESC, id DESC LIMIT 1"));
    FS_RETURN_IF_ERROR(st.bind_text(1, title));
    FS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) return std::optional<ConversationId>{};
    return std::optional<ConversationId>{st.column_int64(0)};
}

Status ConversationRepo::rename(ConversationId id, std::string_view title) {
    return update_one(m_db, "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?", id, title);
}

Status ConversationRepo::set_system_prompt(ConversationId id, std::string_view prompt) {
    return update_one(m_db, "UPDATE conversations SET system_prompt = ?, updated_at = ? WHERE id = ?", id, prompt);
}

Status ConversationRepo::set_model(ConversationId id, std::string_view path, std::string_view identity) {
    return update_one(m_db, "UPDATE conversations SET model_path = ?, model_identity = ?, updated_at = ? WHERE id = ?",
                      id, path, identity);
}

Status ConversationRepo::set_sampling(ConversationId id, std::string_view sampling_json) {
    if (!detail::is_json_object(sampling_json))
        return make_error(ErrorCode::invalid_argument, "sampling settings must be a JSON object");
    return update_one(m_db, "UPDATE conversations SET sampling_json = ?, updated_at = ? WHERE id = ?", id, sampling_json);
}

Status ConversationRepo::set_pinned(ConversationId id, bool pinned) {
    return update_one(m_db, "UPDATE conversations SET pinned = ?, updated_at = ? WHERE id = ?", id, pinned);
}

Status ConversationRepo::set_archived(ConversationId id, bool archived) {
    return update_one(m_db, "UPDATE conversations SET archived = ?, updated_at = ? WHERE id = ?", id, archived);
}

Status ConversationRepo::touch(ConversationId id) {
    return update_one(m_db, "UPDATE conversations SET updated_at = ? WHERE id = ?", id);
}

Status ConversationRepo::soft_delete(ConversationId id) {
    // updated_at is left alone so "undo" puts the chat back where it was in the list.
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL"));
    FS_RETURN_IF_ERROR(st.bind_all(now_ms(), id));
    FS_RETURN_IF_ERROR(st.run());
    if (m_db.changes() == 0) {
        FS_ASSIGN_OR_RETURN(Conversation c, get(id));   // not_found, or already deleted (fine)
        (void)c;
    }
    return {};
}

Status ConversationRepo::undo_delete(ConversationId id) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, "UPDATE conversations SET deleted_at = NULL WHERE id = ?"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, id));
    FS_RETURN_IF_ERROR(st.run());
    if (m_db.changes() == 0) return detail::not_found("conversation", id);
    return {};
}

namespace {
// The parent_id cascade would recurse once per tree level (SQLite caps trigger depth at 1000), so
// the tree links are cut first and the rows then go in one flat delete.
Status delete_conversation_rows(Db& db, ConversationId id) {
    static constexpr std::string_view kSteps[] = {
        "UPDATE conversations SET active_root_id = NULL WHERE id = ?1",
        "UPDATE messages SET parent_id = NULL, active_child_id = NULL WHERE conversation_id = ?1",
        "DELETE FROM messages WHERE conversation_id = ?1",
        "DELETE FROM conversations WHERE id = ?1",
    };
    for (std::string_view sql : kSteps) {
        FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(db, sql));
        FS_RETURN_IF_ERROR(st.bind_int64(1, id));
        FS_RETURN_IF_ERROR(st.run());
    }
    return {};
}
}  // namespace

Status ConversationRepo::purge(ConversationId id) {
    FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(m_db));
    FS_RETURN_IF_ERROR(delete_conversation_rows(m_db, id));
    if (m_db.changes() == 0) return detail::not_found("conversation", id);
    return tx.commit();
}

Result<int> ConversationRepo::purge_deleted(TimestampMs deleted_before) {
    FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(m_db));
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "SELECT id FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, deleted_before));
    std::vector<ConversationId> ids;
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        ids.push_back(st.column_int64(0));
    }
    for (ConversationId id : ids) FS_RETURN_IF_ERROR(delete_conversation_rows(m_db, id));
    FS_RETURN_IF_ERROR(tx.commit());
    return static_cast<int>(ids.size());
}

}  // namespace farsight::storage
