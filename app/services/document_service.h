// DocumentService: the Documents panel. Attaches TXT/MD/PDF files to the open conversation:
// extraction in the farsight-extract helper process (app/ingest) on a worker pool, storage of the
// text with its provenance, token counting on the engine thread (ingest::count_tokens), each with
// progress, speed, time left and cancel. Plans the context budget (ingest::plan_budget): fits, or
// the choices with exact numbers (remove files, keep the first pages, a larger context) — the
// text is never cut unless the user picks that. Builds the <documents> block the chat sends and
// matches quotes of answers back to file/page/line (ingest::CitationIndex).
#pragma once

#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QVariant>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ingest/budget.h"
#include "ingest/document.h"
#include "services/attachment_list_model.h"
#include "services/storage_service.h"

namespace farsight::app {

class ChatService;
class EngineBridge;
class ModelService;

class DocumentService : public QObject {
    Q_OBJECT
    Q_PROPERTY(QObject* attachments READ attachments CONSTANT)
    Q_PROPERTY(bool busy READ busy NOTIFY changed)
    Q_PROPERTY(bool hasDocuments READ hasDocuments NOTIFY changed)
    Q_PROPERTY(qint64 totalTokens READ totalTokens NOTIFY changed)
    Q_PROPERTY(bool estimated READ estimated NOTIFY changed)
    Q_PROPERTY(qint64 contextSize READ contextSize NOTIFY changed)
    Q_PROPERTY(qint64 reserveTokens READ reserveTokens NOTIFY changed)
    Q_PROPERTY(bool fits READ fits NOTIFY changed)
    Q_PROPERTY(QString fitText READ fitText NOTIFY changed)
    Q_PROPERTY(QVariantList choices READ choices NOTIFY changed)   // [{index, kind, description}]
    Q_PROPERTY(QString keepText READ keepText NOTIFY changed)      // the user's cut, while one is active
public:
    DocumentService(StorageService* storage, EngineBridge* engine, ModelService* model, ChatService* chat,
                    QString extractHelper = {}, QObject* parent = nullptr);
    ~DocumentService() override;   // cancels and waits for the pool

    QObject* attachments() { return &m_model; }
    AttachmentListModel* attachmentModel() { return &m_model; }
    bool busy() const { return !m_jobs.empty(); }
    bool hasDocuments() const { return !readyAttachmentIds().empty(); }
    qint64 totalTokens() const { return m_plan.n_documents; }
    bool estimated() const;
    qint64 contextSize() const;
    qint64 reserveTokens() const;
    bool fits() const { return !hasDocuments() || m_plan.fits; }
    QString fitText() const;
    QVariantList choices() const;
    QString keepText() const;
    const ingest::BudgetPlan& plan() const { return m_plan; }

    // Local paths or file:// URLs (a list or a single value).
    Q_INVOKABLE void attach(const QVariant& files);
    Q_INVOKABLE void cancel(int key);
    Q_INVOKABLE void cancelAll();
    Q_INVOKABLE void remove(int key);
    // Takes one of `choices` (by its index).
    Q_INVOKABLE void applyChoice(int index);
    // Sends the documents whole again after a keep-the-first-part choice.
    Q_INVOKABLE void clearKeep();

    void setConversation(qint64 id);
    std::vector<storage::AttachmentId> readyAttachmentIds() const;
    // The <documents> block (null when there are none), built off the GUI thread and cached.
    void withDocumentsBlock(QObject* context, std::function<void(std::shared_ptr<const std::string>)> then);
    void requestCitations(qint64 messageId, const QString& answer);

    static bool supportedPath(const QString& path);

signals:
    void changed();
    void documentsLoaded();   // the conversation's stored attachments are listed
    void attachmentReady(int key);
    void attachmentFailed(int key, const QString& error);
    void citationsReady(qint64 messageId, const QVariantList& citations);
    void notice(const QString& text);

private:
    struct Job;
    struct Extracted;
    struct CitationEntry;
    // What is known of one stored attachment (by attachment id).
    struct Source {
        std::shared_ptr<const ingest::Document> doc;    // null until loaded
        std::vector<ingest::TokenSegment> segments;     // empty until counted in this session
        std::optional<ingest::TextRange> keep;          // the user's choice: only this part is sent
        QString keepDescription;
        std::shared_ptr<const CitationEntry> citations; // built on the first citation request
    };
    struct Part {                                       // a ready attachment with its document
        qint64 id = 0;
        QString name;
        QString kind;
        std::shared_ptr<const ingest::Document> doc;
        std::optional<ingest::TextRange> keep;
        std::string keepNote;
        std::shared_ptr<const CitationEntry> citations;
    };

    void startExtraction(const std::shared_ptr<Job>& job);
    void storeExtracted(const std::shared_ptr<Job>& job, const std::shared_ptr<const Extracted>& extracted);
    void countTokens(const std::shared_ptr<Job>& job);
    void finishJob(const std::shared_ptr<Job>& job, const QString& state, const QString& error = {});
    void updateItem(int key, const std::function<void(AttachmentItem&)>& change);
    void recountEstimated();
    void replan();
    void invalidateBlock();
    void buildBlock();
    // Ready attachments in list order, their documents loaded (from storage when needed).
    void withParts(std::function<void(std::vector<Part>)> then);

    StorageService* m_storage;
    EngineBridge* m_engine;
    ModelService* m_modelService;
    ChatService* m_chat;
    QString m_helper;
    AttachmentListModel m_model;
    QThreadPool m_pool;

    qint64 m_conversation = 0;
    quint64 m_loadSeq = 0;
    int m_nextKey = 1;
    std::map<int, std::shared_ptr<Job>> m_jobs;   // in flight, by key
    std::map<qint64, Source> m_sources;           // by attachment id
    ingest::BudgetPlan m_plan;
    std::vector<int> m_planKeys;                  // plan file index -> attachment key

    std::shared_ptr<const std::string> m_block;
    bool m_blockValid = false;
    bool m_building = false;
    quint64 m_blockSeq = 0;
    std::vector<std::pair<QPointer<QObject>, std::function<void(std::shared_ptr<const std::string>)>>> m_waiting;
};

}  // namespace farsight::app
