// MessageRepo: the message tree (parent links + active-child pointers) and the streaming writes.
#include "storage/message_repo.h"

#include "storage/rows.h"
#include "storage/statement.h"
#include "storage/transaction.h"

namespace farsight::storage {

namespace detail {

Message read_message(const Statement& st) {
    Message m;
    m.id = st.column_int64(0);
    m.conversation = st.column_int64(1);
    m.parent = st.column_opt_int64(2);
    auto role = parse_role(st.column_text(3));
    m.role = role.ok() ? *role : Role::user;
    m.content = st.column_text(4);
    m.created_at = st.column_int64(5);
    auto status = parse_message_status(st.column_text(6));
    m.status = status.ok() ? *status : MessageStatus::interrupted;
    m.generation.model_identity = st.column_text(7);
    m.generation.sampling_json = st.column_text(8);
    if (!st.column_is_null(9) || !st.column_is_null(10) || !st.column_is_null(11) || !st.column_is_null(12)) {
        ReplyStats s;
        s.tokens_per_s = st.column_double(9);
        s.ttft_ms = st.column_double(10);
        s.n_context_used = st.column_int64(11);
        s.n_tokens = st.column_int64(12);
        m.stats = s;
    }
    m.error_message = st.column_text(13);
    m.active_child = st.column_opt_int64(14);
    return m;
}

}  // namespace detail

namespace {

const std::string& select_messages() {
    static const std::string sql = "SELECT " + std::string(detail::kMessageColumns) + " FROM messages ";
    return sql;
}

Result<std::vector<Message>> collect(Statement& st) {
    std::vector<Message> out;
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        out.push_back(detail::read_message(st));
    }
    return out;
}

Status bind_stats(Statement& st, int first, const std::optional<ReplyStats>& stats) {
    if (!stats) {
        for (int i = 0; i < 4; ++i) FS_RETURN_IF_ERROR(st.bind_null(first + i));
        return {};
    }
    FS_RETURN_IF_ERROR(st.bind_double(first, stats->tokens_per_s));
    FS_RETURN_IF_ERROR(st.bind_double(first + 1, stats->ttft_ms));
    FS_RETURN_IF_ERROR(st.bind_int64(first + 2, stats->n_context_used));
    return st.bind_int64(first + 3, stats->n_tokens);
}

}  // namespace

Result<MessageId> MessageRepo::add(const NewMessage& m) {
    std::string sampling = m.generation.sampling_json.empty() ? "{}" : m.generation.sampling_json;
    if (!detail::is_json_object(sampling))
        return make_error(ErrorCode::invalid_argument, "sampling settings must be a JSON object");
    FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(m_db));
    if (m.parent) {
        FS_ASSIGN_OR_RETURN(Statement check, Statement::prepare(m_db, "SELECT conversation_id FROM messages WHERE id = ?"));
        FS_RETURN_IF_ERROR(check.bind_int64(1, *m.parent));
        FS_ASSIGN_OR_RETURN(bool row, check.step());
        if (!row) return detail::not_found("parent message", *m.parent);
        if (check.column_int64(0) != m.conversation)
            return make_error(ErrorCode::invalid_argument, "parent message " + std::to_string(*m.parent) +
                                                               " belongs to another conversation");
    }
    TimestampMs now = now_ms();
    FS_ASSIGN_OR_RETURN(Statement ins, Statement::prepare(m_db,
        "INSERT INTO messages (conversation_id, parent_id, role, content, created_at, status, "
        "model_identity, sampling_json, tokens_per_s, ttft_ms, n_context_used, n_tokens) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    FS_RETURN_IF_ERROR(ins.bind_all(m.conversation, m.parent, to_string(m.role), m.content, now,
                                    to_string(m.status), m.generation.model_identity, sampling));
    FS_RETURN_IF_ERROR(bind_stats(ins, 9, m.stats));
    Status s = ins.run();
    if (!s.ok()) {
        if (s.code() == ErrorCode::invalid_argument) return detail::not_found("conversation", m.conversation);
        return s;
    }
    MessageId id = m_db.last_insert_rowid();
    FS_ASSIGN_OR_RETURN(Statement link, Statement::prepare(m_db, m.parent
        ? "UPDATE messages SET active_child_id = ?1 WHERE id = ?2"
        : "UPDATE conversations SET active_root_id = ?1 WHERE id = ?2"));
    FS_RETURN_IF_ERROR(link.bind_all(id, m.parent ? *m.parent : m.conversation));
    FS_RETURN_IF_ERROR(link.run());
    FS_ASSIGN_OR_RETURN(Statement touch, Statement::prepare(m_db, "UPDATE conversations SET updated_at = ? WHERE id = ?"));
    FS_RETURN_IF_ERROR(touch.bind_all(now, m.conversation));
    FS_RETURN_IF_ERROR(touch.run());
    FS_RETURN_IF_ERROR(tx.commit());
    return id;
}

Result<Message> MessageRepo::get(MessageId id) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, select_messages() + "WHERE id = ?"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, id));
    FS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) return detail::not_found("message", id);
    return detail::read_message(st);
}

Result<std::vector<Message>> MessageRepo::all(ConversationId conversation) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, select_messages() + "WHERE conversation_id = ? ORDER BY id"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, conversation));
    return collect(st);
}

Result<std::vector<Message>> MessageRepo::children(ConversationId conversation, std::optional<MessageId> parent) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, select_messages() +
        "WHERE conversation_id = ?1 AND parent_id IS ?2 ORDER BY id"));
    FS_RETURN_IF_ERROR(st.bind_all(conversation, parent));
    return collect(st);
}

Result<std::vector<Message>> MessageRepo::active_branch(ConversationId conversation) {
    // Follows the active pointers; a missing or inconsistent pointer falls back to the newest
    // child, and the depth bound stops a cycle that only a damaged database could hold.
    static const std::string sql =
        "WITH RECURSIVE branch(id, depth) AS ("
        "  SELECT COALESCE((SELECT m.id FROM messages m WHERE m.id = c.active_root_id"
        "                   AND m.conversation_id = c.id AND m.parent_id IS NULL),"
        "                  (SELECT max(id) FROM messages WHERE conversation_id = c.id AND parent_id IS NULL)), 0"
        "  FROM conversations c WHERE c.id = ?1"
        "  UNION ALL"
        "  SELECT COALESCE((SELECT k.id FROM messages k WHERE k.id = p.active_child_id AND k.parent_id = p.id),"
        "                  (SELECT max(id) FROM messages WHERE parent_id = p.id)), b.depth + 1"
        "  FROM branch b JOIN messages p ON p.id = b.id WHERE b.depth < 1000000)"
        " SELECT " + std::string(detail::kMessageColumns) +
        " FROM branch b JOIN messages USING (id) ORDER BY b.depth";
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, sql));
    FS_RETURN_IF_ERROR(st.bind_int64(1, conversation));
    return collect(st);
}

Result<std::optional<MessageId>> MessageRepo::active_leaf(ConversationId conversation) {
    FS_ASSIGN_OR_RETURN(std::vector<Message> branch, active_branch(conversation));
    if (branch.empty()) return std::optional<MessageId>{};
    return std::optional<MessageId>{branch.back().id};
}

Result<SiblingInfo> MessageRepo::siblings(MessageId id) {
    FS_ASSIGN_OR_RETURN(Message m, get(id));
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "SELECT id FROM messages WHERE conversation_id = ?1 AND parent_id IS ?2 ORDER BY id"));
    FS_RETURN_IF_ERROR(st.bind_all(m.conversation, m.parent));
    std::vector<MessageId> ids;
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        ids.push_back(st.column_int64(0));
    }
    SiblingInfo info;
    info.count = static_cast<int>(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] != id) continue;
        info.index = static_cast<int>(i);
        if (i > 0) info.previous = ids[i - 1];
        if (i + 1 < ids.size()) info.next = ids[i + 1];
    }
    return info;
}

Status MessageRepo::set_active(MessageId id) {
    FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(m_db));
    FS_ASSIGN_OR_RETURN(Message m, get(id));
    FS_ASSIGN_OR_RETURN(Statement up, Statement::prepare(m_db, "UPDATE messages SET active_child_id = ? WHERE id = ?"));
    FS_ASSIGN_OR_RETURN(Statement parent_of, Statement::prepare(m_db, "SELECT parent_id FROM messages WHERE id = ?"));
    MessageId current = id;
    std::optional<MessageId> parent = m.parent;
    for (int depth = 0; parent; ++depth) {
        if (depth > 1000000) return make_error(ErrorCode::internal, "message tree has a cycle");
        FS_RETURN_IF_ERROR(up.bind_all(current, *parent));
        FS_RETURN_IF_ERROR(up.run());
        FS_RETURN_IF_ERROR(parent_of.bind_int64(1, *parent));
        FS_ASSIGN_OR_RETURN(bool row, parent_of.step());
        if (!row) return detail::not_found("message", *parent);
        current = *parent;
        parent = parent_of.column_opt_int64(0);
        FS_RETURN_IF_ERROR(parent_of.reset());
    }
    FS_ASSIGN_OR_RETURN(Statement root, Statement::prepare(m_db, "UPDATE conversations SET active_root_id = ? WHERE id = ?"));
    FS_RETURN_IF_ERROR(root.bind_all(current, m.conversation));
    FS_RETURN_IF_ERROR(root.run());
    return tx.commit();
}

namespace {
template <class... Args>
Status update_message(Db& db, std::string_view sql, MessageId id, const Args&... args) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(db, sql));
    FS_RETURN_IF_ERROR(st.bind_all(args..., id));
    FS_RETURN_IF_ERROR(st.run());
    if (db.changes() == 0) return detail::not_found("message", id);
    return {};
}
}  // namespace

Status MessageRepo::append_content(MessageId id, std::string_view text) {
    return update_message(m_db, "UPDATE messages SET content = content || ? WHERE id = ?", id, text);
}

Status MessageRepo::set_content(MessageId id, std::string_view text) {
    return update_message(m_db, "UPDATE messages SET content = ? WHERE id = ?", id, text);
}

Status MessageRepo::finish(MessageId id, MessageStatus status, const std::optional<ReplyStats>& stats,
                           std::string_view error_message) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "UPDATE messages SET status = ?, tokens_per_s = ?, ttft_ms = ?, n_context_used = ?, n_tokens = ?, "
        "error_message = ? WHERE id = ?"));
    FS_RETURN_IF_ERROR(st.bind_text(1, to_string(status)));
    FS_RETURN_IF_ERROR(bind_stats(st, 2, stats));
    FS_RETURN_IF_ERROR(st.bind_text(6, error_message));
    FS_RETURN_IF_ERROR(st.bind_int64(7, id));
    FS_RETURN_IF_ERROR(st.run());
    if (m_db.changes() == 0) return detail::not_found("message", id);
    return {};
}

Result<std::vector<MessageId>> MessageRepo::mark_streaming_interrupted() {
    FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(m_db));
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, "SELECT id FROM messages WHERE status = 'streaming' ORDER BY id"));
    std::vector<MessageId> ids;
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        ids.push_back(st.column_int64(0));
    }
    if (ids.empty()) return ids;
    FS_RETURN_IF_ERROR(m_db.exec("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'"));
    FS_RETURN_IF_ERROR(tx.commit());
    return ids;
}

}  // namespace farsight::storage
