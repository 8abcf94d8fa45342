// The list models QML binds to, exercised under QAbstractItemModelTester (which checks every
// signal and index invariant), plus the text helpers behind the message rows.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include "services/attachment_list_model.h"
#include "services/conversation_list_model.h"
#include "services/markdown_text.h"
#include "services/message_list_model.h"
#include "services/search_result_model.h"

using namespace farsight::app;

namespace {
MessageItem message(qint64 id, qint64 parent, const QString& role, const QString& content, const QString& status) {
    MessageItem m;
    m.id = id;
    m.parentId = parent;
    m.role = role;
    m.content = content;
    m.status = status;
    return m;
}
AttachmentItem attachment(int key) {
    AttachmentItem a;
    a.key = key;
    return a;
}
ConversationItem conversation(qint64 id, const QString& title, qint64 updatedAt, bool pinned) {
    ConversationItem c;
    c.id = id;
    c.title = title;
    c.updatedAt = updatedAt;
    c.pinned = pinned;
    return c;
}
}  // namespace

class ListModelsTest : public QObject {
    Q_OBJECT
private slots:
    void conversationsKeepPinnedThenNewestOrder() {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setItems({conversation(1, "old", 1000, false), conversation(2, "new", 3000, false), conversation(3, "pinned", 10, true)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.idAt(0), 3);   // pinned first
        QCOMPARE(model.idAt(1), 2);
        QCOMPARE(model.data(model.index(0), ConversationListModel::SectionRole).toString(), QStringLiteral("Pinned"));

        // Activity moves a conversation to the top of the unpinned ones (a row move, not a reset).
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
        model.upsert(conversation(1, "old, renamed", 5000, false));
        QCOMPARE(moved.count(), 1);
        QCOMPARE(model.idAt(1), 1);
        QCOMPARE(model.data(model.index(1), ConversationListModel::TitleRole).toString(), QStringLiteral("old, renamed"));

        model.upsert(conversation(4, "brand new", 9000, false));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.idAt(1), 4);
        model.remove(3);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowOf(3), -1);
        QVERIFY(model.roleNames().values().contains("section"));
    }

    void sectionsByDate() {
        const QDateTime now = QDateTime::currentDateTime();
        auto at = [&](int daysAgo) { return conversation(1, "t", now.addDays(-daysAgo).toMSecsSinceEpoch(), false); };
        QCOMPARE(ConversationListModel::sectionFor(at(0), now), QStringLiteral("Today"));
        QCOMPARE(ConversationListModel::sectionFor(at(1), now), QStringLiteral("Yesterday"));
        QCOMPARE(ConversationListModel::sectionFor(at(3), now), QStringLiteral("Previous 7 days"));
        QCOMPARE(ConversationListModel::sectionFor(at(30), now), QStringLiteral("Older"));
    }

    void messagesStreamIntoOneRow() {
        MessageListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        MessageItem user = message(1, 0, "user", "Hi", "complete");
        MessageItem reply = message(2, 1, "assistant", "", "streaming");
        model.setItems({user});
        model.append(reply);
        QCOMPARE(model.rowCount(), 2);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.appendText(2, "<think>plan");
        QCOMPARE(model.data(model.index(1), MessageListModel::ThinkingOpenRole).toBool(), true);
        QCOMPARE(model.data(model.index(1), MessageListModel::ThinkingRole).toString(), QStringLiteral("plan"));
        model.appendText(2, "</think>\n\n**Answer** <img src=x>\n```js\nlet a = 1 < 2;\n```\n");
        QCOMPARE(changed.count(), 2);
        QCOMPARE(changed.last().at(0).toModelIndex().row(), 1);
        QCOMPARE(model.data(model.index(1), MessageListModel::ThinkingOpenRole).toBool(), false);
        const QString body = model.data(model.index(1), MessageListModel::BodyRole).toString();
        QVERIFY(body.startsWith("**Answer** \\<img"));         // raw HTML escaped
        QVERIFY(body.contains("let a = 1 < 2;"));              // code left alone
        auto* blocks = qobject_cast<BlockListModel*>(model.data(model.index(1), MessageListModel::BlocksRole).value<QObject*>());
        QVERIFY(blocks);
        QCOMPARE(blocks->rowCount(), 2);
        QCOMPARE(blocks->data(blocks->index(1), BlockListModel::KindRole).toString(), QStringLiteral("code"));
        QCOMPARE(blocks->data(blocks->index(1), BlockListModel::LanguageRole).toString(), QStringLiteral("js"));
        QVERIFY(model.data(model.index(1), MessageListModel::StreamingRole).toBool());

        model.setCitations(2, {QVariantMap{{"quote", "q"}, {"matched", false}}});
        QCOMPARE(model.data(model.index(1), MessageListModel::CitationsRole).toList().size(), 1);
        model.truncateAfter(0);
        QCOMPARE(model.rowCount(), 1);
        model.truncateAfter(-1);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.rowOf(2), -1);
    }

    void blocksUpdateInPlaceWhileStreaming() {
        BlockListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QString text;
        const QString reply = "Intro text\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```py\nx = 1\n```\n\nThe end.";
        for (const QChar c : reply) {   // one character at a time, as a stream would
            text += c;
            model.setBlocks(splitBlocks(text));
        }
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.data(model.index(1), BlockListModel::KindRole).toString(), QStringLiteral("table"));
        QCOMPARE(model.data(model.index(1), BlockListModel::RowsRole).toList().size(), 1);
        QCOMPARE(model.data(model.index(2), BlockListModel::TextRole).toString(), QStringLiteral("x = 1"));
        QVERIFY(inserted.count() <= 8);          // a few inserts, not one reset per character
        QVERIFY(changed.count() > reply.size() / 2);
        model.setBlocks({});
        QCOMPARE(model.rowCount(), 0);
    }

    void attachmentsUpdateByKey() {
        AttachmentListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        AttachmentItem a;
        a.key = 7;
        a.name = "report.pdf";
        a.state = "extracting";
        model.append(a);
        a.state = "ready";
        a.nTokens = 1234;
        model.update(a);
        QCOMPARE(model.data(model.index(0), AttachmentListModel::StateRole).toString(), QStringLiteral("ready"));
        QCOMPARE(model.data(model.index(0), AttachmentListModel::TokensRole).toLongLong(), 1234);
        model.update(attachment(99));   // unknown key: ignored
        model.removeKey(7);
        QCOMPARE(model.rowCount(), 0);
        model.setItems({a, attachment(8)});
        QCOMPARE(model.rowCount(), 2);
    }

    void searchHitsHighlightEscapedSnippets() {
        farsight::storage::SearchHit hit;
        hit.message = 5;
        hit.conversation = 2;
        hit.conversation_title = "Notes";
        hit.snippet = "a <b> rabbit-hole é rabbit";
        hit.highlights = {{6, 17}, {21, 27}};   // byte offsets, the second after a 2-byte 'é'
        const SearchResultItem item = SearchResultModel::fromStorage(hit);
        QCOMPARE(item.snippetHtml, QStringLiteral("a &lt;b&gt; <b>rabbit-hole</b> é <b>rabbit</b>"));
        SearchResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setItems({item});
        QCOMPARE(model.data(model.index(0), SearchResultModel::TitleRole).toString(), QStringLiteral("Notes"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void thinkSplitAndSanitizing() {
        QCOMPARE(splitThinking("  <think>a</think>\n\nb").body, QStringLiteral("b"));
        QCOMPARE(splitThinking("<thi").body, QString());           // partial tag while streaming
        QCOMPARE(splitThinking("no think <think>x</think>").body, QStringLiteral("no think <think>x</think>"));
        QCOMPARE(sanitizeMarkdown("![pic](http://x/y.png) and `<b>`"), QStringLiteral("[pic](http://x/y.png) and `<b>`"));
        QCOMPARE(sanitizeMarkdown("~~~\n<tag>\n~~~\n<tag>"), QStringLiteral("~~~\n<tag>\n~~~\n\\<tag>"));
        QCOMPARE(sanitizeMarkdown("a \\< b"), QStringLiteral("a \\< b"));
        const auto blocks = splitBlocks("text\n```\nopen fence while streaming");
        QCOMPARE(blocks.size(), 2);
        QCOMPARE(blocks[1].kind, TextBlock::Kind::code);
        QCOMPARE(blocks[1].text, QStringLiteral("open fence while streaming"));

        const auto mixed = splitBlocks("Intro\n\n| a | b \\| c |\n|---|:--:|\n| **1** | <x> |\n| 3 |\n\n> quoted\n> more\n\nEnd");
        QCOMPARE(mixed.size(), 4);
        QCOMPARE(mixed[0].text, QStringLiteral("Intro"));
        QCOMPARE(mixed[1].kind, TextBlock::Kind::table);
        QCOMPARE(mixed[1].headers, (QStringList{"a", "b | c"}));
        QCOMPARE(mixed[1].rows.size(), 2);
        QCOMPARE(mixed[1].rows[0], (QStringList{"**1**", "\\<x>"}));
        QCOMPARE(mixed[1].rows[1], (QStringList{"3", ""}));   // short rows are padded
        QCOMPARE(mixed[2].kind, TextBlock::Kind::quote);
        QCOMPARE(mixed[2].text, QStringLiteral("quoted\nmore"));
        QCOMPARE(mixed[3].text, QStringLiteral("End"));
    }
};

QTEST_GUILESS_MAIN(ListModelsTest)
#include "test_list_models.moc"
