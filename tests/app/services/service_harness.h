// A whole service graph for tests: an AppContext (the real composition root) over a temporary
// data folder, the FakeEngine and the fixture model; helpers that wait on its signals.
#pragma once

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include "services/app_context.h"
#include "services/app_settings.h"
#include "services/chat_service.h"
#include "services/conversation_service.h"
#include "services/document_service.h"
#include "services/engine_bridge.h"
#include "services/fake_engine.h"
#include "services/model_service.h"
#include "services/storage_service.h"

namespace farsight::app::testing {

inline const QString kFixtureModel = QStringLiteral(FARSIGHT_TEST_DATA "/fixtures/minimax-text/a1-tiny-hybrid");
inline const QString kDocuments = QStringLiteral(FARSIGHT_TEST_DATA "/fixtures/documents");

struct Harness {
    explicit Harness(FakeEngineOptions fake = fast(), qint64 context = 8192, bool loadModel = true);
    ~Harness();

    static FakeEngineOptions fast();
    // Builds a new AppContext over the same folder (what a restart does); the old one is destroyed first.
    void restart(FakeEngineOptions fake = fast());
    bool waitReady(int timeoutMs = 10000);
    // Sends `text` and waits for the reply; returns its final status ("" on timeout).
    QString sendAndWait(const QString& text, int timeoutMs = 20000);
    // Runs a storage job synchronously (test thread) and returns its result.
    template <class F> auto query(F job) {
        using R = std::invoke_result_t<F&, storage::SessionStore&>;
        std::optional<R> out;
        app->storage()->run(job, app.get(), [&](R r) { out.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 10000)) qFatal("storage query timed out");
        return std::move(*out);
    }

    ChatService* chat() const { return app->chat(); }
    DocumentService* documents() const { return app->documents(); }
    ConversationService* conversations() const { return app->conversations(); }
    ModelService* models() const { return app->models(); }
    EngineBridge* engineBridge() const { return app->engine(); }

    QTemporaryDir dir;
    AppOptions options;
    FakeEngine* engine = nullptr;   // owned by the bridge inside `app`
    std::unique_ptr<AppContext> app;
};

}  // namespace farsight::app::testing
