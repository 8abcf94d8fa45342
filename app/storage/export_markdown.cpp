// Markdown export: the shown (active) branch as the transcript, then every other branch, each
// noted with the turn it branches from, so nothing in the tree is lost from the readable copy.
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

#include "storage/attachment_repo.h"
#include "storage/conversation_repo.h"
#include "storage/export_import.h"
#include "storage/message_repo.h"

namespace farsight::storage {

namespace {

std::string format_time(TimestampMs ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

std::string role_title(Role r) {
    switch (r) {
        case Role::system: return "System";
        case Role::user: return "User";
        case Role::assistant: return "Assistant";
        case Role::tool: return "Tool";
    }
    return "User";
}

struct Tree {
    std::map<MessageId, const Message*> by_id;
    std::map<std::optional<MessageId>, std::vector<const Message*>> children;   // ordered by id
};

void write_message(std::ostringstream& out, const Message& m, const std::string& label, const Tree& tree) {
    out << "### " << label << role_title(m.role);
    if (!m.generation.model_identity.empty() && m.role == Role::assistant) out << " · " << m.generation.model_identity;
    out << " · " << format_time(m.created_at) << "\n\n";
    const auto& sibs = tree.children.at(m.parent);
    if (sibs.size() > 1) {
        std::size_t index = 0;
        while (index < sibs.size() && sibs[index]->id != m.id) ++index;
        out << "*Version " << index + 1 << " of " << sibs.size() << " at this turn.*\n\n";
    }
    out << m.content << (m.content.empty() || m.content.back() == '\n' ? "" : "\n") << "\n";
    if (m.stats && m.role == Role::assistant) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "*%.1f tok/s · first token %.0f ms · %lld tokens · context %lld*\n\n",
                      m.stats->tokens_per_s, m.stats->ttft_ms, static_cast<long long>(m.stats->n_tokens),
                      static_cast<long long>(m.stats->n_context_used));
        out << buf;
    }
    if (m.status == MessageStatus::interrupted) out << "> **Interrupted:** this reply was cut off.\n\n";
    if (m.status == MessageStatus::streaming) out << "> **Incomplete:** this reply was still being written.\n\n";
    if (m.status == MessageStatus::error) out << "> **Error:** " << m.error_message << "\n\n";
}

// The branch below `start` that the active pointers select (falling back to the newest child).
std::vector<const Message*> follow(const Tree& tree, const Message* start) {
    std::vector<const Message*> path;
    for (const Message* m = start; m != nullptr && path.size() <= tree.by_id.size();) {
        path.push_back(m);
        auto kids = tree.children.find(m->id);
        if (kids == tree.children.end() || kids->second.empty()) break;
        const Message* next = kids->second.back();
        if (m->active_child) {
            for (const Message* k : kids->second)
                if (k->id == *m->active_child) next = k;
        }
        m = next;
    }
    return path;
}

}  // namespace

Result<std::string> export_markdown(Db& db, ConversationId id) {
    FS_RETURN_IF_ERROR(db.exec("BEGIN"));
    struct EndRead { Db& db; ~EndRead() { (void)db.exec("COMMIT"); } } end_read{db};
    ConversationRepo conversations(db);
    MessageRepo messages(db);
    AttachmentRepo attachments(db);
    FS_ASSIGN_OR_RETURN(Conversation c, conversations.get(id));
    FS_ASSIGN_OR_RETURN(std::vector<Message> all, messages.all(id));
    FS_ASSIGN_OR_RETURN(std::vector<Message> active, messages.active_branch(id));
    FS_ASSIGN_OR_RETURN(std::vector<Attachment> files, attachments.list(id));

    Tree tree;
    for (const Message& m : all) {
        tree.by_id[m.id] = &m;
        tree.children[m.parent].push_back(&m);
    }
    std::ostringstream out;
    out << "# " << (c.title.empty() ? "Untitled chat" : c.title) << "\n\n";
    out << "- Created: " << format_time(c.created_at) << " · Updated: " << format_time(c.updated_at) << "\n";
    if (!c.model_identity.empty() || !c.model_path.empty())
        out << "- Model: " << c.model_identity << (c.model_path.empty() ? "" : " (`" + c.model_path + "`)") << "\n";
    if (c.sampling_json != "{}" && !c.sampling_json.empty()) out << "- Sampling: `" << c.sampling_json << "`\n";
    out << "- Exported by Farsight: " << all.size() << " messages";
    std::size_t n_branch_points = 0;
    for (const auto& [parent, kids] : tree.children) n_branch_points += kids.size() > 1 ? 1 : 0;
    if (n_branch_points > 0) out << ", " << n_branch_points << " branch point(s); other branches follow the transcript";
    out << "\n\n";
    if (!c.system_prompt.empty()) {
        out << "## System prompt\n\n";
        std::istringstream lines(c.system_prompt);
        for (std::string line; std::getline(lines, line);) out << "> " << line << "\n";
        out << "\n";
    }
    if (!files.empty()) {
        out << "## Attachments\n\n";
        for (const Attachment& a : files)
            out << "- `" << a.original_path << "` (" << to_string(a.kind) << ", " << a.byte_size << " bytes, "
                << a.n_tokens << " tokens, sha256 " << a.sha256.substr(0, 16) << ")\n";
        out << "\n";
    }
    out << "## Transcript\n\n";
    // label[id]: where a message was printed ("turn 3", "B2.1"), so branches can say where they fork.
    std::map<MessageId, std::string> label;
    for (std::size_t i = 0; i < active.size(); ++i) {
        label[active[i].id] = "turn " + std::to_string(i + 1);
        write_message(out, *tree.by_id[active[i].id], "Turn " + std::to_string(i + 1) + " · ", tree);
    }
    // Each sibling not printed yet starts another branch, shown along its own active path. Messages
    // come by id, so a fork point is always printed before the branches that leave it.
    int branch_no = 0;
    for (const Message& m : all) {
        if (label.count(m.id) || tree.children[m.parent].size() < 2) continue;
        if (branch_no == 0) out << "## Other branches\n\n";
        ++branch_no;
        std::string where = !m.parent ? "at the start"
                          : label.count(*m.parent) ? "after " + label[*m.parent]
                                                   : "after message " + std::to_string(*m.parent);
        out << "### Branch " << branch_no << " (" << where << ")\n\n";
        int step = 0;
        for (const Message* b : follow(tree, &m)) {
            if (label.count(b->id)) break;
            std::string name = "B" + std::to_string(branch_no) + "." + std::to_string(++step);
            label[b->id] = name;
            write_message(out, *b, name + " · ", tree);
        }
    }
    return out.str();
}

}  // namespace farsight::storage
