// ChatService: opening conversations, drafts, settings, branches and crash restore. The turn
// pipeline (send / regenerate / edit -> prefix -> generate -> finish) is in chat_turns.cpp.
#include "services/chat_service.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include "services/document_service.h"
#include "services/model_service.h"

namespace farsight::app {

using storage::SessionStore;

QString SamplingSettings::toJson() const {
    const QJsonObject o{{"temperature", temperature}, {"top_p", topP}, {"top_k", topK}, {"max_tokens", maxTokens}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

SamplingSettings SamplingSettings::fromJson(const std::string& json) {
    SamplingSettings s;
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    s.temperature = std::clamp(o.value("temperature").toDouble(s.temperature), 0.0, 2.0);
    s.topP = std::clamp(o.value("top_p").toDouble(s.topP), 0.0, 1.0);
    s.topK = std::clamp(o.value("top_k").toInt(s.topK), 0, 1000);
    s.maxTokens = std::clamp(o.value("max_tokens").toInt(s.maxTokens), 1, 1 << 20);
    return s;
}

ChatService::ChatService(StorageService* storage, EngineBridge* engine, ModelService* model, const QString& snapshotDir,
                         QObject* parent)
    : QObject(parent), m_storage(storage), m_engine(engine), m_model(model), m_snapshotDir(snapshotDir) {
    m_draftTimer.setSingleShot(true);
    m_draftTimer.setInterval(400);
    connect(&m_draftTimer, &QTimer::timeout, this, &ChatService::flushDraft);
    connectEngine();
}

ChatService::~ChatService() = default;

qint64 ChatService::historyTokenEstimate() const {
    qint64 bytes = m_systemPrompt.toUtf8().size();
    for (int row = 0; row < m_messages.rowCount(); ++row) bytes += m_messages.itemAt(row).content.toUtf8().size() + 16;
    return bytes / 4;
}

void ChatService::setDraft(const QString& text) {
    if (text == m_draft) return;
    m_draft = text;
    m_draftDirty = true;
    emit draftChanged();
    if (m_conversation == 0 && !text.trimmed().isEmpty()) ensureConversation([this](qint64) { m_draftTimer.start(); });
    else m_draftTimer.start();
}

void ChatService::flushDraft() {
    m_draftTimer.stop();
    if (!m_draftDirty || m_conversation == 0) return;
    m_draftDirty = false;
    m_storage->run([id = m_conversation, text = m_draft.toStdString()](SessionStore& s) {
        return text.empty() ? s.drafts().clear(id) : s.drafts().save(id, text);
    });
}

void ChatService::ensureConversation(std::function<void(qint64)> then) {
    if (m_conversation != 0) {
        then(m_conversation);
        return;
    }
    m_afterCreate.push_back(std::move(then));
    if (m_creating) return;
    m_creating = true;
    storage::Conversation fields;
    fields.title = tr("New chat").toStdString();
    fields.system_prompt = m_systemPrompt.toStdString();
    fields.sampling_json = m_sampling.toJson().toStdString();
    fields.model_path = m_model->path().toStdString();
    fields.model_identity = m_model->identity().toStdString();
    m_storage->run([fields](SessionStore& s) { return s.conversations().create(fields); }, this,
                   [this](Result<storage::ConversationId> id) {
                       m_creating = false;
                       auto callbacks = std::move(m_afterCreate);
                       m_afterCreate.clear();
                       if (!id.ok()) {
                           emit notice(tr("Could not create the conversation: %1").arg(QString::fromStdString(id.status().message())));
                           return;
                       }
                       m_conversation = *id;
                       m_title = tr("New chat");
                       emit conversationChanged();
                       emit titleChanged();
                       emit conversationUpdated(m_conversation, m_title, storage::now_ms());
                       for (auto& cb : callbacks) cb(m_conversation);
                   });
}

void ChatService::newConversation() {
    if (generating()) stop();
    flushDraft();
    ++m_loadSeq;
    m_conversation = 0;
    m_title.clear();
    m_draft.clear();
    m_draftDirty = false;
    m_systemPrompt.clear();
    m_sampling = {};
    m_contextUsed = 0;
    m_reusedTokens = 0;
    m_messages.setItems({});
    emit conversationChanged();
    emit titleChanged();
    emit draftChanged();
    emit settingsChanged();
    emit progressChanged();
}

void ChatService::openConversation(qint64 id) {
    if (id == m_conversation && id != 0) return;
    if (id <= 0) {
        newConversation();
        return;
    }
    if (generating()) stop();
    flushDraft();
    loadConversation(id);
}

void ChatService::dismissConversation(qint64 id) {
    if (id == m_conversation) newConversation();
}

namespace {

struct LoadedConversation {
    storage::Conversation conversation;
    std::vector<MessageItem> branch;
    std::string draft;
};

Result<std::vector<MessageItem>> load_branch(SessionStore& s, qint64 conversation) {
    FS_ASSIGN_OR_RETURN(auto messages, s.messages().active_branch(conversation));
    std::vector<MessageItem> items;
    items.reserve(messages.size());
    for (const storage::Message& m : messages) {
        FS_ASSIGN_OR_RETURN(storage::SiblingInfo sib, s.messages().siblings(m.id));
        MessageItem item = MessageListModel::fromStorage(m, sib);
        // A reply still being written shows what is buffered too.
        if (m.status == storage::MessageStatus::streaming) {
            auto text = s.reply_text(m.id);
            if (text.ok()) item.content = QString::fromStdString(*text);
        }
        items.push_back(std::move(item));
    }
    return items;
}

}  // namespace

void ChatService::loadConversation(qint64 id, std::function<void()> then) {
    const quint64 seq = ++m_loadSeq;
    m_loading = true;
    emit loadingChanged();
    m_storage->run(
        [id](SessionStore& s) -> Result<LoadedConversation> {
            LoadedConversation out;
            FS_ASSIGN_OR_RETURN(out.conversation, s.conversations().get(id));
            FS_ASSIGN_OR_RETURN(out.branch, load_branch(s, id));
            FS_ASSIGN_OR_RETURN(auto draft, s.drafts().get(id));
            if (draft) out.draft = draft->text;
            return out;
        },
        this, [this, seq, id, then](Result<LoadedConversation> r) {
            if (seq != m_loadSeq) return;
            m_loading = false;
            emit loadingChanged();
            if (!r.ok()) {
                emit notice(tr("Could not open the conversation: %1").arg(QString::fromStdString(r.status().message())));
                if (then) then();
                return;
            }
            m_conversation = id;
            m_title = QString::fromStdString(r->conversation.title);
            m_systemPrompt = QString::fromStdString(r->conversation.system_prompt);
            m_sampling = SamplingSettings::fromJson(r->conversation.sampling_json);
            m_draft = QString::fromStdString(r->draft);
            m_draftDirty = false;
            m_reusedTokens = 0;
            m_contextUsed = 0;
            for (const MessageItem& m : r->branch) m_contextUsed = std::max(m_contextUsed, m.contextUsed);
            m_messages.setItems(std::move(r->branch));
            emit conversationChanged();
            emit titleChanged();
            emit draftChanged();
            emit settingsChanged();
            emit progressChanged();
            emit branchLoaded();
            if (then) then();
        });
}

void ChatService::reloadBranch() {
    if (m_conversation == 0) return;
    const quint64 seq = ++m_loadSeq;
    m_storage->run([id = m_conversation](SessionStore& s) { return load_branch(s, id); }, this,
                   [this, seq](Result<std::vector<MessageItem>> r) {
                       if (seq != m_loadSeq) return;
                       if (!r.ok()) {
                           emit notice(QString::fromStdString(r.status().message()));
                           return;
                       }
                       m_messages.setItems(std::move(*r));
                       emit branchLoaded();
                   });
}

void ChatService::switchBranch(qint64 messageId, int delta) {
    if (generating() || m_conversation == 0 || delta == 0) return;
    m_storage->run(
        [messageId, delta](SessionStore& s) -> Status {
            FS_ASSIGN_OR_RETURN(storage::SiblingInfo sib, s.messages().siblings(messageId));
            const auto target = delta < 0 ? sib.previous : sib.next;
            if (!target) return Status(ErrorCode::not_found, "no other branch that way");
            return s.messages().set_active(*target);
        },
        this, [this](Status st) {
            if (!st.ok()) return;
            reloadBranch();
        });
}

void ChatService::copyMessage(qint64 messageId) {
    const MessageItem* m = m_messages.find(messageId);
    if (!m) return;
    const ThinkSplit split = splitThinking(m->content);
    if (QClipboard* clipboard = QGuiApplication::clipboard()) clipboard->setText(split.body.isEmpty() ? m->content : split.body);
    emit notice(tr("Copied to the clipboard"));
}

void ChatService::saveSettings() {
    if (m_conversation == 0) return;
    m_storage->run([id = m_conversation, prompt = m_systemPrompt.toStdString(),
                    json = m_sampling.toJson().toStdString()](SessionStore& s) -> Status {
        FS_RETURN_IF_ERROR(s.conversations().set_system_prompt(id, prompt));
        return s.conversations().set_sampling(id, json);
    });
}

void ChatService::setSystemPrompt(const QString& prompt) {
    if (prompt == m_systemPrompt) return;
    m_systemPrompt = prompt;
    emit settingsChanged();
    saveSettings();
}

void ChatService::setTemperature(double v) {
    v = std::clamp(v, 0.0, 2.0);
    if (qFuzzyCompare(v + 1, m_sampling.temperature + 1)) return;
    m_sampling.temperature = v;
    emit settingsChanged();
    saveSettings();
}

void ChatService::setTopP(double v) {
    v = std::clamp(v, 0.0, 1.0);
    if (qFuzzyCompare(v + 1, m_sampling.topP + 1)) return;
    m_sampling.topP = v;
    emit settingsChanged();
    saveSettings();
}

void ChatService::setTopK(int v) {
    v = std::clamp(v, 0, 1000);
    if (v == m_sampling.topK) return;
    m_sampling.topK = v;
    emit settingsChanged();
    saveSettings();
}

void ChatService::setMaxTokens(int v) {
    v = std::clamp(v, 1, 1 << 20);
    if (v == m_sampling.maxTokens) return;
    m_sampling.maxTokens = v;
    emit settingsChanged();
    saveSettings();
}

void ChatService::restoreSession(const StoreOpenInfo& info, qint64 fallback, bool crashed) {
    struct Restore {
        qint64 conversation = 0;
        QString title;
        bool reply = false;
        bool draft = false;
    };
    const auto interrupted = info.interrupted;
    const auto drafts = info.drafts;
    m_storage->run(
        [interrupted, drafts, fallback](SessionStore& s) -> Result<Restore> {
            Restore r;
            // The newest interrupted reply wins; else the newest draft; else the fallback.
            for (auto it = interrupted.rbegin(); it != interrupted.rend() && r.conversation == 0; ++it) {
                auto m = s.messages().get(*it);
                if (!m.ok()) continue;
                auto c = s.conversations().get(m->conversation);
                if (!c.ok() || c->deleted_at) continue;
                r.conversation = c->id;
                r.title = QString::fromStdString(c->title);
                r.reply = true;
            }
            for (const storage::Draft& d : drafts) {
                if (r.conversation != 0 && d.conversation != r.conversation) continue;
                auto c = s.conversations().get(d.conversation);
                if (!c.ok() || c->deleted_at) continue;
                r.conversation = c->id;
                r.title = QString::fromStdString(c->title);
                r.draft = true;
                break;
            }
            if (r.conversation == 0 && fallback > 0) {
                auto c = s.conversations().get(fallback);
                if (c.ok() && !c->deleted_at) r.conversation = fallback;
            }
            if (r.conversation == 0) {   // where the user was last active
                FS_ASSIGN_OR_RETURN(auto list, s.conversations().list());
                const storage::Conversation* newest = nullptr;
                for (const auto& c : list)
                    if (!newest || c.updated_at > newest->updated_at) newest = &c;
                if (newest) r.conversation = newest->id;
            }
            return r;
        },
        this, [this, crashed](Result<Restore> r) {
            if (!r.ok() || r->conversation == 0) {
                emit sessionRestored();
                return;
            }
            Restore restore = *r;
            restore.draft = restore.draft && (crashed || restore.reply);
            loadConversation(restore.conversation, [this, restore] {
                emit sessionRestored();
                if (!restore.reply && !restore.draft) return;
                QString what = restore.reply && restore.draft ? tr("your draft and the interrupted reply")
                               : restore.reply               ? tr("the interrupted reply")
                                                             : tr("your draft");
                emit recovered(tr("Farsight did not close properly last time. Restored %1 in “%2”.").arg(what, restore.title));
            });
        });
}

}  // namespace farsight::app
