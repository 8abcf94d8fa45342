// JSON import (format "farsight.conversation" v1): validate everything first, then insert in one
// transaction with new ids. Errors name the offending field ("messages[3].parent: ...").
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "storage/export_import.h"
#include "storage/statement.h"
#include "storage/transaction.h"

namespace farsight::storage {

namespace {
using nlohmann::json;

Status bad(std::string_view where, std::string_view what) {
    return make_error(ErrorCode::invalid_argument, "import: " + std::string(where) + ": " + std::string(what));
}

// Typed field readers: missing optional fields take the default, wrong types are errors.
struct Reader {
    const json& obj;
    std::string where;

    Status require_object() const {
        return obj.is_object() ? Status{} : bad(where, "expected an object");
    }
    Result<std::string> text(const char* key, bool required = false, std::string def = {}) const {
        auto it = obj.find(key);
        if (it == obj.end() || (!required && it->is_null())) {
            if (required) return bad(where + "." + key, "missing");
            return def;
        }
        if (!it->is_string()) return bad(where + "." + key, "expected a string");
        return it->get<std::string>();
    }
    Result<std::int64_t> integer(const char* key, bool required = false, std::int64_t def = 0) const {
        auto it = obj.find(key);
        if (it == obj.end() || (!required && it->is_null())) {
            if (required) return bad(where + "." + key, "missing");
            return def;
        }
        if (!it->is_number_integer()) return bad(where + "." + key, "expected an integer");
        return it->get<std::int64_t>();
    }
    Result<double> number(const char* key) const {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return 0.0;
        if (!it->is_number()) return bad(where + "." + key, "expected a number");
        return it->get<double>();
    }
    Result<bool> boolean(const char* key) const {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return false;
        if (!it->is_boolean()) return bad(where + "." + key, "expected true or false");
        return it->get<bool>();
    }
    Result<std::optional<std::int64_t>> opt_id(const char* key) const {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return std::optional<std::int64_t>{};
        if (!it->is_number_integer()) return bad(where + "." + key, "expected an integer id or null");
        return std::optional<std::int64_t>{it->get<std::int64_t>()};
    }
    // A JSON value stored as text (sampling settings, provenance).
    Result<std::string> json_text(const char* key, bool want_object, const char* def) const {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return std::string(def);
        if (want_object ? !it->is_object() : !(it->is_array() || it->is_object()))
            return bad(where + "." + key, want_object ? "expected an object" : "expected an array or object");
        return it->dump();
    }
};

struct ImportedMessage {
    std::int64_t old_id = 0;
    std::optional<std::int64_t> old_parent, old_active_child;
    std::string role, content, status, model_identity, sampling, error_message;
    std::int64_t created_at = 0;
    bool has_stats = false;
    double tokens_per_s = 0, ttft_ms = 0;
    std::int64_t n_context_used = 0, n_tokens = 0;
};

struct ImportedAttachment {
    std::optional<std::int64_t> old_message;
    std::string kind, original_path, sha256, text_ref, provenance, extracted_text;
    std::int64_t byte_size = 0, n_tokens = 0, created_at = 0;
};

Result<ImportedMessage> read_message(const json& j, const std::string& where) {
    Reader r{j, where};
    FS_RETURN_IF_ERROR(r.require_object());
    ImportedMessage m;
    FS_ASSIGN_OR_RETURN(m.old_id, r.integer("id", true));
    FS_ASSIGN_OR_RETURN(m.old_parent, r.opt_id("parent"));
    FS_ASSIGN_OR_RETURN(m.old_active_child, r.opt_id("active_child"));
    FS_ASSIGN_OR_RETURN(m.role, r.text("role", true));
    if (!parse_role(m.role).ok()) return bad(where + ".role", "unknown role '" + m.role.substr(0, 40) + "'");
    FS_ASSIGN_OR_RETURN(m.content, r.text("content", true));
    FS_ASSIGN_OR_RETURN(m.status, r.text("status", false, "complete"));
    if (!parse_message_status(m.status).ok()) return bad(where + ".status", "unknown status '" + m.status.substr(0, 40) + "'");
    if (m.status == "streaming") m.status = "interrupted";   // nothing is streaming into an import
    FS_ASSIGN_OR_RETURN(m.created_at, r.integer("created_at", false, now_ms()));
    FS_ASSIGN_OR_RETURN(m.model_identity, r.text("model_identity"));
    FS_ASSIGN_OR_RETURN(m.sampling, r.json_text("sampling", true, "{}"));
    FS_ASSIGN_OR_RETURN(m.error_message, r.text("error_message"));
    auto stats = j.find("stats");
    if (stats != j.end() && !stats->is_null()) {
        Reader s{*stats, where + ".stats"};
        FS_RETURN_IF_ERROR(s.require_object());
        m.has_stats = true;
        FS_ASSIGN_OR_RETURN(m.tokens_per_s, s.number("tokens_per_s"));
        FS_ASSIGN_OR_RETURN(m.ttft_ms, s.number("ttft_ms"));
        FS_ASSIGN_OR_RETURN(m.n_context_used, s.integer("n_context_used"));
        FS_ASSIGN_OR_RETURN(m.n_tokens, s.integer("n_tokens"));
    }
    return m;
}

Result<ImportedAttachment> read_attachment(const json& j, const std::string& where) {
    Reader r{j, where};
    FS_RETURN_IF_ERROR(r.require_object());
    ImportedAttachment a;
    FS_ASSIGN_OR_RETURN(a.old_message, r.opt_id("message"));
    FS_ASSIGN_OR_RETURN(a.kind, r.text("kind", true));
    if (!parse_attachment_kind(a.kind).ok()) return bad(where + ".kind", "unknown kind '" + a.kind.substr(0, 40) + "'");
    FS_ASSIGN_OR_RETURN(a.original_path, r.text("original_path"));
    FS_ASSIGN_OR_RETURN(a.sha256, r.text("sha256"));
    FS_ASSIGN_OR_RETURN(a.text_ref, r.text("text_ref"));
    FS_ASSIGN_OR_RETURN(a.extracted_text, r.text("extracted_text"));
    FS_ASSIGN_OR_RETURN(a.provenance, r.json_text("provenance", false, "[]"));
    FS_ASSIGN_OR_RETURN(a.byte_size, r.integer("byte_size"));
    FS_ASSIGN_OR_RETURN(a.n_tokens, r.integer("n_tokens"));
    FS_ASSIGN_OR_RETURN(a.created_at, r.integer("created_at", false, now_ms()));
    if (a.byte_size < 0 || a.n_tokens < 0) return bad(where, "sizes must not be negative");
    return a;
}

}  // namespace

Result<ConversationId> import_json(Db& db, std::string_view text) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        return make_error(ErrorCode::bad_header, std::string("import: not valid JSON: ") + e.what());
    }
    if (!doc.is_object()) return make_error(ErrorCode::bad_header, "import: the top level must be a JSON object");
    auto format = doc.find("format");
    if (format == doc.end() || !format->is_string() || format->get<std::string>() != kExportFormat)
        return make_error(ErrorCode::bad_header, "import: not a Farsight conversation export (\"format\" must be \"" +
                                                     std::string(kExportFormat) + "\")");
    auto version = doc.find("version");
    if (version == doc.end() || !version->is_number_integer() || version->get<std::int64_t>() < 1)
        return make_error(ErrorCode::bad_header, "import: \"version\" must be a positive integer");
    if (version->get<std::int64_t>() > kExportFormatVersion)
        return make_error(ErrorCode::unsupported, "import: export format version " + version->dump() +
                                                      " is newer than this Farsight supports (" +
                                                      std::to_string(kExportFormatVersion) + ")");

    auto conv_it = doc.find("conversation");
    if (conv_it == doc.end()) return bad("conversation", "missing");
    Reader conv{*conv_it, "conversation"};
    FS_RETURN_IF_ERROR(conv.require_object());
    FS_ASSIGN_OR_RETURN(std::string title, conv.text("title"));
    FS_ASSIGN_OR_RETURN(std::string system_prompt, conv.text("system_prompt"));
    FS_ASSIGN_OR_RETURN(std::string model_path, conv.text("model_path"));
    FS_ASSIGN_OR_RETURN(std::string model_identity, conv.text("model_identity"));
    FS_ASSIGN_OR_RETURN(std::string sampling, conv.json_text("sampling", true, "{}"));
    FS_ASSIGN_OR_RETURN(bool pinned, conv.boolean("pinned"));
    FS_ASSIGN_OR_RETURN(bool archived, conv.boolean("archived"));
    FS_ASSIGN_OR_RETURN(std::int64_t created_at, conv.integer("created_at", false, now_ms()));
    FS_ASSIGN_OR_RETURN(std::int64_t updated_at, conv.integer("updated_at", false, created_at));
    FS_ASSIGN_OR_RETURN(std::optional<std::int64_t> active_root, conv.opt_id("active_root"));

    // Messages: unique ids, parents present, no cycles; ordered parents-first for the inserts.
    auto msgs_it = doc.find("messages");
    if (msgs_it == doc.end() || !msgs_it->is_array()) return bad("messages", "expected an array");
    std::vector<ImportedMessage> messages;
    std::map<std::int64_t, std::size_t> index_of;
    for (std::size_t i = 0; i < msgs_it->size(); ++i) {
        std::string where = "messages[" + std::to_string(i) + "]";
        FS_ASSIGN_OR_RETURN(ImportedMessage m, read_message((*msgs_it)[i], where));
        if (!index_of.emplace(m.old_id, messages.size()).second)
            return make_error(ErrorCode::duplicate, "import: " + where + ".id: id " + std::to_string(m.old_id) + " appears twice");
        messages.push_back(std::move(m));
    }
    std::map<std::optional<std::int64_t>, std::vector<std::size_t>> children;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const ImportedMessage& m = messages[i];
        if (m.old_parent && !index_of.count(*m.old_parent))
            return bad("messages[" + std::to_string(i) + "].parent", "refers to message " + std::to_string(*m.old_parent) + ", which is not in the file");
        children[m.old_parent].push_back(i);
    }
    std::vector<std::size_t> order;   // breadth-first from the roots: parents before children
    for (std::size_t i : children[std::nullopt]) order.push_back(i);
    for (std::size_t k = 0; k < order.size(); ++k)
        for (std::size_t c : children[messages[order[k]].old_id]) order.push_back(c);
    if (order.size() != messages.size()) return bad("messages", "the parent links form a cycle");
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto& ac = messages[i].old_active_child;
        if (ac && (!index_of.count(*ac) || messages[index_of[*ac]].old_parent != messages[i].old_id))
            return bad("messages[" + std::to_string(i) + "].active_child", "is not a child of this message");
    }
    if (active_root && (!index_of.count(*active_root) || messages[index_of[*active_root]].old_parent))
        return bad("conversation.active_root", "is not a root message of this conversation");

    std::vector<ImportedAttachment> attachments;
    auto att_it = doc.find("attachments");
    if (att_it != doc.end() && !att_it->is_null()) {
        if (!att_it->is_array()) return bad("attachments", "expected an array");
        for (std::size_t i = 0; i < att_it->size(); ++i) {
            std::string where = "attachments[" + std::to_string(i) + "]";
            FS_ASSIGN_OR_RETURN(ImportedAttachment a, read_attachment((*att_it)[i], where));
            if (a.old_message && !index_of.count(*a.old_message))
                return bad(where + ".message", "refers to a message that is not in the file");
            attachments.push_back(std::move(a));
        }
    }
    std::optional<std::string> draft;
    auto draft_it = doc.find("draft");
    if (draft_it != doc.end() && !draft_it->is_null()) {
        Reader d{*draft_it, "draft"};
        FS_RETURN_IF_ERROR(d.require_object());
        FS_ASSIGN_OR_RETURN(std::string t, d.text("text"));
        draft = std::move(t);
    }

    // Everything is valid: write it in one transaction.
    FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
    FS_ASSIGN_OR_RETURN(Statement ins_conv, Statement::prepare(db,
        "INSERT INTO conversations (title, created_at, updated_at, system_prompt, model_path, model_identity, "
        "sampling_json, pinned, archived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    FS_RETURN_IF_ERROR(ins_conv.bind_all(title, created_at, updated_at, system_prompt, model_path, model_identity,
                                         sampling, pinned, archived));
    FS_RETURN_IF_ERROR(ins_conv.run());
    ConversationId conversation = db.last_insert_rowid();

    std::map<std::int64_t, MessageId> new_id;
    FS_ASSIGN_OR_RETURN(Statement ins_msg, Statement::prepare(db,
        "INSERT INTO messages (conversation_id, parent_id, role, content, created_at, status, model_identity, "
        "sampling_json, tokens_per_s, ttft_ms, n_context_used, n_tokens, error_message) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (std::size_t i : order) {
        const ImportedMessage& m = messages[i];
        std::optional<MessageId> parent;
        if (m.old_parent) parent = new_id.at(*m.old_parent);
        if (m.has_stats) {
            FS_RETURN_IF_ERROR(ins_msg.bind_all(conversation, parent, m.role, m.content, m.created_at, m.status,
                                                m.model_identity, m.sampling, m.tokens_per_s, m.ttft_ms,
                                                m.n_context_used, m.n_tokens, m.error_message));
        } else {
            FS_RETURN_IF_ERROR(ins_msg.bind_all(conversation, parent, m.role, m.content, m.created_at, m.status,
                                                m.model_identity, m.sampling, std::nullopt, std::nullopt,
                                                std::nullopt, std::nullopt, m.error_message));
        }
        FS_RETURN_IF_ERROR(ins_msg.run());
        new_id[m.old_id] = db.last_insert_rowid();
    }
    FS_ASSIGN_OR_RETURN(Statement set_child, Statement::prepare(db, "UPDATE messages SET active_child_id = ? WHERE id = ?"));
    for (const ImportedMessage& m : messages) {
        if (!m.old_active_child) continue;
        FS_RETURN_IF_ERROR(set_child.bind_all(new_id.at(*m.old_active_child), new_id.at(m.old_id)));
        FS_RETURN_IF_ERROR(set_child.run());
    }
    if (active_root) {
        FS_ASSIGN_OR_RETURN(Statement set_root, Statement::prepare(db, "UPDATE conversations SET active_root_id = ? WHERE id = ?"));
        FS_RETURN_IF_ERROR(set_root.bind_all(new_id.at(*active_root), conversation));
        FS_RETURN_IF_ERROR(set_root.run());
    }
    FS_ASSIGN_OR_RETURN(Statement ins_att, Statement::prepare(db,
        "INSERT INTO attachments (conversation_id, message_id, kind, original_path, sha256, byte_size, extracted_text, "
        "text_ref, provenance_json, n_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const ImportedAttachment& a : attachments) {
        std::optional<MessageId> message;
        if (a.old_message) message = new_id.at(*a.old_message);
        std::optional<std::string> extracted;
        if (!a.extracted_text.empty()) extracted = a.extracted_text;
        FS_RETURN_IF_ERROR(ins_att.bind_all(conversation, message, a.kind, a.original_path, a.sha256, a.byte_size,
                                            extracted, a.text_ref, a.provenance, a.n_tokens, a.created_at));
        FS_RETURN_IF_ERROR(ins_att.run());
    }
    if (draft && !draft->empty()) {
        FS_ASSIGN_OR_RETURN(Statement ins_draft, Statement::prepare(db,
            "INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?, ?, ?)"));
        FS_RETURN_IF_ERROR(ins_draft.bind_all(conversation, *draft, now_ms()));
        FS_RETURN_IF_ERROR(ins_draft.run());
    }
    FS_RETURN_IF_ERROR(tx.commit());
    return conversation;
}

}  // namespace farsight::storage
