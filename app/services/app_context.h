// AppContext: the composition root. Owns every service (no singletons), wires their signals,
// opens the session database, restores an interrupted session and hands the services to QML as
// the root window's `app` property. Destruction order is the reverse of construction: the pool,
// then the engine thread, then the storage thread (which commits what is still buffered).
#pragma once

#include <QObject>
#include <QString>

#include <memory>

#include "services/app_options.h"
#include "services/engine_port.h"

namespace farsight::app {

class AppSettings;
class ChatService;
class ConversationService;
class DocumentService;
class EngineBridge;
class ModelService;
class StallWatchdog;
class StorageService;


class AppContext : public QObject {
    Q_OBJECT
    Q_PROPERTY(QObject* settings READ settingsObject CONSTANT)
    Q_PROPERTY(QObject* chat READ chatObject CONSTANT)
    Q_PROPERTY(QObject* models READ modelsObject CONSTANT)
    Q_PROPERTY(QObject* documents READ documentsObject CONSTANT)
    Q_PROPERTY(QObject* conversations READ conversationsObject CONSTANT)
    Q_PROPERTY(QString banner READ banner NOTIFY bannerChanged)
    Q_PROPERTY(QString bannerKind READ bannerKind NOTIFY bannerChanged)   // "info", "warning", "error"
    Q_PROPERTY(bool storageReady READ storageReady NOTIFY storageChanged)
    Q_PROPERTY(bool fakeEngine READ fakeEngine CONSTANT)
    Q_PROPERTY(QString version READ version CONSTANT)
public:
    // `engine` null: the real engine when built with it (and not options.fakeEngine), else the fake.
    explicit AppContext(const AppOptions& options, std::unique_ptr<EnginePort> engine = {}, QObject* parent = nullptr);
    ~AppContext() override;

    AppSettings* settings() const { return m_settings.get(); }
    StorageService* storage() const { return m_storage.get(); }
    EngineBridge* engine() const { return m_engine.get(); }
    ModelService* models() const { return m_models.get(); }
    ChatService* chat() const { return m_chat.get(); }
    DocumentService* documents() const { return m_documents.get(); }
    ConversationService* conversations() const { return m_conversations.get(); }

    QString banner() const { return m_banner; }
    QString bannerKind() const { return m_bannerKind; }
    bool storageReady() const;
    bool fakeEngine() const { return m_fakeEngine; }
    QString version() const;
    // Nothing loading, streaming or being read; the session restored (screenshots, tests).
    bool idle() const;
    bool sessionRestored() const { return m_restored; }

    Q_INVOKABLE void dismissBanner();
    // A second instance's arguments (or the first one's): documents to attach, --model PATH.
    Q_INVOKABLE void handleArguments(const QStringList& args);

signals:
    void bannerChanged();
    void storageChanged();
    void notice(const QString& text);
    void raiseRequested();
    void restoredChanged();

private:
    QObject* settingsObject() const;
    QObject* chatObject() const;
    QObject* modelsObject() const;
    QObject* documentsObject() const;
    QObject* conversationsObject() const;
    void setBanner(const QString& text, const QString& kind);
    void wire();
    void onStorageOpened(bool ok, const QString& error);

    AppOptions m_options;
    bool m_fakeEngine = false;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<StorageService> m_storage;
    std::unique_ptr<EngineBridge> m_engine;
    std::unique_ptr<ModelService> m_models;
    std::unique_ptr<ChatService> m_chat;
    std::unique_ptr<DocumentService> m_documents;
    std::unique_ptr<ConversationService> m_conversations;
    std::unique_ptr<StallWatchdog> m_watchdog;
    QString m_banner;
    QString m_bannerKind;
    bool m_restored = false;
};

}  // namespace farsight::app
