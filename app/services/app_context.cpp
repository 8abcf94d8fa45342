// AppContext implementation: construction, wiring between services, startup (open the database,
// restore, open/load the model, attach documents) and an orderly shutdown.
#include "services/app_context.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTimer>

#include "services/app_settings.h"
#include "services/chat_service.h"
#include "services/document_service.h"
#include "services/conversation_service.h"
#include "services/engine_bridge.h"
#include "services/fake_engine.h"
#include "services/model_service.h"
#include "services/stall_watchdog.h"
#include "services/storage_service.h"
#if FARSIGHT_HAVE_ENGINE
#include "services/real_engine.h"
#endif

Q_LOGGING_CATEGORY(lcApp, "farsight.app")

namespace farsight::app {
namespace {

constexpr qint64 kPurgeAfterMs = 24LL * 3600 * 1000;   // deleted conversations can be undone for a day

std::unique_ptr<EnginePort> default_engine(const AppOptions& options, bool* fake) {
#if FARSIGHT_HAVE_ENGINE
    if (!options.fakeEngine) {
        *fake = false;
        return std::make_unique<RealEngine>([](LogLevel level, std::string_view line) {
            const QString text = QString::fromUtf8(line.data(), static_cast<qsizetype>(line.size()));
            static const QLoggingCategory category("farsight.engine");
            if (level == LogLevel::error) qCWarning(category).noquote() << text;
            else if (level == LogLevel::debug) qCDebug(category).noquote() << text;
            else qCInfo(category).noquote() << text;
        });
    }
#endif
    *fake = true;
    return std::make_unique<FakeEngine>(options.fake);
}

}  // namespace

AppContext::AppContext(const AppOptions& options, std::unique_ptr<EnginePort> engine, QObject* parent)
    : QObject(parent), m_options(options) {
    m_settings = std::make_unique<AppSettings>(options.settingsPath);
    if (!options.theme.isEmpty()) m_settings->setTheme(options.theme);
    m_storage = std::make_unique<StorageService>();
    if (engine) m_fakeEngine = dynamic_cast<FakeEngine*>(engine.get()) != nullptr;
    else engine = default_engine(options, &m_fakeEngine);
    m_engine = std::make_unique<EngineBridge>(std::move(engine));
    m_models = std::make_unique<ModelService>(m_engine.get(), m_settings.get());
    const QString snapshots = QDir(options.dataDir).filePath(QStringLiteral("snapshots"));
    m_chat = std::make_unique<ChatService>(m_storage.get(), m_engine.get(), m_models.get(), snapshots);
    m_documents = std::make_unique<DocumentService>(m_storage.get(), m_engine.get(), m_models.get(), m_chat.get(),
                                                    options.extractHelper);
    m_chat->setDocuments(m_documents.get());
    m_conversations = std::make_unique<ConversationService>(m_storage.get());
    wire();

    if (options.watchdog) {
        m_watchdog = std::make_unique<StallWatchdog>();
        m_watchdog->start();
        auto* report = new QTimer(this);
        connect(report, &QTimer::timeout, this, [this] {
            qCInfo(lcApp).noquote() << "gui_stall" << m_watchdog->summary();
            m_watchdog->reset();
        });
        report->start(10000);
    }

    m_storage->open(options.dbPath);
    if (!options.modelPath.isEmpty()) {
        m_models->open(options.modelPath);
        if (options.contextLength > 0) m_models->setContextLength(options.contextLength);
        m_models->load();
    } else if (!m_settings->lastModelPath().isEmpty() && QFileInfo::exists(m_settings->lastModelPath())) {
        m_models->open(m_settings->lastModelPath());
    }
}

AppContext::~AppContext() {
    m_chat->shutdown();
    m_documents->cancelAll();
    m_engine->cancelAll();
    // Members go in reverse order: documents' pool, chat, models, the engine thread, then storage
    // (which commits the interrupted reply and closes the database).
    m_conversations.reset();
    m_documents.reset();
    m_chat.reset();
    m_models.reset();
    m_engine.reset();
    m_storage.reset();
    m_settings->markCleanExit();
}

QObject* AppContext::settingsObject() const { return m_settings.get(); }
QObject* AppContext::chatObject() const { return m_chat.get(); }
QObject* AppContext::modelsObject() const { return m_models.get(); }
QObject* AppContext::documentsObject() const { return m_documents.get(); }
QObject* AppContext::conversationsObject() const { return m_conversations.get(); }

bool AppContext::storageReady() const { return m_storage->isOpen(); }

QString AppContext::version() const { return QStringLiteral(FARSIGHT_VERSION); }

bool AppContext::idle() const {
    return m_restored && m_storage->isOpen() && !m_chat->loading() && !m_chat->generating() && !m_documents->busy() &&
           !m_models->busy();
}

void AppContext::setBanner(const QString& text, const QString& kind) {
    m_banner = text;
    m_bannerKind = kind;
    emit bannerChanged();
}

void AppContext::dismissBanner() { setBanner({}, {}); }

void AppContext::wire() {
    connect(m_storage.get(), &StorageService::opened, this, &AppContext::onStorageOpened);
    connect(m_storage.get(), &StorageService::writeFailed, this, [this](const QString& error) {
        emit notice(tr("Could not save (%1). Your text is kept in memory and saving is retried.").arg(error));
    });
    connect(m_chat.get(), &ChatService::conversationChanged, this, [this] {
        m_documents->setConversation(m_chat->conversationId());
        if (m_chat->conversationId() > 0) m_settings->setLastConversation(m_chat->conversationId());
    });
    connect(m_chat.get(), &ChatService::conversationUpdated, m_conversations.get(), &ConversationService::touch);
    connect(m_chat.get(), &ChatService::recovered, this, [this](const QString& text) { setBanner(text, "info"); });
    connect(m_chat.get(), &ChatService::sessionRestored, this, [this] {
        m_restored = true;
        emit restoredChanged();
        if (!m_options.files.isEmpty()) {
            m_chat->newConversation();
            m_documents->attach(m_options.files);
        }
    });
    // Citations: after each reply, and for the whole branch once both it and the documents are loaded.
    auto citeBranch = [this] {
        if (!m_documents->hasDocuments()) return;
        MessageListModel* messages = m_chat->messageModel();
        for (int row = 0; row < messages->rowCount(); ++row) {
            const MessageItem& m = messages->itemAt(row);
            if (m.role == QLatin1String("assistant") && m.status != QLatin1String("streaming") && m.citations.isEmpty())
                m_documents->requestCitations(m.id, splitThinking(m.content).body);
        }
    };
    connect(m_chat.get(), &ChatService::branchLoaded, this, citeBranch);
    connect(m_documents.get(), &DocumentService::documentsLoaded, this, citeBranch);
    connect(m_documents.get(), &DocumentService::citationsReady, this, [this](qint64 id, const QVariantList& list) {
        m_chat->messageModel()->setCitations(id, list);
    });
    connect(m_conversations.get(), &ConversationService::removed, m_chat.get(), &ChatService::dismissConversation);
    connect(m_conversations.get(), &ConversationService::imported, m_chat.get(), &ChatService::openConversation);
    for (QObject* source : {static_cast<QObject*>(m_chat.get()), static_cast<QObject*>(m_documents.get()),
                            static_cast<QObject*>(m_conversations.get())})
        connect(source, SIGNAL(notice(QString)), this, SIGNAL(notice(QString)));
    connect(m_models.get(), &ModelService::failed, this, [this](const QString& error) {
        emit notice(tr("Model: %1").arg(error));
    });
}

void AppContext::onStorageOpened(bool ok, const QString& error) {
    emit storageChanged();
    if (!ok) {
        setBanner(tr("The session database could not be opened: %1").arg(error), "error");
        m_restored = true;
        emit restoredChanged();
        return;
    }
    const StoreOpenInfo& info = m_storage->openInfo();
    if (info.corrupt)
        setBanner(tr("The session database was damaged (%1). It was kept aside as %2 and %3 rows were recovered.")
                      .arg(info.corruptReason, QFileInfo(info.movedTo).fileName())
                      .arg(info.rowsSalvaged),
                  "warning");
    m_conversations->reload();
    m_conversations->purgeDeleted(kPurgeAfterMs);
    m_chat->restoreSession(info, m_settings->lastConversation(), !m_settings->previousRunEndedCleanly());
}

void AppContext::handleArguments(const QStringList& args) {
    QStringList files;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--model") && i + 1 < args.size()) {
            m_models->load(args[++i]);
            continue;
        }
        if (!args[i].startsWith('-')) files << args[i];
    }
    if (!files.isEmpty()) {
        m_chat->newConversation();
        m_documents->attach(files);
    }
    emit raiseRequested();
}

}  // namespace farsight::app
