// GUI-thread stall watchdog (reliability.md "Qt application"): a 16 ms timer on the GUI thread of
// the real UI (offscreen) measures how late it fires while (1) a long reply streams in and (2) a
// 1M-token document is attached (extraction in the helper, storage, token count) and a question
// over it is asked (1M-token prefill, snapshot, reply, citations). p99 lateness must be <= 50 ms.
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include "services/stall_watchdog.h"
#include "ui_harness.h"

using namespace farsight::app;
using namespace farsight::app::testing;

namespace {

constexpr double kP99LimitMs = 50.0;

void report(const char* phase, const StallWatchdog& w) {
    std::printf("watchdog phase=%s %s\n", phase, qPrintable(w.summary()));
    std::fflush(stdout);
}

// A plain-text document of `n_tokens` FakeEngine tokens (paragraphs of varied sentences).
qint64 writeDocument(const QString& path, qint64 n_tokens) {
    static const char* words[] = {"the", "archive", "records", "a", "long", "voyage", "across", "northern", "seas",
                                  "where", "navigators", "measured", "stars", "and", "currents", "with", "patient",
                                  "care", "while", "merchants", "counted", "silver", "in", "harbour", "towns"};
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return 0;
    std::string paragraph;
    qint64 tokens = 0;
    uint32_t state = 12345;
    while (tokens < n_tokens) {
        paragraph.clear();
        for (int s = 0; s < 5; ++s) {
            for (int w = 0; w < 12; ++w) {
                state = state * 1664525u + 1013904223u;
                paragraph += (w ? " " : "") + std::string(words[(state >> 16) % std::size(words)]);
            }
            paragraph += ". ";
        }
        paragraph += "\n\n";
        tokens += static_cast<qint64>(fake_token_pieces(paragraph).size());
        f.write(paragraph.data(), static_cast<qint64>(paragraph.size()));
    }
    return tokens;
}

}  // namespace

class UiWatchdogTest : public QObject {
    Q_OBJECT
private slots:
    void streamingKeepsTheGuiResponsive() {
        auto options = Harness::fast();
        options.decode_tokens_per_s = 400;
        // A long Markdown reply (~2,300 tokens: about 6 s of streaming) with tables and code blocks.
        std::string reply = "<think>\nPlanning a long answer with sections.\n</think>\n\n";
        for (int i = 0; i < 24; ++i)
            reply += "## Section " + std::to_string(i) + "\n\nSome **bold** prose about the topic, with a list:\n\n"
                     "- first point\n- second point\n\n| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |\n\n"
                     "```cpp\nint main() { return " + std::to_string(i) + "; }\n```\n\n";
        options.reply = reply;
        Harness h(options);
        UiHarness ui(h);
        QVERIFY(ui.loaded());
        QVERIFY(h.waitReady());
        QVERIFY(QTest::qWaitForWindowExposed(ui.window()));
        QTest::qWait(300);

        StallWatchdog watchdog;
        watchdog.start();
        QCOMPARE(h.sendAndWait("Write the long answer", 60000), QStringLiteral("complete"));
        watchdog.stop();
        report("streaming", watchdog);
        QVERIFY(watchdog.samples() > 100);
        QVERIFY2(watchdog.percentile(0.99) <= kP99LimitMs, qPrintable(watchdog.summary()));
    }

    void ingestingAMillionTokenDocumentKeepsTheGuiResponsive() {
        QTemporaryDir models;
        const QString model = models.filePath("fake-million");   // no config.json: a 1M-context fake
        QVERIFY(QDir().mkpath(model));
        auto options = Harness::fast();
        options.prefill_tokens_per_s = 1'000'000;
        Harness h(options, /*context=*/1 << 20, /*loadModel=*/false);
        h.options.modelPath = model;
        h.restart(options);
        UiHarness ui(h);
        QVERIFY(ui.loaded());
        QVERIFY(h.waitReady(20000));
        QCOMPARE(h.models()->loadedContext(), 1 << 20);
        h.chat()->setMaxTokens(512);

        const QString path = h.dir.filePath("million.txt");
        const qint64 written = writeDocument(path, 1'000'000);
        QVERIFY(written >= 1'000'000);

        StallWatchdog watchdog;
        watchdog.start();
        QElapsedTimer clock;
        clock.start();
        h.documents()->attach(path);
        QVERIFY(QTest::qWaitFor([&] { return !h.documents()->busy(); }, 120000));
        const qint64 attachMs = clock.elapsed();
        const AttachmentItem& item = h.documents()->attachmentModel()->itemAt(0);
        QCOMPARE(item.state, QStringLiteral("ready"));
        QVERIFY2(item.nTokens >= 1'000'000, qPrintable(QString::number(item.nTokens)));
        QVERIFY(h.documents()->fits());

        QSignalSpy citations(h.documents(), &DocumentService::citationsReady);
        QCOMPARE(h.sendAndWait("What do the navigators measure?", 120000), QStringLiteral("complete"));
        QVERIFY(citations.wait(60000));
        watchdog.stop();
        std::printf("ingest tokens=%lld attach_ms=%lld total_ms=%lld\n", static_cast<long long>(item.nTokens),
                    static_cast<long long>(attachMs), static_cast<long long>(clock.elapsed()));
        report("ingest_1m", watchdog);
        QVERIFY(h.chat()->messageModel()->itemAt(1).contextUsed > 1'000'000);
        QVERIFY2(watchdog.percentile(0.99) <= kP99LimitMs, qPrintable(watchdog.summary()));
    }
};

QTEST_MAIN(UiWatchdogTest)
#include "test_ui_watchdog.moc"
