// SessionStore: crash-safe open sequence and the buffered streaming writer (see session_store.h).
#include "storage/session_store.h"

#include "storage/transaction.h"

namespace farsight::storage {

SessionStore::SessionStore(std::filesystem::path path, StoreOptions options)
    : m_path(std::move(path)), m_options(std::move(options)) {}

SessionStore::~SessionStore() { (void)close(); }

Result<std::unique_ptr<SessionStore>> SessionStore::open(const std::filesystem::path& path, StoreOptions options) {
    std::unique_ptr<SessionStore> store(new SessionStore(path, std::move(options)));
    Status s = store->open_impl();
    if (!s.ok()) return s.with_context("opening sessions " + path.string());
    return store;
}

namespace {

Status open_and_check(Db& db, const std::filesystem::path& path, const DbOptions& options, IntegrityCheck check,
                      MigrationReport& migration) {
    FS_ASSIGN_OR_RETURN(db, Db::open(path, options));
    if (check != IntegrityCheck::none) FS_RETURN_IF_ERROR(check_integrity(db, check == IntegrityCheck::full));
    FS_ASSIGN_OR_RETURN(migration, migrate(db));
    return {};
}

// The FTS index is derived data: when it reads as damaged it is rebuilt from the messages rather
// than treating the whole database as corrupt. (FTS5's own 'integrity-check' is not run at every
// open: 0.6 s per 64 MB measured; damage found later by a search also triggers the rebuild.)
void catch_up_search_index(Db& db) {
    Status synced = sync_search_index(db);
    if (synced.code() == ErrorCode::bad_header) (void)rebuild_search_index(db);
}

}  // namespace

Status SessionStore::open_impl() {
    if (m_options.take_writer_lock) {
        FS_ASSIGN_OR_RETURN(m_lock, WriterLock::acquire(m_path));
    }
    DbOptions db_options;
    db_options.vfs = m_options.vfs;

    std::error_code ec;
    auto type = std::filesystem::status(m_path, ec).type();
    if (!ec && type != std::filesystem::file_type::regular && type != std::filesystem::file_type::not_found)
        return make_error(ErrorCode::io_error, m_path.string() + " is not a regular file");
    FileCheck file = check_database_file(m_path);
    m_report.created = file.state == DbFileState::missing;
    if (file.stray_wal && file.state != DbFileState::missing)
        FS_RETURN_IF_ERROR(move_stray_wal(m_path, m_report.recovery));

    // A 0-byte file without a WAL was never written (a crash or full disk during the very first
    // open): nothing in it to keep, and SQLite reads it as an empty database, so it is reused.
    if (file.state == DbFileState::empty) {
        m_report.created = true;
        m_report.recovery.reason = "empty database file (0 bytes) reused as a new database";
    }
    Status opened = file.state == DbFileState::ok || file.state == DbFileState::missing ||
                            file.state == DbFileState::empty
                        ? open_and_check(m_db, m_path, db_options, m_options.check, m_report.migration)
                        : make_error(ErrorCode::bad_header, file.detail);
    if (!opened.ok()) {
        // Only damage is handled by moving aside; I/O errors, a newer schema, permissions etc.
        // are reported as they are, with the file untouched.
        if (opened.code() != ErrorCode::bad_header) return opened;
        (void)m_db.close();
        RecoveryReport& rec = m_report.recovery;
        rec.corrupt = true;
        rec.reason = opened.message();
        FS_RETURN_IF_ERROR(move_aside(m_path, rec));
        m_report.created = true;
        FS_ASSIGN_OR_RETURN(m_db, Db::open(m_path, db_options));
        FS_ASSIGN_OR_RETURN(m_report.migration, migrate(m_db));
        if (m_options.salvage) salvage_into(rec.moved_to, m_db, rec);
    }
    catch_up_search_index(m_db);
    FS_ASSIGN_OR_RETURN(m_report.interrupted, m_messages.mark_streaming_interrupted());
    FS_ASSIGN_OR_RETURN(m_report.drafts, m_drafts.all());
    return {};
}

Result<std::vector<SearchHit>> SessionStore::search(std::string_view user_query, const SearchOptions& options) {
    return search_messages(m_db, user_query, options);
}

Result<MessageId> SessionStore::add_user_message(ConversationId conversation, std::string_view text,
                                                 std::optional<MessageId> parent) {
    if (!parent) {
        FS_ASSIGN_OR_RETURN(parent, m_messages.active_leaf(conversation));
    }
    NewMessage m;
    m.conversation = conversation;
    m.parent = parent;
    m.role = Role::user;
    m.content = std::string(text);
    return m_messages.add(m);
}

Result<MessageId> SessionStore::begin_reply(ConversationId conversation, std::optional<MessageId> parent,
                                            const GenerationInfo& generation) {
    if (!parent) {
        FS_ASSIGN_OR_RETURN(parent, m_messages.active_leaf(conversation));
    }
    NewMessage m;
    m.conversation = conversation;
    m.parent = parent;
    m.role = Role::assistant;
    m.status = MessageStatus::streaming;
    m.generation = generation;
    FS_ASSIGN_OR_RETURN(MessageId id, m_messages.add(m));
    PendingReply& p = m_pending[id];
    p.last_commit = std::chrono::steady_clock::now();
    return id;
}

Status SessionStore::commit_reply(MessageId id, PendingReply& p) {
    auto now = std::chrono::steady_clock::now();
    if (p.unsaved.empty() && !p.finish_pending) {
        p.last_commit = now;
        return {};
    }
    Status s = [&]() -> Status {
        FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(m_db));
        if (!p.unsaved.empty()) FS_RETURN_IF_ERROR(m_messages.append_content(id, p.unsaved));
        if (p.finish_pending) FS_RETURN_IF_ERROR(m_messages.finish(id, p.final_status, p.stats, p.error_message));
        return tx.commit();
    }();
    // On failure too: the next attempt waits one interval instead of hammering a full disk per token.
    p.last_commit = now;
    if (!s.ok()) return s.with_context("saving reply " + std::to_string(id));
    p.committed_bytes += p.unsaved.size();
    p.unsaved.clear();
    std::size_t committed = p.committed_bytes;
    bool done = p.finish_pending;
    if (done) m_pending.erase(id);   // `p` dangles from here on
    if (m_options.on_reply_committed) m_options.on_reply_committed(id, committed);
    return {};
}

Status SessionStore::append_reply(MessageId id, std::string_view text) {
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return make_error(ErrorCode::not_found, "reply " + std::to_string(id) + " is not being streamed by this session");
    PendingReply& p = it->second;
    if (p.finish_pending)
        return make_error(ErrorCode::invalid_argument, "reply " + std::to_string(id) + " was already finished");
    p.unsaved.append(text);
    if (std::chrono::steady_clock::now() - p.last_commit < m_options.flush_interval) return {};
    return commit_reply(id, p);
}

Status SessionStore::finish_reply(MessageId id, MessageStatus status, const ReplyStats& stats,
                                  std::string_view error_message) {
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return make_error(ErrorCode::not_found, "reply " + std::to_string(id) + " is not being streamed by this session");
    if (status == MessageStatus::streaming)
        return make_error(ErrorCode::invalid_argument, "a reply cannot finish as 'streaming'");
    PendingReply& p = it->second;
    p.finish_pending = true;
    p.final_status = status;
    p.stats = stats;
    p.error_message = std::string(error_message);
    return commit_reply(id, p);
}

Status SessionStore::flush_due() {
    auto now = std::chrono::steady_clock::now();
    std::vector<MessageId> due;
    for (auto& [id, p] : m_pending)
        if ((!p.unsaved.empty() || p.finish_pending) && now - p.last_commit >= m_options.flush_interval) due.push_back(id);
    Status first;
    for (MessageId id : due) {
        Status s = commit_reply(id, m_pending.at(id));
        if (first.ok()) first = s;
    }
    return first;
}

Status SessionStore::flush_all() {
    std::vector<MessageId> ids;
    for (auto& [id, p] : m_pending)
        if (!p.unsaved.empty() || p.finish_pending) ids.push_back(id);
    Status first;
    for (MessageId id : ids) {
        Status s = commit_reply(id, m_pending.at(id));
        if (first.ok()) first = s;
    }
    return first;
}

std::string SessionStore::unsaved_text(MessageId id) const {
    auto it = m_pending.find(id);
    return it == m_pending.end() ? std::string() : it->second.unsaved;
}

bool SessionStore::has_unsaved() const {
    for (const auto& [id, p] : m_pending)
        if (!p.unsaved.empty() || p.finish_pending) return true;
    return false;
}

Result<std::string> SessionStore::reply_text(MessageId id) {
    FS_ASSIGN_OR_RETURN(Message m, m_messages.get(id));
    return m.content + unsaved_text(id);
}

Status SessionStore::close() {
    if (!m_db.is_open()) return {};
    Status first = flush_all();
    // Leave the search index in step so the next open has nothing to catch up on.
    if (first.ok()) (void)sync_search_index(m_db);
    Status closed = m_db.close();
    if (first.ok()) first = closed;
    m_lock = WriterLock();
    return first;
}

}  // namespace farsight::storage
