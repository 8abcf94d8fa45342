// The app shell: command line, settings persistence, single-instance handover (including a stale
// socket left by a crash), the stall watchdog's arithmetic.
#include <QDir>
#include <QLocalServer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "services/app_options.h"
#include "services/app_settings.h"
#include "services/single_instance.h"
#include "services/stall_watchdog.h"

using namespace farsight::app;

class AppShellTest : public QObject {
    Q_OBJECT
private slots:
    void parsesTheCommandLine() {
        QString error;
        int code = -1;
        auto o = parseAppOptions({"farsight", "--db", "/tmp/x/s.db", "--fake-engine", "--context", "4096", "--theme", "dark",
                                  "--model", "/models/m", "notes.md", "/abs/report.pdf"}, &error, &code);
        QVERIFY2(o, qPrintable(error));
        QCOMPARE(o->dbPath, QStringLiteral("/tmp/x/s.db"));
        QCOMPARE(o->dataDir, QStringLiteral("/tmp/x"));
        QVERIFY(o->fakeEngine);
        QCOMPARE(o->contextLength, 4096);
        QCOMPARE(o->theme, QStringLiteral("dark"));
        QCOMPARE(o->files.size(), 2);
        QCOMPARE(o->files[0], QDir::current().absoluteFilePath("notes.md"));
        QCOMPARE(o->forwardArguments(), (QStringList{o->files[0], "/abs/report.pdf", "--model", "/models/m"}));

        QVERIFY(!parseAppOptions({"farsight", "--context", "lots"}, &error, &code));
        QCOMPARE(code, 2);
        QVERIFY(error.contains("--context"));
        QVERIFY(!parseAppOptions({"farsight", "--theme", "pink"}, &error, &code));
        QVERIFY(!parseAppOptions({"farsight", "--no-such-option"}, &error, &code));
        QCOMPARE(code, 2);
        QVERIFY(!parseAppOptions({"farsight", "--help"}, &error, &code));
        QCOMPARE(code, 0);
        QVERIFY(error.contains("--screenshot"));
    }

    void settingsPersist() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.ini");
        {
            AppSettings s(path);
            QCOMPARE(s.theme(), QStringLiteral("system"));
            QSignalSpy theme(&s, &AppSettings::themeChanged);
            s.setTheme("dark");
            s.setTheme("purple");   // ignored
            QCOMPARE(theme.count(), 1);
            QVERIFY(s.dark());
            s.setWindowGeometry(QRect(10, 20, 1000, 700));
            s.setWindowGeometry(QRect(0, 0, 10, 10));   // too small: ignored
            s.setWindowMaximized(true);
            s.setSidePanelPage("model");
            s.setLastModelPath("/models/m");
            s.setLastContextLength(65536);
            s.setLastConversation(42);
        }
        AppSettings s(path);
        QCOMPARE(s.theme(), QStringLiteral("dark"));
        QCOMPARE(s.windowGeometry(), QRect(10, 20, 1000, 700));
        QVERIFY(s.windowMaximized());
        QCOMPARE(s.sidePanelPage(), QStringLiteral("model"));
        QCOMPARE(s.lastModelPath(), QStringLiteral("/models/m"));
        QCOMPARE(s.lastContextLength(), 65536);
        QCOMPARE(s.lastConversation(), 42);
    }

    void secondInstanceHandsOverItsArguments() {
        const QString key = QStringLiteral("test-%1").arg(QCoreApplication::applicationPid());
        SingleInstance primary(key);
        QVERIFY(primary.start({}, QDir::currentPath()));
        QSignalSpy activated(&primary, &SingleInstance::activated);

        bool secondIsPrimary = true;
        std::thread second([&] {
            SingleInstance other(key);
            secondIsPrimary = other.start({"notes.md", "--model", "/m"}, "/home/u/docs", 5000);
        });
        QTRY_COMPARE_WITH_TIMEOUT(activated.count(), 1, 5000);
        second.join();
        QVERIFY(!secondIsPrimary);   // it handed over and would exit
        QCOMPARE(activated.first().at(0).toStringList(), (QStringList{"/home/u/docs/notes.md", "--model", "/m"}));
    }

    void staleSocketOfACrashedInstanceIsTakenOver() {
        const QString key = QStringLiteral("stale-%1").arg(QCoreApplication::applicationPid());
        const QString name = SingleInstance::serverNameFor(key);
        QString path;
        {
            QLocalServer probe;
            QVERIFY(probe.listen(name));
            path = probe.fullServerName();
        }
        // A socket file nobody listens on, as a killed instance leaves it.
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.toLocal8Bit().constData(), sizeof addr.sun_path - 1);
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        ::close(fd);
        QVERIFY(QFile::exists(path));

        SingleInstance instance(key);
        QVERIFY(instance.start({}, QDir::currentPath(), 1000));
    }

    void watchdogMeasuresLateness() {
        StallWatchdog watchdog(16);
        watchdog.start();
        QTest::qWait(200);
        // Block the event loop for 120 ms: one sample must show it.
        QElapsedTimer busy;
        busy.start();
        while (busy.elapsed() < 120) {}
        QTest::qWait(100);
        watchdog.stop();
        QVERIFY(watchdog.samples() >= 10);
        QVERIFY(watchdog.maxLateness() >= 90);
        QVERIFY(watchdog.percentile(0.5) < 10);
        QVERIFY(watchdog.summary().contains("p99_ms="));
    }
};

QTEST_MAIN(AppShellTest)
#include "test_app_shell.moc"
