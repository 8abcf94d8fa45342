// AttachmentRepo: attached documents with extracted text (read separately: it can be MBs) and provenance.
#include "storage/attachment_repo.h"

#include "storage/rows.h"
#include "storage/statement.h"

namespace farsight::storage {

namespace detail {

Attachment read_attachment(const Statement& st) {
    Attachment a;
    a.id = st.column_int64(0);
    a.conversation = st.column_int64(1);
    a.message = st.column_opt_int64(2);
    auto kind = parse_attachment_kind(st.column_text(3));
    a.kind = kind.ok() ? *kind : AttachmentKind::text;
    a.original_path = st.column_text(4);
    a.sha256 = st.column_text(5);
    a.byte_size = st.column_int64(6);
    a.text_ref = st.column_text(7);
    a.provenance_json = st.column_text(8);
    a.n_tokens = st.column_int64(9);
    a.created_at = st.column_int64(10);
    return a;
}

}  // namespace detail

Result<AttachmentId> AttachmentRepo::add(const Attachment& a) {
    std::string provenance = a.provenance_json.empty() ? "[]" : a.provenance_json;
    if (!detail::is_json_array(provenance) && !detail::is_json_object(provenance))
        return make_error(ErrorCode::invalid_argument, "attachment provenance must be JSON (array or object)");
    if (a.byte_size < 0 || a.n_tokens < 0)
        return make_error(ErrorCode::invalid_argument, "attachment sizes must not be negative");
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "INSERT INTO attachments (conversation_id, message_id, kind, original_path, sha256, byte_size, "
        "extracted_text, text_ref, provenance_json, n_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    FS_RETURN_IF_ERROR(st.bind_all(a.conversation, a.message, to_string(a.kind), a.original_path, a.sha256,
                                   a.byte_size, a.extracted_text, a.text_ref, provenance, a.n_tokens, now_ms()));
    Status s = st.run();
    if (!s.ok() && s.code() == ErrorCode::invalid_argument)
        return make_error(ErrorCode::not_found, "attachment refers to a missing conversation or message: " + s.message());
    FS_RETURN_IF_ERROR(s);
    return m_db.last_insert_rowid();
}

Result<Attachment> AttachmentRepo::get(AttachmentId id) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "SELECT " + std::string(detail::kAttachmentColumns) + " FROM attachments WHERE id = ?"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, id));
    FS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) return detail::not_found("attachment", id);
    return detail::read_attachment(st);
}

Result<std::vector<Attachment>> AttachmentRepo::list(ConversationId conversation) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "SELECT " + std::string(detail::kAttachmentColumns) + " FROM attachments WHERE conversation_id = ? ORDER BY id"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, conversation));
    std::vector<Attachment> out;
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        out.push_back(detail::read_attachment(st));
    }
    return out;
}

Result<std::string> AttachmentRepo::extracted_text(AttachmentId id) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, "SELECT extracted_text FROM attachments WHERE id = ?"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, id));
    FS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) return detail::not_found("attachment", id);
    return st.column_text(0);
}

Status AttachmentRepo::attach_to_message(AttachmentId id, MessageId message) {
    // The message must belong to the attachment's conversation.
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "UPDATE attachments SET message_id = ?1 WHERE id = ?2 AND conversation_id = "
        "(SELECT conversation_id FROM messages WHERE id = ?1)"));
    FS_RETURN_IF_ERROR(st.bind_all(message, id));
    FS_RETURN_IF_ERROR(st.run());
    if (m_db.changes() == 0)
        return make_error(ErrorCode::not_found, "attachment " + std::to_string(id) + " or message " +
                                                    std::to_string(message) + " missing, or in different conversations");
    return {};
}

Status AttachmentRepo::set_token_count(AttachmentId id, std::int64_t n_tokens) {
    if (n_tokens < 0) return make_error(ErrorCode::invalid_argument, "token count must not be negative");
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, "UPDATE attachments SET n_tokens = ? WHERE id = ?"));
    FS_RETURN_IF_ERROR(st.bind_all(n_tokens, id));
    FS_RETURN_IF_ERROR(st.run());
    if (m_db.changes() == 0) return detail::not_found("attachment", id);
    return {};
}

Status AttachmentRepo::remove(AttachmentId id) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, "DELETE FROM attachments WHERE id = ?"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, id));
    FS_RETURN_IF_ERROR(st.run());
    if (m_db.changes() == 0) return detail::not_found("attachment", id);
    return {};
}

}  // namespace farsight::storage
