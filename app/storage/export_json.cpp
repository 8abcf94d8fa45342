// JSON export of one conversation (format "farsight.conversation" v1, documented in
// export_import.h and tests/app/storage/fixtures/export_v1.json) and file export/import helpers.
#include <nlohmann/json.hpp>

#include "storage/atomic_file.h"
#include "storage/attachment_repo.h"
#include "storage/conversation_repo.h"
#include "storage/export_import.h"
#include "storage/message_repo.h"
#include "storage/transaction.h"

namespace farsight::storage {

namespace {
using nlohmann::json;

json opt_id(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

// Stored JSON text back to a value; a damaged value is kept as a string rather than dropped.
json parse_stored(const std::string& text, json fallback) {
    json j = json::parse(text, nullptr, false);
    return j.is_discarded() ? fallback : j;
}
}  // namespace

Result<std::string> export_json(Db& db, ConversationId id) {
    // One read transaction so the conversation, its messages and attachments are one snapshot.
    FS_RETURN_IF_ERROR(db.exec("BEGIN"));
    struct EndRead { Db& db; ~EndRead() { (void)db.exec("COMMIT"); } } end_read{db};

    ConversationRepo conversations(db);
    MessageRepo messages(db);
    AttachmentRepo attachments(db);
    DraftRepo drafts(db);
    FS_ASSIGN_OR_RETURN(Conversation c, conversations.get(id));
    FS_ASSIGN_OR_RETURN(std::vector<Message> all, messages.all(id));
    FS_ASSIGN_OR_RETURN(std::vector<Attachment> files, attachments.list(id));
    FS_ASSIGN_OR_RETURN(std::optional<Draft> draft, drafts.get(id));

    json out;
    out["format"] = kExportFormat;
    out["version"] = kExportFormatVersion;
    out["exported_at"] = now_ms();
    out["conversation"] = {
        {"id", c.id}, {"title", c.title}, {"created_at", c.created_at}, {"updated_at", c.updated_at},
        {"system_prompt", c.system_prompt}, {"model_path", c.model_path}, {"model_identity", c.model_identity},
        {"sampling", parse_stored(c.sampling_json, json::object())}, {"pinned", c.pinned}, {"archived", c.archived},
        {"active_root", opt_id(c.active_root)}};
    json jm = json::array();
    for (const Message& m : all) {
        json stats = nullptr;
        if (m.stats)
            stats = {{"tokens_per_s", m.stats->tokens_per_s}, {"ttft_ms", m.stats->ttft_ms},
                     {"n_context_used", m.stats->n_context_used}, {"n_tokens", m.stats->n_tokens}};
        jm.push_back({{"id", m.id}, {"parent", opt_id(m.parent)}, {"role", to_string(m.role)},
                      {"content", m.content}, {"created_at", m.created_at}, {"status", to_string(m.status)},
                      {"model_identity", m.generation.model_identity},
                      {"sampling", parse_stored(m.generation.sampling_json, json::object())},
                      {"stats", stats}, {"error_message", m.error_message}, {"active_child", opt_id(m.active_child)}});
    }
    out["messages"] = std::move(jm);
    json ja = json::array();
    for (const Attachment& a : files) {
        FS_ASSIGN_OR_RETURN(std::string text, attachments.extracted_text(a.id));
        ja.push_back({{"id", a.id}, {"message", opt_id(a.message)}, {"kind", to_string(a.kind)},
                      {"original_path", a.original_path}, {"sha256", a.sha256}, {"byte_size", a.byte_size},
                      {"text_ref", a.text_ref}, {"provenance", parse_stored(a.provenance_json, json::array())},
                      {"n_tokens", a.n_tokens}, {"created_at", a.created_at}, {"extracted_text", text}});
    }
    out["attachments"] = std::move(ja);
    out["draft"] = draft ? json{{"text", draft->text}, {"updated_at", draft->updated_at}} : json(nullptr);
    // Invalid UTF-8 in stored text (only a damaged DB) is replaced instead of failing the export.
    return out.dump(2, ' ', false, json::error_handler_t::replace);
}

Status export_to_file(Db& db, ConversationId conversation, const std::filesystem::path& path, ExportFormat format) {
    Result<std::string> text = format == ExportFormat::json ? export_json(db, conversation)
                                                             : export_markdown(db, conversation);
    if (!text.ok()) return text.status();
    return write_file_atomically(path, *text);
}

Result<ConversationId> import_from_file(Db& db, const std::filesystem::path& path) {
    FS_ASSIGN_OR_RETURN(std::string text, read_file(path));
    Result<ConversationId> id = import_json(db, text);
    if (!id.ok()) return id.status().with_context("importing " + path.filename().string());
    return id;
}

}  // namespace farsight::storage
