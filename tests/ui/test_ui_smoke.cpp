// The real UI offscreen over the FakeEngine: loads without QML warnings, sends through the
// composer (Enter), shows branches, answers the keyboard shortcuts, names every button for
// accessibility tools, remembers the window geometry.
#include <QAccessible>
#include <QQuickTextDocument>
#include <QSettings>
#include <QTextBlock>
#include <QTextDocument>
#include <QSignalSpy>
#include <QTest>

#include "ui_harness.h"

using namespace farsight::app;
using namespace farsight::app::testing;

namespace {
// QTest::keyClicks exists for widgets only.
void typeText(QWindow* window, const QString& text) {
    for (const QChar c : text) QTest::keyClick(window, c.toLatin1());
}
}  // namespace

class UiSmokeTest : public QObject {
    Q_OBJECT
private slots:
    void mainWindowWorksEndToEnd() {
        Harness h;
        UiHarness ui(h);
        QVERIFY(ui.loaded());
        QVERIFY(h.waitReady());
        QQuickWindow* window = ui.window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QCOMPARE(window->size(), QSize(1280, 820));   // the default geometry

        // Type into the composer and press Enter.
        QQuickItem* input = ui.find("composerInput");
        QVERIFY(input);
        QTRY_VERIFY(input->hasActiveFocus());
        typeText(window, "Hello from the keyboard");
        QCOMPARE(h.chat()->draft(), QStringLiteral("Hello from the keyboard"));
        QSignalSpy finished(h.chat(), &ChatService::replyFinished);
        QTest::keyClick(window, Qt::Key_Return);
        QVERIFY(finished.wait(20000));
        auto* list = ui.find("messageList");
        QVERIFY(list);
        QTRY_COMPARE(list->property("count").toInt(), 2);
        QCOMPARE(input->property("text").toString(), QString());

        // Regenerate: the "< 2 / 2 >" switcher appears.
        h.chat()->regenerate(h.chat()->messageModel()->itemAt(1).id);
        QVERIFY(finished.wait(20000));
        QTRY_VERIFY([&] {
            for (QQuickItem* label : ui.itemsOfClass("QQuickLabel"))
                if (label->property("text").toString() == QStringLiteral("2 / 2")) return true;
            return false;
        }());

        // Every visible button has an accessible name.
        QStringList unnamed;
        for (QQuickItem* button : ui.itemsOfClass("QQuickAbstractButton")) {
            QAccessibleInterface* a = QAccessible::queryAccessibleInterface(button);
            const QString name = a ? a->text(QAccessible::Name) : QString();
            if (name.trimmed().isEmpty()) unnamed << QString::fromLatin1(button->metaObject()->className());
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(", ")));

        // Shortcuts: search, theme, new chat, stop.
        QTest::keyClick(window, Qt::Key_K, Qt::ControlModifier);
        QTRY_VERIFY(ui.find("searchField")->hasActiveFocus());
        typeText(window, "keyboard");
        QTRY_COMPARE(h.conversations()->searchQuery(), QStringLiteral("keyboard"));
        QTRY_VERIFY(h.conversations()->resultModel()->rowCount() >= 1);
        const bool dark = h.app->settings()->dark();
        QTest::keyClick(window, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(h.app->settings()->dark(), !dark);
        QTest::keyClick(window, Qt::Key_N, Qt::ControlModifier);
        QTRY_COMPARE(h.chat()->conversationId(), 0);
        QTRY_COMPARE(list->property("count").toInt(), 0);

        h.engine->set_decode_speed(30);
        h.chat()->setDraft("A slow answer");
        QVERIFY(h.chat()->send());
        QTRY_VERIFY(h.chat()->phase() == QStringLiteral("writing"));
        QTest::keyClick(window, Qt::Key_Escape);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.last().at(1).toString(), QStringLiteral("interrupted"));

        // The window state is remembered.
        window->resize(1100, 700);
        QTRY_COMPARE_WITH_TIMEOUT(h.app->settings()->windowGeometry().size(), QSize(1100, 700), 3000);

        QVERIFY2(UiHarness::warnings().isEmpty(), qPrintable(UiHarness::warnings().join("\n")));
    }

    void untrustedTextIsNeverRichText() {
        // Model output, titles and file names must not become markup (an <img> would be fetched).
        Harness h;
        UiHarness ui(h);
        QVERIFY(ui.loaded());
        QVERIFY(h.waitReady());
        const QString hostile = QStringLiteral("<img src=\"http://127.0.0.1:9/x.png\"> look");
        QCOMPARE(h.sendAndWait(hostile), QStringLiteral("complete"));
        QTRY_COMPARE(h.conversations()->listModel()->rowCount(), 1);
        QTest::qWait(100);
        int seen = 0;
        for (QQuickItem* item : ui.itemsOfClass("QQuickText")) {
            if (!item->property("text").toString().contains("<img")) continue;
            ++seen;
            QCOMPARE(item->property("textFormat").toInt(), 0);   // Text.PlainText
        }
        int markdown = 0;
        for (QQuickItem* item : ui.itemsOfClass("QQuickTextEdit")) {
            auto* doc = item->property("textDocument").value<QQuickTextDocument*>();
            QVERIFY(doc && doc->textDocument());
            if (!doc->textDocument()->toPlainText().contains("<img")) continue;
            ++seen;
            markdown += item->property("textFormat").toInt() == 3;
            // Rendered as characters: no image (and so no fetch) anywhere in the document.
            for (QTextBlock b = doc->textDocument()->begin(); b.isValid(); b = b.next())
                for (auto it = b.begin(); !it.atEnd(); ++it) QVERIFY(!it.fragment().charFormat().isImageFormat());
        }
        QVERIFY(markdown >= 1);   // the answer quoting the question is Markdown, escaped
        QVERIFY(seen >= 3);       // plus the sidebar title and the user's message
    }

    void restoredSessionShowsTheBanner() {
        Harness h;
        QVERIFY(h.waitReady());
        QCOMPARE(h.sendAndWait("Remember me"), QStringLiteral("complete"));
        const qint64 conversation = h.chat()->conversationId();
        h.chat()->setDraft("typed, not sent");
        h.chat()->flushDraft();
        h.app.reset();
        QSettings(h.options.settingsPath, QSettings::IniFormat).setValue("session/running", true);   // as after a kill
        h.restart();
        UiHarness ui(h);
        QVERIFY(ui.loaded());
        QVERIFY(h.waitReady());
        QTRY_COMPARE(h.chat()->conversationId(), conversation);
        QTRY_VERIFY(!h.app->banner().isEmpty());
        QTRY_COMPARE(ui.find("composerInput")->property("text").toString(), QStringLiteral("typed, not sent"));
        bool shown = false;
        for (QQuickItem* label : ui.itemsOfClass("QQuickLabel"))
            shown |= label->property("text").toString() == h.app->banner();
        QVERIFY(shown);
        QVERIFY2(UiHarness::warnings().isEmpty(), qPrintable(UiHarness::warnings().join("\n")));
    }
};

QTEST_MAIN(UiSmokeTest)
#include "test_ui_smoke.moc"
