// Full-text search: applying queued trigger changes to the FTS5 index, escaping user queries, and
// turning snippet() markers into highlight offsets for the UI.
#include "storage/search.h"

#include <algorithm>
#include <cctype>

#include "storage/statement.h"
#include "storage/transaction.h"

namespace farsight::storage {

namespace {
constexpr char kOpen = '\x02';
constexpr char kClose = '\x03';

bool is_searchable_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }
}  // namespace

std::string make_fts_query(std::string_view input) {
    std::vector<std::string> words;
    std::string word;
    auto flush = [&] {
        bool searchable = false;
        for (unsigned char c : word) searchable = searchable || is_searchable_byte(c);
        if (searchable) words.push_back(word);
        word.clear();
    };
    for (unsigned char c : input) {
        if (c <= 0x20 || c == 0x7f) {   // whitespace and control characters separate words
            flush();
        } else {
            word.push_back(static_cast<char>(c));
        }
    }
    flush();
    std::string query;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (!query.empty()) query += ' ';
        query += '"';
        for (char c : words[i]) {
            if (c == '"') query += '"';   // FTS5 string escape: double the quote
            query += c;
        }
        query += '"';
        if (i + 1 == words.size()) query += '*';   // the word being typed matches as a prefix
    }
    return query;
}

Status sync_search_index(Db& db) {
    FS_ASSIGN_OR_RETURN(std::int64_t pending, db.query_int64("SELECT EXISTS (SELECT 1 FROM messages_fts_pending)"));
    if (pending == 0) return {};
    FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
    FS_RETURN_IF_ERROR(db.exec(
        "INSERT INTO messages_fts(messages_fts, rowid, content) "
        "  SELECT 'delete', message_id, old_content FROM messages_fts_pending WHERE was_indexed;"
        "INSERT INTO messages_fts(rowid, content) "
        "  SELECT m.id, m.content FROM messages_fts_pending p JOIN messages m ON m.id = p.message_id;"
        "DELETE FROM messages_fts_pending;"));
    return tx.commit().with_context("updating the search index");
}

Status rebuild_search_index(Db& db) {
    FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
    FS_RETURN_IF_ERROR(db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');"
                               "DELETE FROM messages_fts_pending;"));
    return tx.commit().with_context("rebuilding the search index");
}

namespace {
Result<std::vector<SearchHit>> run_search(Db& db, const std::string& query, const SearchOptions& options);
}

Result<std::vector<SearchHit>> search_messages(Db& db, std::string_view user_query, const SearchOptions& options) {
    std::string query = make_fts_query(user_query);
    if (query.empty()) return std::vector<SearchHit>{};
    // A failed sync (read-only file, disk full) still leaves a consistent, merely older index;
    // a corrupt one is rebuilt (it is derived from the messages).
    Status synced = sync_search_index(db);
    if (synced.code() == ErrorCode::bad_header) FS_RETURN_IF_ERROR(rebuild_search_index(db));
    auto hits = run_search(db, query, options);
    if (!hits.ok() && hits.status().code() == ErrorCode::bad_header) {
        FS_RETURN_IF_ERROR(rebuild_search_index(db));
        hits = run_search(db, query, options);
    }
    return hits;
}

namespace {
Result<std::vector<SearchHit>> run_search(Db& db, const std::string& query, const SearchOptions& options) {
    std::vector<SearchHit> hits;

    std::string sql =
        "SELECT m.id, m.conversation_id, c.title, m.role, m.created_at, "
        "       snippet(messages_fts, 0, char(2), char(3), '...', ?2), bm25(messages_fts) "
        "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
        "JOIN conversations c ON c.id = m.conversation_id "
        "WHERE messages_fts MATCH ?1 AND c.deleted_at IS NULL";
    if (options.conversation) sql += " AND m.conversation_id = ?5";
    sql += " ORDER BY bm25(messages_fts), m.id DESC LIMIT ?3 OFFSET ?4";
    FS_ASSIGN_OR_RETURN(Statement st, Statement::prepare(db, sql));
    int n_snippet = std::clamp(options.snippet_tokens, 1, 64);
    FS_RETURN_IF_ERROR(st.bind_all(query, n_snippet, std::max(options.limit, 0), std::max(options.offset, 0)));
    if (options.conversation) FS_RETURN_IF_ERROR(st.bind_int64(5, *options.conversation));
    for (;;) {
        FS_ASSIGN_OR_RETURN(bool row, st.step());
        if (!row) break;
        SearchHit hit;
        hit.message = st.column_int64(0);
        hit.conversation = st.column_int64(1);
        hit.conversation_title = st.column_text(2);
        auto role = parse_role(st.column_text(3));
        hit.role = role.ok() ? *role : Role::user;
        hit.created_at = st.column_int64(4);
        std::string marked = st.column_text(5);
        constexpr std::size_t kNone = static_cast<std::size_t>(-1);
        std::size_t open = kNone;
        for (char c : marked) {
            if (c == kOpen) {
                open = hit.snippet.size();
            } else if (c == kClose) {
                if (open != kNone && open < hit.snippet.size()) hit.highlights.emplace_back(open, hit.snippet.size());
                open = kNone;
            } else {
                hit.snippet.push_back(c);
            }
        }
        hit.rank = st.column_double(6);
        hits.push_back(std::move(hit));
    }
    return hits;
}
}  // namespace

}  // namespace farsight::storage
