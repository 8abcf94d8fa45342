// Full-text search across all chats (FTS5 external-content index over messages, kept in sync by
// triggers). User queries are escaped, so no input can make a search fail with a syntax error.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "farsight/engine/status.h"
#include "storage/db.h"
#include "storage/types.h"

namespace farsight::storage {

struct SearchOptions {
    int limit = 50;
    int offset = 0;
    std::optional<ConversationId> conversation;   // restrict to one conversation
    int snippet_tokens = 12;                      // tokens of context around the match
};

struct SearchHit {
    MessageId message = 0;
    ConversationId conversation = 0;
    std::string conversation_title;
    Role role = Role::user;
    TimestampMs created_at = 0;
    std::string snippet;                                      // plain text, "..." at cut ends
    std::vector<std::pair<std::size_t, std::size_t>> highlights;  // [begin, end) byte offsets in snippet
    double rank = 0.0;                                        // bm25: lower is better
};

// Turns what the user typed into a safe FTS5 query: each word becomes a quoted phrase (implicit
// AND), the last word a prefix match. Empty when the input has no searchable characters.
std::string make_fts_query(std::string_view user_query);

// Applies the changes the triggers queued in messages_fts_pending to the FTS5 index (one write
// transaction; nothing to do is one cheap read). search_messages and SessionStore::open call it.
Status sync_search_index(Db& db);

// Rebuilds the whole index from the messages (derived data; seconds per 100k messages).
// search_messages and SessionStore::open call it when the index reads as corrupt.
Status rebuild_search_index(Db& db);

// Best matches first; soft-deleted conversations are left out. An empty query returns no hits.
Result<std::vector<SearchHit>> search_messages(Db& db, std::string_view user_query,
                                               const SearchOptions& options = {});

}  // namespace farsight::storage
