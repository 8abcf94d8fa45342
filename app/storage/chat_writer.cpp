// One chat turn (user message + streamed reply) over SessionStore, for farsight-cli and the app.
#include "storage/chat_writer.h"

#include <utility>

#include "storage/transaction.h"

namespace farsight::storage {

Result<ReplyWriter> ReplyWriter::begin(SessionStore& store, ConversationId conversation,
                                       std::optional<MessageId> parent, const GenerationInfo& generation) {
    FS_ASSIGN_OR_RETURN(MessageId id, store.begin_reply(conversation, parent, generation));
    return ReplyWriter(store, id);
}

ReplyWriter::ReplyWriter(ReplyWriter&& other) noexcept
    : m_store(std::exchange(other.m_store, nullptr)), m_id(other.m_id), m_finished(other.m_finished) {}

ReplyWriter::~ReplyWriter() {
    if (m_store != nullptr && !m_finished) (void)finish(MessageStatus::interrupted, ReplyStats{});
}

Status ReplyWriter::append(std::string_view piece) {
    if (m_store == nullptr || m_finished) return make_error(ErrorCode::invalid_argument, "reply writer is finished");
    return m_store->append_reply(m_id, piece);
}

Status ReplyWriter::finish(MessageStatus status, const ReplyStats& stats, std::string_view error_message) {
    if (m_store == nullptr || m_finished) return make_error(ErrorCode::invalid_argument, "reply writer is finished");
    // Finished even when the save fails: the store keeps the final state pending and retries it.
    m_finished = true;
    return m_store->finish_reply(m_id, status, stats, error_message);
}

Result<ChatTurnResult> run_chat_turn(SessionStore& store, const ChatTurnRequest& request, const ReplyProducer& producer,
                                     const std::function<void(MessageId)>& on_user_committed) {
    ChatTurnResult result;
    {
        // The message, its attachments and the cleared draft land together or not at all.
        FS_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(store.db()));
        FS_ASSIGN_OR_RETURN(result.user_message, store.add_user_message(request.conversation, request.user_text, request.parent));
        for (AttachmentId a : request.attachments)
            FS_RETURN_IF_ERROR(store.attachments().attach_to_message(a, result.user_message));
        if (request.clear_draft) FS_RETURN_IF_ERROR(store.drafts().clear(request.conversation));
        FS_RETURN_IF_ERROR(tx.commit());
    }
    if (on_user_committed) on_user_committed(result.user_message);

    FS_ASSIGN_OR_RETURN(ReplyWriter writer, ReplyWriter::begin(store, request.conversation, result.user_message,
                                                               request.generation));
    result.reply = writer.id();
    ReplyStats stats;
    ReplyEmit emit = [&writer](std::string_view piece) { return writer.append(piece); };
    result.producer_status = producer ? producer(emit, stats)
                                      : make_error(ErrorCode::invalid_argument, "no reply producer");
    if (result.producer_status.ok()) {
        result.reply_status = MessageStatus::complete;
    } else if (result.producer_status.code() == ErrorCode::cancelled) {
        result.reply_status = MessageStatus::interrupted;
    } else {
        result.reply_status = MessageStatus::error;
    }
    FS_RETURN_IF_ERROR(writer.finish(result.reply_status, stats,
                                     result.producer_status.ok() ? std::string() : result.producer_status.to_string()));
    return result;
}

Result<ConversationId> find_or_create_conversation(SessionStore& store, std::string_view title,
                                                   std::string_view model_path, std::string_view model_identity) {
    FS_ASSIGN_OR_RETURN(std::optional<ConversationId> found, store.conversations().find_by_title(title));
    if (found) return *found;
    Conversation c;
    c.title = std::string(title);
    c.model_path = std::string(model_path);
    c.model_identity = std::string(model_identity);
    return store.conversations().create(c);
}

}  // namespace farsight::storage
