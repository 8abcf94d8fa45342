// `farsight --screenshot FILE --db FIXTURE`: the real executable renders the main window with a
// conversation and an attached document (a database written by make_ui_fixture) and exits; the
// image is checked for size and content, in the light and the dark theme.
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

class UiScreenshotTest : public QObject {
    Q_OBJECT
private:
    static QString run(const QString& program, const QStringList& args, int* code) {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        if (!p.waitForFinished(90000)) {
            p.kill();
            *code = -1;
            return QStringLiteral("timed out");
        }
        *code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        return QString::fromLocal8Bit(p.readAll());
    }

    static double meanLuma(const QImage& image) {
        double sum = 0;
        for (int y = 0; y < image.height(); y += 4)
            for (int x = 0; x < image.width(); x += 4) sum += qGray(image.pixel(x, y));
        return sum / ((image.height() / 4) * (image.width() / 4));
    }

private slots:
    void rendersTheFixtureConversation() {
        QTemporaryDir dir;
        const QString db = dir.filePath("fixture.db");
        int code = 0;
        QString out = run(FARSIGHT_FIXTURE_EXE, {db, FARSIGHT_TEST_DATA "/fixtures/documents/alice_ch1.txt"}, &code);
        QVERIFY2(code == 0, qPrintable(out));

        double luma[2] = {};
        const char* themes[2] = {"light", "dark"};
        for (int i = 0; i < 2; ++i) {
            const QString png = dir.filePath(QStringLiteral("shot-%1.png").arg(themes[i]));
            out = run(FARSIGHT_APP_EXE, {"--screenshot", png, "--db", db, "--data-dir", dir.path(), "--settings",
                                         dir.filePath(QStringLiteral("s-%1.ini").arg(i)), "--fake-engine", "--theme", themes[i],
                                         "--model", FARSIGHT_TEST_DATA "/fixtures/minimax-text/a1-tiny-hybrid"}, &code);
            QVERIFY2(code == 0, qPrintable(out));
            QImage image(png);
            QVERIFY(!image.isNull());
            QCOMPARE(image.size(), QSize(1280, 820));
            QSet<QRgb> colours;
            for (int y = 0; y < image.height(); y += 3)
                for (int x = 0; x < image.width(); x += 3) colours.insert(image.pixel(x, y));
            QVERIFY2(colours.size() > 200, qPrintable(QString::number(colours.size())));   // text, not a blank window
            luma[i] = meanLuma(image);
        }
        QVERIFY2(luma[1] < luma[0] - 60, qPrintable(QStringLiteral("light %1 dark %2").arg(luma[0]).arg(luma[1])));
    }
};

QTEST_GUILESS_MAIN(UiScreenshotTest)
#include "test_ui_screenshot.moc"
