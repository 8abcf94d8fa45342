// MessageRepo: messages as a tree (parent_id) with an active-child pointer per node (and an
// active root per conversation) so the UI shows one branch and can switch between siblings.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "storage/db.h"
#include "storage/types.h"

namespace farsight::storage {

class MessageRepo {
public:
    explicit MessageRepo(Db& db) : m_db(db) {}

    // Inserts the message, makes it the active child of its parent (or the active root), and
    // touches the conversation; all in one transaction. The parent must be in the same conversation.
    Result<MessageId> add(const NewMessage& message);
    Result<Message> get(MessageId id);
    // All messages of a conversation, by id (creation order).
    Result<std::vector<Message>> all(ConversationId conversation);
    // Children of `parent` (nullopt: the roots of `conversation`), by creation order.
    Result<std::vector<Message>> children(ConversationId conversation, std::optional<MessageId> parent);
    // The branch the UI shows: from the active root following active children to a leaf.
    Result<std::vector<Message>> active_branch(ConversationId conversation);
    Result<std::optional<MessageId>> active_leaf(ConversationId conversation);
    Result<SiblingInfo> siblings(MessageId id);
    // Makes `id` the shown branch: it becomes the active child of its parent, and so on up to the root.
    Status set_active(MessageId id);

    // Streaming support (SessionStore buffers; these are the committing writes).
    Status append_content(MessageId id, std::string_view text);
    Status set_content(MessageId id, std::string_view text);
    Status finish(MessageId id, MessageStatus status, const std::optional<ReplyStats>& stats,
                  std::string_view error_message = {});
    // Every message still `streaming` becomes `interrupted` (text kept); returns their ids.
    Result<std::vector<MessageId>> mark_streaming_interrupted();

private:
    Db& m_db;
};

}  // namespace farsight::storage
