// Enum <-> text conversions for the storage types (the text forms are what the DB and exports hold).
#include "storage/types.h"

#include <chrono>

namespace farsight::storage {

TimestampMs now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string_view to_string(Role role) {
    switch (role) {
        case Role::system: return "system";
        case Role::user: return "user";
        case Role::assistant: return "assistant";
        case Role::tool: return "tool";
    }
    return "user";
}

std::string_view to_string(MessageStatus status) {
    switch (status) {
        case MessageStatus::complete: return "complete";
        case MessageStatus::streaming: return "streaming";
        case MessageStatus::interrupted: return "interrupted";
        case MessageStatus::error: return "error";
    }
    return "complete";
}

std::string_view to_string(AttachmentKind kind) {
    switch (kind) {
        case AttachmentKind::text: return "text";
        case AttachmentKind::markdown: return "markdown";
        case AttachmentKind::pdf: return "pdf";
        case AttachmentKind::image: return "image";
    }
    return "text";
}

namespace {
template <class E, std::size_t N>
Result<E> parse_enum(std::string_view text, const E (&values)[N], std::string_view what) {
    for (E v : values)
        if (to_string(v) == text) return v;
    return make_error(ErrorCode::invalid_argument,
                      "unknown " + std::string(what) + " '" + std::string(text.substr(0, 40)) + "'");
}
}  // namespace

Result<Role> parse_role(std::string_view text) {
    static constexpr Role all[] = {Role::system, Role::user, Role::assistant, Role::tool};
    return parse_enum(text, all, "role");
}

Result<MessageStatus> parse_message_status(std::string_view text) {
    static constexpr MessageStatus all[] = {MessageStatus::complete, MessageStatus::streaming,
                                            MessageStatus::interrupted, MessageStatus::error};
    return parse_enum(text, all, "message status");
}

Result<AttachmentKind> parse_attachment_kind(std::string_view text) {
    static constexpr AttachmentKind all[] = {AttachmentKind::text, AttachmentKind::markdown,
                                             AttachmentKind::pdf, AttachmentKind::image};
    return parse_enum(text, all, "attachment kind");
}

}  // namespace farsight::storage
