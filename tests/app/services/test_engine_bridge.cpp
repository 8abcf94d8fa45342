// FakeEngine and EngineBridge: deterministic streaming, coalescing of streamed text (at most ~60 GUI
// updates a second), cancel latency, prefix prefill + snapshot + reuse, tokenizer jobs.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "ingest/extract.h"
#include "ingest/token_count.h"
#include "services/engine_bridge.h"
#include "services/fake_engine.h"
#if FARSIGHT_HAVE_ENGINE
#include "services/real_engine.h"
#endif

using namespace farsight;
using namespace farsight::app;

namespace {

const QString kModel = QStringLiteral(FARSIGHT_TEST_DATA "/fixtures/minimax-text/a1-tiny-hybrid");

std::unique_ptr<EngineBridge> loadedBridge(FakeEngineOptions options, FakeEngine** raw = nullptr) {
    options.load_ms = 20;
    auto engine = std::make_unique<FakeEngine>(options);
    if (raw) *raw = engine.get();
    auto bridge = std::make_unique<EngineBridge>(std::move(engine));
    QSignalSpy loaded(bridge.get(), &EngineBridge::loaded);
    bridge->load(kModel, 4096);
    if (!loaded.wait(5000) || !loaded.first().at(1).toBool()) return nullptr;
    return bridge;
}

ChatRequest question(const std::string& text, int max_tokens = 512) {
    ChatRequest r;
    r.turns = {{"user", text, {}}};
    r.params.max_tokens = max_tokens;
    return r;
}

}  // namespace

class EngineBridgeTest : public QObject {
    Q_OBJECT
private slots:
    void fakeEngineIsDeterministicAndKeepsState() {
        FakeEngineOptions options;
        options.decode_tokens_per_s = 0;
        options.load_ms = 0;
        FakeEngine engine(options);
        QVERIFY(engine.load(kModel.toStdString(), 2048, {}, nullptr).ok());
        QCOMPARE(engine.info().model_type, std::string("minimax_m1"));   // read from config.json
        auto ids = engine.tokenize("Hello, world! Unbelievably long");
        QVERIFY(ids.ok());
        QCOMPARE(ids->size(), fake_token_pieces("Hello, world! Unbelievably long").size());
        std::string a, b;
        GenerateParams params;
        auto run = [&](std::string& out) {
            engine.reset_state();
            GenerateCallbacks callbacks;
            callbacks.on_text = [&](std::string_view t, TokenId) { out += t; return true; };
            return engine.generate(*ids, params, callbacks, nullptr);
        };
        auto first = run(a);
        QVERIFY(first.ok());
        QVERIFY(QString::fromStdString(a).startsWith("<think>"));
        QVERIFY(a.find("| Aspect | Detail |") != std::string::npos);
        QVERIFY(a.find("```python") != std::string::npos);
        QCOMPARE(first->stop_reason, StopReason::eos);
        QCOMPARE(engine.n_state_tokens(), static_cast<int64_t>(ids->size()) + first->n_generated);
        QVERIFY(run(b).ok());
        QVERIFY(a != b);   // the reply number differs (regenerate gives another answer)
        QCOMPARE(a.substr(0, 20), b.substr(0, 20));
    }

    void snapshotsRoundTripAndRefuseOtherModels() {
        QTemporaryDir dir;
        FakeEngineOptions instant;
        instant.load_ms = 0;
        FakeEngine engine(instant);
        QVERIFY(engine.load(kModel.toStdString(), 2048, {}, nullptr).ok());
        auto ids = engine.tokenize("<|system|>\nsome prefix text that is long enough\n<|end|>\n");
        QVERIFY(engine.prefill(*ids, 4, nullptr, {}).ok());
        const std::string path = dir.filePath("s.fsnap").toStdString();
        QVERIFY(engine.save_snapshot(path).ok());
        engine.reset_state();
        QVERIFY(engine.load_snapshot(path).ok());
        QCOMPARE(engine.n_state_tokens(), static_cast<int64_t>(ids->size()));

        FakeEngine other(instant);
        QVERIFY(other.load(QString(FARSIGHT_TEST_DATA "/fixtures/minimax-text/a2-tiny-bf16").toStdString(), 2048, {}, nullptr).ok());
        QCOMPARE(other.load_snapshot(path).code(), ErrorCode::mismatch);
        QCOMPARE(other.load_snapshot(dir.filePath("missing").toStdString()).code(), ErrorCode::not_found);
    }

    void inspectReportsMissingPaths() {
        EngineBridge bridge(std::make_unique<FakeEngine>());
        QSignalSpy inspected(&bridge, &EngineBridge::inspected);
        bridge.inspect("/no/such/model", 4096);
        QVERIFY(inspected.wait(5000));
        QCOMPARE(inspected.first().at(1).toBool(), false);
        QVERIFY(inspected.first().at(2).toString().contains("/no/such/model"));
        bridge.inspect(kModel, 4096);
        QVERIFY(inspected.wait(5000));
        const auto plan = inspected.last().at(4).value<MemoryPlan>();
        QVERIFY(plan.weights > 0);
        QVERIFY(plan.kv_cache > 0);
    }

    void loadReportsProgressAndFailure() {
        FakeEngineOptions options;
        options.load_ms = 200;
        EngineBridge bridge(std::make_unique<FakeEngine>(options));
        QSignalSpy progress(&bridge, &EngineBridge::loadProgress);
        QSignalSpy loaded(&bridge, &EngineBridge::loaded);
        bridge.load(kModel, 2048);
        QVERIFY(loaded.wait(5000));
        QVERIFY(loaded.first().at(1).toBool());
        QVERIFY(progress.count() >= 2);
        QCOMPARE(loaded.first().at(4).toLongLong(), 2048);

        options.fail_load = true;
        EngineBridge failing(std::make_unique<FakeEngine>(options));
        QSignalSpy failed(&failing, &EngineBridge::loaded);
        failing.load(kModel, 2048);
        QVERIFY(failed.wait(5000));
        QCOMPARE(failed.first().at(1).toBool(), false);
        QVERIFY(failed.first().at(2).toString().contains("simulated load failure"));
    }

    void streamedTextIsCoalescedToTheFrameRate() {
        // 2,000 tokens/s for ~1.5 s: without coalescing that is 2,000 GUI updates a second.
        FakeEngineOptions options;
        options.decode_tokens_per_s = 2000;
        options.reply = QString("word ").repeated(3000).toStdString();
        auto bridge = loadedBridge(options);
        QVERIFY(bridge);
        QSignalSpy text(bridge.get(), &EngineBridge::textReady);
        QSignalSpy finished(bridge.get(), &EngineBridge::generationFinished);
        QElapsedTimer clock;
        clock.start();
        const quint64 id = bridge->generate(question("go", 4000));
        QVERIFY(finished.wait(20000));
        const double seconds = clock.elapsed() / 1000.0;
        QString all;
        for (const auto& args : text) {
            QCOMPARE(args.at(0).toULongLong(), id);
            all += args.at(1).toString();
        }
        QCOMPARE(all.size(), static_cast<qsizetype>(options.reply.size()));
        QCOMPARE(all, QString::fromStdString(options.reply));   // nothing lost, in order
        const double rate = text.count() / seconds;
        qInfo("textReady: %lld signals in %.2f s = %.1f/s for %d tokens", static_cast<long long>(text.count()), seconds,
              rate, static_cast<int>(finished.first().at(3).value<GenerationStats>().n_generated));
        QVERIFY2(rate <= 64.0, qPrintable(QString("%1 updates/s").arg(rate)));
        QVERIFY(text.count() >= 10);
    }

    void cancelStopsWithinAFewTokens() {
        FakeEngineOptions options;
        options.decode_tokens_per_s = 100;
        auto bridge = loadedBridge(options);
        QVERIFY(bridge);
        QSignalSpy text(bridge.get(), &EngineBridge::textReady);
        QSignalSpy finished(bridge.get(), &EngineBridge::generationFinished);
        const quint64 id = bridge->generate(question("tell me a long story", 5000));
        QVERIFY(text.wait(5000));
        QElapsedTimer clock;
        clock.start();
        bridge->cancel(id);
        QVERIFY(finished.wait(5000));
        qInfo("cancel latency: %lld ms", static_cast<long long>(clock.elapsed()));
        QVERIFY(clock.elapsed() < 250);
        QCOMPARE(finished.first().at(1).toBool(), true);
        QCOMPARE(finished.first().at(3).value<GenerationStats>().stop_reason, StopReason::cancelled);
    }

    void prefixIsPrefilledSnapshottedAndReused() {
        QTemporaryDir dir;
        FakeEngineOptions options;
        options.decode_tokens_per_s = 0;
        options.prefill_tokens_per_s = 200000;
        auto bridge = loadedBridge(options);
        QVERIFY(bridge);
        auto documents = std::make_shared<const std::string>(
            "<documents>\n<document name=\"a.txt\">\n" + QString("The quick brown fox jumps over the lazy dog. ").repeated(400).toStdString() +
            "\n</document>\n</documents>");
        PrefixRequest prefix;
        prefix.documents = documents;
        prefix.prefix_key = "k1";
        prefix.snapshot_path = dir.filePath("p.fsnap").toStdString();
        QSignalSpy progress(bridge.get(), &EngineBridge::prefillProgress);
        QSignalSpy ready(bridge.get(), &EngineBridge::prefixReady);
        bridge->preparePrefix(prefix);
        QVERIFY(ready.wait(10000));
        QVERIFY2(ready.first().at(1).toBool(), qPrintable(ready.first().at(2).toString()));
        const qint64 n_prefix = ready.first().at(3).toLongLong();
        QVERIFY(n_prefix > 4000);
        QVERIFY(QFile::exists(QString::fromStdString(prefix.snapshot_path)));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(1).toLongLong(), n_prefix);   // done == total at the end

        QSignalSpy prompt(bridge.get(), &EngineBridge::promptReady);
        QSignalSpy finished(bridge.get(), &EngineBridge::generationFinished);
        ChatRequest request = question("What does the fox do?", 64);
        request.documents = documents;
        request.prefix_key = "k1";
        request.snapshot_path = prefix.snapshot_path;
        bridge->generate(request);
        QVERIFY(finished.wait(10000));
        QCOMPARE(prompt.first().at(2).toLongLong(), n_prefix);   // everything prefilled is reused
        const auto stats = finished.first().at(3).value<GenerationStats>();
        QCOMPARE(stats.n_reused_tokens, n_prefix);

        // A fresh engine (as after a restart) loads the snapshot instead of prefilling again.
        auto fresh = loadedBridge(options);
        QVERIFY(fresh);
        QSignalSpy freshPrompt(fresh.get(), &EngineBridge::promptReady);
        QSignalSpy freshFinished(fresh.get(), &EngineBridge::generationFinished);
        fresh->generate(request);
        QVERIFY(freshFinished.wait(10000));
        QCOMPARE(freshPrompt.first().at(2).toLongLong(), n_prefix);
    }

    void realEngineStreamsThroughTheBridge() {
#if FARSIGHT_HAVE_ENGINE
        // The adapter over engine/include/farsight/engine/engine.h, on the tiny fixture model.
        QTemporaryDir dir;
        EngineBridge bridge(std::make_unique<RealEngine>());
        QSignalSpy loaded(&bridge, &EngineBridge::loaded);
        bridge.load(kModel, 256);
        QVERIFY(loaded.wait(30000));
        QVERIFY2(loaded.first().at(1).toBool(), qPrintable(loaded.first().at(2).toString()));
        QCOMPARE(loaded.first().at(4).toLongLong(), 256);
        QVERIFY(!loaded.first().at(5).toString().isEmpty());

        PrefixRequest prefix;
        prefix.system_prompt = "You are a test.";
        prefix.prefix_key = "real";
        prefix.snapshot_path = dir.filePath("real.snap").toStdString();
        QSignalSpy ready(&bridge, &EngineBridge::prefixReady);
        bridge.preparePrefix(prefix);
        QVERIFY(ready.wait(30000));
        QVERIFY2(ready.first().at(1).toBool(), qPrintable(ready.first().at(2).toString()));

        QSignalSpy prompt(&bridge, &EngineBridge::promptReady);
        QSignalSpy finished(&bridge, &EngineBridge::generationFinished);
        ChatRequest request = question("Hello", 8);
        request.system_prompt = prefix.system_prompt;
        request.prefix_key = "real";
        request.snapshot_path = prefix.snapshot_path;
        request.params.stop_at_eos = false;
        bridge.generate(request);
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
        const auto stats = finished.first().at(3).value<GenerationStats>();
        QCOMPARE(stats.n_generated, 8);
        QVERIFY(prompt.first().at(2).toLongLong() > 0);   // the prefilled system prompt is reused
        QVERIFY(finished.first().at(4).toLongLong() > 8);
#else
        QSKIP("built without farsight_engine (FARSIGHT_APP_REAL_ENGINE=OFF or no engine)");
#endif
    }

    void tokenJobsRunWithTheModelsTokenizer() {
        auto bridge = loadedBridge({});
        QVERIFY(bridge);
        const std::string paths[] = {FARSIGHT_TEST_DATA "/fixtures/documents/alice_ch1.txt"};
        auto doc = farsight::ingest::extract(paths);
        QVERIFY(doc.ok());
        auto shared = std::make_shared<const farsight::ingest::Document>(std::move(*doc));
        auto out = std::make_shared<std::vector<farsight::ingest::FileTokens>>();
        QSignalSpy done(bridge.get(), &EngineBridge::tokenJobFinished);
        bridge->runTokenJob([shared, out](const TokenizeFn& tokenize, const TokenProgressFn& progress, const CancelToken& cancel) -> Status {
            FS_ASSIGN_OR_RETURN(*out, farsight::ingest::count_tokens(*shared, tokenize, {}, progress, &cancel));
            return {};
        });
        QVERIFY(done.wait(10000));
        QVERIFY(done.first().at(1).toBool());
        const auto expected = static_cast<int64_t>(fake_token_pieces(shared->text()).size());
        QVERIFY(std::llabs(out->front().n_tokens - expected) <= 64);   // segments end at line ends

        EngineBridge unloaded(std::make_unique<FakeEngine>());
        QSignalSpy failed(&unloaded, &EngineBridge::tokenJobFinished);
        unloaded.runTokenJob([shared, out](const TokenizeFn& tokenize, const TokenProgressFn&, const CancelToken&) -> Status {
            return tokenize("x").status();
        });
        QVERIFY(failed.wait(5000));
        QCOMPARE(failed.first().at(1).toBool(), false);
    }
};

QTEST_GUILESS_MAIN(EngineBridgeTest)
#include "test_engine_bridge.moc"
