// DraftRepo: one autosaved draft per conversation (upsert), read back after a crash.
#include "storage/conversation_repo.h"
#include "storage/statement.h"

namespace farsight::storage {

Status DraftRepo::save(ConversationId conversation, std::string_view text) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at"));
    FS_RETURN_IF_ERROR(st.bind_all(conversation, text, now_ms()));
    return st.run();
}

Result<std::optional<Draft>> DraftRepo::get(ConversationId conversation) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "SELECT conversation_id, text, updated_at FROM drafts WHERE conversation_id = ?"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, conversation));
    FS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) return std::optional<Draft>{};
    return std::optional<Draft>{Draft{st.column_int64(0), st.column_text(1), st.column_int64(2)}};
}

Status DraftRepo::clear(ConversationId conversation) {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db, "DELETE FROM drafts WHERE conversation_id = ?"));
    FS_RETURN_IF_ERROR(st.bind_int64(1, conversation));
    return st.run();
}

Result<std::vector<Draft>> DraftRepo::all() {
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(m_db,
        "SELECT d.conversation_id, d.text, d.updated_at FROM drafts d "
        "JOIN conversations c ON c.id = d.conversation_id "
        "WHERE d.text <> '' AND c.deleted_at IS NULL ORDER BY d.updated_at DESC"));
    std::vector<Draft> out;
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        out.push_back(Draft{st.column_int64(0), st.column_text(1), st.column_int64(2)});
    }
    return out;
}

}  // namespace farsight::storage
