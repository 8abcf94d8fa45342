// ChatService's turn pipeline: send / regenerate / edit write the user message and an empty
// streaming reply first (durable before any engine work), prefill the documents once into a
// snapshot ("reusing N prefilled tokens" later), stream the reply into the model and storage,
// then finish it as complete, interrupted (stopped) or error.
#include <QCryptographicHash>
#include <QDir>
#include <QFile>

#include <optional>

#include "services/chat_service.h"
#include "services/document_service.h"
#include "services/model_service.h"

namespace farsight::app {

using storage::SessionStore;

namespace {
constexpr const char* kNewChatTitle = "New chat";

QString titleFrom(const QString& text) {
    QString line = text.section(u'\n', 0, 0).simplified();
    if (line.size() > 60) line = line.left(57).trimmed() + QStringLiteral("...");
    return line.isEmpty() ? QString::fromLatin1(kNewChatTitle) : line;
}
}  // namespace

struct ChatService::Turn {
    enum class Kind { send, regenerate, edit };
    Kind kind = Kind::send;
    qint64 conversation = 0;
    QString userText;
    std::optional<qint64> parent;      // send: the shown leaf; edit: the edited message's parent
    qint64 existingUser = 0;           // regenerate: the question answered again
    int keepRows = 0;                  // rows of the list kept before the new ones
    std::vector<ChatMessage> history;  // turns up to and including the user message
    std::shared_ptr<const std::string> documents;
    std::vector<storage::AttachmentId> attachments;
    std::string identity;
    std::string systemPrompt;
    SamplingSettings sampling;
    qint64 userId = 0;
    qint64 replyId = 0;
    std::string prefixKey;
    std::string snapshotPath;
    quint64 request = 0;
    bool stopped = false;
    bool gotText = false;
    bool finished = false;
};

namespace {

struct TurnRows {
    qint64 userId = 0;
    qint64 replyId = 0;
    storage::SiblingInfo userSiblings;
    storage::SiblingInfo replySiblings;
    qint64 userCreated = 0;
    qint64 replyCreated = 0;
    QString newTitle;
    std::optional<storage::EngineSnapshot> snapshot;
};

}  // namespace

void ChatService::connectEngine() {
    connect(m_engine, &EngineBridge::prefillProgress, this,
            [this](quint64 id, qint64 done, qint64 total, double rate, double left) {
                if (!m_turn || id != m_turn->request) return;
                m_prefillDone = static_cast<double>(done);
                m_prefillTotal = static_cast<double>(total);
                m_prefillRate = rate;
                m_prefillSecondsLeft = left;
                emit progressChanged();
            });
}

std::vector<ChatMessage> ChatService::historyUpTo(int lastRow) const {
    std::vector<ChatMessage> out;
    for (int row = 0; row <= lastRow && row < m_messages.rowCount(); ++row) {
        const MessageItem& m = m_messages.itemAt(row);
        if (m.role == QLatin1String("user")) {
            out.push_back({"user", m.content.toStdString(), {}});
        } else if (m.role == QLatin1String("assistant")) {
            // Earlier answers go back without their reasoning, as M1's template expects.
            const QString body = splitThinking(m.content).body;
            if (!body.isEmpty()) out.push_back({"assistant", body.toStdString(), {}});
        }
    }
    return out;
}

bool ChatService::checkReady() {
    if (generating()) return false;
    if (!m_model->loaded()) {
        emit notice(tr("Load a model first (Models panel, Ctrl+M)."));
        return false;
    }
    if (m_documents && m_documents->busy()) {
        emit notice(tr("Documents are still being read; send when they are ready, or cancel them."));
        return false;
    }
    if (m_documents && !m_documents->fits()) {
        emit notice(m_documents->fitText());
        return false;
    }
    return true;
}

bool ChatService::send() {
    const QString text = m_draft.trimmed();
    if (text.isEmpty() || !checkReady()) return false;
    auto turn = std::make_shared<Turn>();
    turn->kind = Turn::Kind::send;
    turn->userText = text;
    turn->keepRows = m_messages.rowCount();
    if (turn->keepRows > 0) turn->parent = m_messages.itemAt(turn->keepRows - 1).id;
    turn->history = historyUpTo(turn->keepRows - 1);
    turn->history.push_back({"user", text.toStdString(), {}});
    m_draft.clear();
    m_draftDirty = false;
    m_draftTimer.stop();
    emit draftChanged();
    startTurn(turn);
    return true;
}

void ChatService::regenerate(qint64 assistantId) {
    const int row = m_messages.rowOf(assistantId);
    if (row <= 0 || m_messages.itemAt(row).role != QLatin1String("assistant") || !checkReady()) return;
    const MessageItem& question = m_messages.itemAt(row - 1);
    auto turn = std::make_shared<Turn>();
    turn->kind = Turn::Kind::regenerate;
    turn->existingUser = question.id;
    turn->keepRows = row;
    turn->history = historyUpTo(row - 1);
    startTurn(turn);
}

void ChatService::editMessage(qint64 userId, const QString& text) {
    const int row = m_messages.rowOf(userId);
    const QString trimmed = text.trimmed();
    if (row < 0 || trimmed.isEmpty() || m_messages.itemAt(row).role != QLatin1String("user") || !checkReady()) return;
    const MessageItem& old = m_messages.itemAt(row);
    auto turn = std::make_shared<Turn>();
    turn->kind = Turn::Kind::edit;
    turn->userText = trimmed;
    if (old.parentId != 0) turn->parent = old.parentId;
    turn->keepRows = row;
    turn->history = historyUpTo(row - 1);
    turn->history.push_back({"user", trimmed.toStdString(), {}});
    startTurn(turn);
}

void ChatService::stop() {
    if (!m_turn) return;
    m_turn->stopped = true;
    if (m_turn->request) m_engine->cancel(m_turn->request);
}

void ChatService::shutdown() {
    flushDraft();
    if (!m_turn) return;
    auto turn = m_turn;
    stop();
    if (turn->replyId == 0) return;   // nothing written yet
    GenerationStats none;
    none.stop_reason = StopReason::cancelled;
    finishTurn(turn, true, {}, none, m_contextUsed, m_model->loadedContext());
}

void ChatService::setPhase(const QString& phase) {
    if (phase == m_phase) return;
    m_phase = phase;
    if (phase != QLatin1String("reading") && phase != QLatin1String("thinking")) {
        m_prefillDone = m_prefillTotal = m_prefillRate = m_prefillSecondsLeft = 0;
        emit progressChanged();
    }
    emit generatingChanged();
}

void ChatService::startTurn(std::shared_ptr<Turn> turn) {
    turn->identity = m_model->identity().toStdString();
    turn->systemPrompt = m_systemPrompt.toStdString();
    turn->sampling = m_sampling;
    m_turn = turn;
    m_reusedTokens = 0;
    setPhase(QStringLiteral("saving"));
    ensureConversation([this, turn](qint64 conversation) {
        if (m_turn != turn) return;
        turn->conversation = conversation;
        auto write = [this, turn](std::shared_ptr<const std::string> documents) {
            if (m_turn != turn) return;
            turn->documents = std::move(documents);
            if (turn->documents && m_documents) turn->attachments = m_documents->readyAttachmentIds();
            const auto kind = turn->kind;
            m_storage->run(
                [kind, conversation = turn->conversation, text = turn->userText.toStdString(), parent = turn->parent,
                 existing = turn->existingUser, identity = turn->identity, sampling = turn->sampling.toJson().toStdString(),
                 attachments = turn->attachments](SessionStore& s) -> Result<TurnRows> {
                    TurnRows r;
                    if (kind == Turn::Kind::regenerate) {
                        r.userId = existing;
                    } else if (kind == Turn::Kind::send) {
                        FS_ASSIGN_OR_RETURN(r.userId, s.add_user_message(conversation, text, parent));
                    } else {
                        storage::NewMessage m;
                        m.conversation = conversation;
                        m.parent = parent;
                        m.role = storage::Role::user;
                        m.content = text;
                        FS_ASSIGN_OR_RETURN(r.userId, s.messages().add(m));
                    }
                    if (kind == Turn::Kind::send) {
                        FS_ASSIGN_OR_RETURN(auto list, s.attachments().list(conversation));
                        for (const storage::Attachment& a : list)
                            if (!a.message) FS_RETURN_IF_ERROR(s.attachments().attach_to_message(a.id, r.userId));
                        FS_RETURN_IF_ERROR(s.drafts().clear(conversation));
                    }
                    FS_ASSIGN_OR_RETURN(r.replyId, s.begin_reply(conversation, r.userId, {identity, sampling}));
                    FS_ASSIGN_OR_RETURN(r.userSiblings, s.messages().siblings(r.userId));
                    FS_ASSIGN_OR_RETURN(r.replySiblings, s.messages().siblings(r.replyId));
                    FS_ASSIGN_OR_RETURN(storage::Message user, s.messages().get(r.userId));
                    r.userCreated = user.created_at;
                    r.replyCreated = storage::now_ms();
                    FS_ASSIGN_OR_RETURN(storage::Conversation c, s.conversations().get(conversation));
                    if (kind != Turn::Kind::regenerate && c.title == kNewChatTitle) {
                        r.newTitle = titleFrom(QString::fromStdString(text));
                        FS_RETURN_IF_ERROR(s.conversations().rename(conversation, r.newTitle.toStdString()));
                    }
                    if (!attachments.empty()) {
                        FS_ASSIGN_OR_RETURN(r.snapshot, s.snapshots().find(conversation, identity, attachments));
                    }
                    return r;
                },
                this, [this, turn](Result<TurnRows> r) {
                    if (!r.ok()) {
                        if (turn->kind == Turn::Kind::send && m_draft.isEmpty()) {
                            m_draft = turn->userText;   // nothing typed is lost
                            emit draftChanged();
                        }
                        m_turn.reset();
                        setPhase({});
                        emit notice(tr("Could not save the message: %1").arg(QString::fromStdString(r.status().message())));
                        reloadBranch();
                        return;
                    }
                    turn->userId = r->userId;
                    turn->replyId = r->replyId;
                    m_messages.truncateAfter(turn->keepRows - 1);
                    if (turn->kind != Turn::Kind::regenerate) {
                        MessageItem user;
                        user.id = r->userId;
                        user.parentId = turn->parent.value_or(0);
                        user.role = QStringLiteral("user");
                        user.content = turn->userText;
                        user.status = QStringLiteral("complete");
                        user.createdAt = r->userCreated;
                        user.siblingIndex = r->userSiblings.index;
                        user.siblingCount = r->userSiblings.count;
                        m_messages.append(user);
                    }
                    MessageItem reply;
                    reply.id = r->replyId;
                    reply.parentId = r->userId;
                    reply.role = QStringLiteral("assistant");
                    reply.status = QStringLiteral("streaming");
                    reply.createdAt = r->replyCreated;
                    reply.siblingIndex = r->replySiblings.index;
                    reply.siblingCount = r->replySiblings.count;
                    reply.contextSize = m_model->loadedContext();
                    m_messages.append(reply);
                    if (!r->newTitle.isEmpty()) {
                        m_title = r->newTitle;
                        emit titleChanged();
                    }
                    emit conversationUpdated(turn->conversation, m_title, storage::now_ms());
                    if (turn->stopped) {
                        GenerationStats none;
                        none.stop_reason = StopReason::cancelled;
                        finishTurn(turn, true, {}, none, m_contextUsed, m_model->loadedContext());
                        return;
                    }
                    if (!turn->documents) {
                        generate(turn);
                        return;
                    }
                    QByteArray key = QByteArray::fromStdString(turn->identity) + '\0' +
                                     QByteArray::fromStdString(turn->systemPrompt);
                    for (auto id : turn->attachments) key += '\0' + QByteArray::number(id);
                    turn->prefixKey = QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(16).toStdString();
                    QDir().mkpath(m_snapshotDir);
                    turn->snapshotPath = QDir(m_snapshotDir)
                                             .filePath(QStringLiteral("conversation-%1-%2.fsnap")
                                                           .arg(turn->conversation)
                                                           .arg(QString::fromStdString(turn->prefixKey)))
                                             .toStdString();
                    const bool reusable = r->snapshot && r->snapshot->path == turn->snapshotPath &&
                                          QFile::exists(QString::fromStdString(turn->snapshotPath));
                    if (reusable) generate(turn);
                    else runPrefixThenGenerate(turn);
                });
        };
        if (m_documents && m_documents->hasDocuments()) m_documents->withDocumentsBlock(this, write);
        else write(nullptr);
    });
}

void ChatService::runPrefixThenGenerate(std::shared_ptr<Turn> turn) {
    setPhase(QStringLiteral("reading"));
    PrefixRequest request;
    request.system_prompt = turn->systemPrompt;
    request.documents = turn->documents;
    request.prefix_key = turn->prefixKey;
    request.snapshot_path = turn->snapshotPath;
    turn->request = m_engine->preparePrefix(std::move(request));
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(m_engine, &EngineBridge::prefixReady, this,
                          [this, turn, connection](quint64 id, bool ok, const QString& error, qint64 nTokens, const QString& path) {
        if (id != turn->request) return;
        disconnect(*connection);
        if (m_turn != turn) return;
        if (!ok) {
            GenerationStats none;
            none.stop_reason = StopReason::cancelled;
            finishTurn(turn, turn->stopped, turn->stopped ? QString() : tr("Reading the documents failed: %1").arg(error),
                       none, m_contextUsed, m_model->loadedContext());
            return;
        }
        storage::EngineSnapshot snapshot;
        snapshot.conversation = turn->conversation;
        snapshot.path = path.toStdString();
        snapshot.model_identity = turn->identity;
        snapshot.n_tokens = nTokens;
        snapshot.attachments = turn->attachments;
        // Older snapshots of this conversation are superseded: drop their rows and files.
        m_storage->run([snapshot](SessionStore& s) -> Status {
            FS_ASSIGN_OR_RETURN(auto old, s.snapshots().list(snapshot.conversation));
            for (const storage::EngineSnapshot& o : old) {
                if (o.path == snapshot.path) continue;
                FS_ASSIGN_OR_RETURN(std::string file, s.snapshots().remove(o.id));
                QFile::remove(QString::fromStdString(file));
            }
            return s.snapshots().add(snapshot).status();
        });
        generate(turn);
    });
}

void ChatService::generate(std::shared_ptr<Turn> turn) {
    setPhase(QStringLiteral("thinking"));
    ChatRequest request;
    request.system_prompt = turn->systemPrompt;
    request.documents = turn->documents;
    request.turns = turn->history;
    request.params.max_tokens = turn->sampling.maxTokens;
    request.params.sampling.temperature = static_cast<float>(turn->sampling.temperature);
    request.params.sampling.top_p = static_cast<float>(turn->sampling.topP);
    request.params.sampling.top_k = turn->sampling.topK;
    request.params.sampling.seed = static_cast<uint64_t>(turn->replyId);
    request.params.prefill_chunk = 2048;
    request.prefix_key = turn->prefixKey;
    request.snapshot_path = turn->snapshotPath;
    turn->request = m_engine->generate(std::move(request));

    auto connections = std::make_shared<std::vector<QMetaObject::Connection>>();
    auto drop = [connections] {
        for (auto& c : *connections) QObject::disconnect(c);
    };
    connections->push_back(connect(m_engine, &EngineBridge::promptReady, this, [this, turn](quint64 id, qint64, qint64 reused) {
        if (id != turn->request) return;
        m_reusedTokens = reused;
        if (const MessageItem* m = m_messages.find(turn->replyId)) {
            MessageItem copy = *m;
            copy.reusedTokens = reused;
            m_messages.update(copy);
        }
        emit progressChanged();
    }));
    connections->push_back(connect(m_engine, &EngineBridge::textReady, this, [this, turn](quint64 id, const QString& text) {
        if (id != turn->request) return;
        if (!turn->gotText) {
            turn->gotText = true;
            setPhase(QStringLiteral("writing"));
        }
        m_messages.appendText(turn->replyId, text);
        m_storage->run([reply = turn->replyId, piece = text.toStdString()](SessionStore& s) { return s.append_reply(reply, piece); });
    }));
    connections->push_back(connect(m_engine, &EngineBridge::generationFinished, this,
                                   [this, turn, drop](quint64 id, bool ok, const QString& error, const GenerationStats& stats,
                                                      qint64 used, qint64 nCtx) {
        if (id != turn->request) return;
        drop();
        finishTurn(turn, ok, error, stats, used, nCtx);
    }));
}

void ChatService::finishTurn(const std::shared_ptr<Turn>& turn, bool ok, const QString& error,
                             const GenerationStats& stats, qint64 contextUsed, qint64 nCtx) {
    if (turn->finished) return;
    turn->finished = true;
    storage::MessageStatus status = storage::MessageStatus::complete;
    if (turn->stopped || (ok && stats.stop_reason == StopReason::cancelled)) status = storage::MessageStatus::interrupted;
    else if (!ok) status = storage::MessageStatus::error;
    storage::ReplyStats replyStats;
    replyStats.tokens_per_s = stats.decode_tokens_per_second();
    replyStats.ttft_ms = stats.time_to_first_token * 1000.0;
    replyStats.n_context_used = contextUsed;
    replyStats.n_tokens = stats.n_generated;
    const QString message = status == storage::MessageStatus::error ? error : QString();
    m_storage->run([reply = turn->replyId, status, replyStats, message = message.toStdString()](SessionStore& s) {
        return s.finish_reply(reply, status, replyStats, message);
    });
    const QString statusText = QString::fromUtf8(storage::to_string(status));
    if (const MessageItem* m = m_messages.find(turn->replyId)) {
        MessageItem copy = *m;
        copy.status = statusText;
        copy.errorMessage = message;
        copy.tokensPerSecond = replyStats.tokens_per_s;
        copy.ttftMs = replyStats.ttft_ms;
        copy.contextUsed = contextUsed;
        copy.contextSize = nCtx;
        copy.nTokens = stats.n_generated;
        m_messages.update(copy);
        if (turn->documents && m_documents && status != storage::MessageStatus::error)
            m_documents->requestCitations(turn->replyId, splitThinking(copy.content).body);
    }
    if (contextUsed > 0) m_contextUsed = contextUsed;
    if (m_turn == turn) m_turn.reset();
    setPhase({});
    emit progressChanged();
    emit replyFinished(turn->replyId, statusText);
}

}  // namespace farsight::app
