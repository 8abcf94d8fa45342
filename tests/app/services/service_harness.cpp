// Harness implementation.
#include "service_harness.h"

namespace farsight::app::testing {

FakeEngineOptions Harness::fast() {
    FakeEngineOptions o;
    o.decode_tokens_per_s = 2000;
    o.prefill_tokens_per_s = 2'000'000;
    o.load_ms = 20;
    return o;
}

Harness::Harness(FakeEngineOptions fake, qint64 context, bool loadModel) {
    options.dataDir = dir.path();
    options.dbPath = dir.filePath("farsight.db");
    options.settingsPath = dir.filePath("settings.ini");
    options.fakeEngine = true;
    if (loadModel) options.modelPath = kFixtureModel;
    options.contextLength = context;
    restart(fake);
}

Harness::~Harness() { app.reset(); }

void Harness::restart(FakeEngineOptions fake) {
    app.reset();
    auto owned = std::make_unique<FakeEngine>(fake);
    engine = owned.get();
    app = std::make_unique<AppContext>(options, std::move(owned));
}

bool Harness::waitReady(int timeoutMs) {
    return QTest::qWaitFor([&] { return app->idle() && (options.modelPath.isEmpty() || app->models()->loaded()); }, timeoutMs);
}

QString Harness::sendAndWait(const QString& text, int timeoutMs) {
    QSignalSpy finished(app->chat(), &ChatService::replyFinished);
    app->chat()->setDraft(text);
    if (!app->chat()->send()) return {};
    if (!finished.wait(timeoutMs)) return {};
    return finished.last().at(1).toString();
}

}  // namespace farsight::app::testing
