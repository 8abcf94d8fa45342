// ChatService: the open conversation. Loads its branch, settings and draft from storage; sends
// (user message durable first, then the reply streamed into storage as it arrives), stops,
// regenerates, edits an earlier message into a new branch, switches branches, autosaves the draft
// and restores an interrupted session after a crash. Generation itself runs in EngineBridge.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "services/engine_bridge.h"
#include "services/message_list_model.h"
#include "services/storage_service.h"

namespace farsight::app {

class ModelService;
class DocumentService;

struct SamplingSettings {
    double temperature = 0.7;
    double topP = 0.95;
    int topK = 40;
    int maxTokens = 2048;
    QString toJson() const;
    static SamplingSettings fromJson(const std::string& json);
};

class ChatService : public QObject {
    Q_OBJECT
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationChanged)
    Q_PROPERTY(QString title READ title NOTIFY titleChanged)
    Q_PROPERTY(QObject* messages READ messages CONSTANT)
    Q_PROPERTY(QString draft READ draft WRITE setDraft NOTIFY draftChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    // "", "saving", "reading" (prefill of documents), "thinking" (prompt prefill), "writing"
    Q_PROPERTY(QString phase READ phase NOTIFY generatingChanged)
    Q_PROPERTY(double prefillDone READ prefillDone NOTIFY progressChanged)
    Q_PROPERTY(double prefillTotal READ prefillTotal NOTIFY progressChanged)
    Q_PROPERTY(double prefillRate READ prefillRate NOTIFY progressChanged)
    Q_PROPERTY(double prefillSecondsLeft READ prefillSecondsLeft NOTIFY progressChanged)
    Q_PROPERTY(qint64 reusedTokens READ reusedTokens NOTIFY progressChanged)
    Q_PROPERTY(qint64 contextUsed READ contextUsed NOTIFY progressChanged)
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY settingsChanged)
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY settingsChanged)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY settingsChanged)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY settingsChanged)
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY settingsChanged)
public:
    ChatService(StorageService* storage, EngineBridge* engine, ModelService* model, const QString& snapshotDir,
                QObject* parent = nullptr);
    ~ChatService() override;

    void setDocuments(DocumentService* documents) { m_documents = documents; }

    qint64 conversationId() const { return m_conversation; }
    QString title() const { return m_title; }
    MessageListModel* messageModel() { return &m_messages; }
    QObject* messages() { return &m_messages; }
    QString draft() const { return m_draft; }
    void setDraft(const QString& text);
    bool loading() const { return m_loading; }
    bool generating() const { return !m_phase.isEmpty(); }
    QString phase() const { return m_phase; }
    double prefillDone() const { return m_prefillDone; }
    double prefillTotal() const { return m_prefillTotal; }
    double prefillRate() const { return m_prefillRate; }
    double prefillSecondsLeft() const { return m_prefillSecondsLeft; }
    qint64 reusedTokens() const { return m_reusedTokens; }
    qint64 contextUsed() const { return m_contextUsed; }
    QString systemPrompt() const { return m_systemPrompt; }
    void setSystemPrompt(const QString& prompt);
    double temperature() const { return m_sampling.temperature; }
    void setTemperature(double v);
    double topP() const { return m_sampling.topP; }
    void setTopP(double v);
    int topK() const { return m_sampling.topK; }
    void setTopK(int v);
    int maxTokens() const { return m_sampling.maxTokens; }
    void setMaxTokens(int v);
    const SamplingSettings& sampling() const { return m_sampling; }
    // Tokens the system prompt and the shown branch take, estimated (4 bytes a token) for budgets.
    qint64 historyTokenEstimate() const;

    Q_INVOKABLE void openConversation(qint64 id);
    Q_INVOKABLE void newConversation();
    // Sends the draft. False (with a notice) when it cannot be sent now.
    Q_INVOKABLE bool send();
    Q_INVOKABLE void stop();
    // A new reply to the same question, kept beside the old one (a sibling branch).
    Q_INVOKABLE void regenerate(qint64 assistantId);
    // An edited copy of an earlier user message starts a new branch (the old one stays).
    Q_INVOKABLE void editMessage(qint64 userId, const QString& text);
    // Shows the previous (-1) or next (+1) sibling of `messageId` and its branch.
    Q_INVOKABLE void switchBranch(qint64 messageId, int delta);
    Q_INVOKABLE void copyMessage(qint64 messageId);
    Q_INVOKABLE void dismissConversation(qint64 id);   // the conversation was deleted elsewhere

    // Creates the conversation on first use (typing a draft, attaching a document, sending).
    void ensureConversation(std::function<void(qint64)> then);
    // After open: reopen the conversation of an interrupted reply or draft (else `fallback`, else the
    // most recently active one) and say what was restored through recovered().
    // A restored draft is announced only after a crash (`crashed`); after a clean exit it is just there.
    void restoreSession(const StoreOpenInfo& info, qint64 fallback, bool crashed);
    void flushDraft();
    // Before quitting: saves the draft and ends a running reply as interrupted (its text is kept).
    void shutdown();

signals:
    void conversationChanged();
    void titleChanged();
    void draftChanged();
    void loadingChanged();
    void generatingChanged();
    void progressChanged();
    void settingsChanged();
    void notice(const QString& text);
    void recovered(const QString& text);
    void sessionRestored();
    void conversationUpdated(qint64 id, const QString& title, qint64 updatedAt);
    void branchLoaded();
    void replyFinished(qint64 messageId, const QString& status);

private:
    struct Turn;   // a send/regenerate/edit in flight
    void connectEngine();
    void loadConversation(qint64 id, std::function<void()> then = {});
    void reloadBranch();
    void startTurn(std::shared_ptr<Turn> turn);
    void runPrefixThenGenerate(std::shared_ptr<Turn> turn);
    void generate(std::shared_ptr<Turn> turn);
    void finishTurn(const std::shared_ptr<Turn>& turn, bool ok, const QString& error, const GenerationStats& stats,
                    qint64 contextUsed, qint64 nCtx);
    std::vector<ChatMessage> historyUpTo(int row) const;
    void setPhase(const QString& phase);
    void saveSettings();
    bool checkReady();

    StorageService* m_storage;
    EngineBridge* m_engine;
    ModelService* m_model;
    DocumentService* m_documents = nullptr;
    QString m_snapshotDir;
    MessageListModel m_messages;

    qint64 m_conversation = 0;
    QString m_title;
    QString m_draft;
    bool m_draftDirty = false;
    QTimer m_draftTimer;
    bool m_loading = false;
    quint64 m_loadSeq = 0;
    bool m_creating = false;
    std::vector<std::function<void(qint64)>> m_afterCreate;

    QString m_systemPrompt;
    SamplingSettings m_sampling;

    std::shared_ptr<Turn> m_turn;
    QString m_phase;
    double m_prefillDone = 0, m_prefillTotal = 0, m_prefillRate = 0, m_prefillSecondsLeft = 0;
    qint64 m_reusedTokens = 0;
    qint64 m_contextUsed = 0;
};

}  // namespace farsight::app
