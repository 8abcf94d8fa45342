// ChatService and ConversationService through the real composition root over the FakeEngine:
// streaming into storage, stop, regenerate and edit (branches), drafts, crash restore, engine
// failures, search, delete with undo, export/import.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include "service_harness.h"
#include "storage/export_import.h"

using namespace farsight;
using namespace farsight::app;
using namespace farsight::app::testing;
using storage::SessionStore;

namespace {

QString rowText(ChatService* chat, int row, int role) {
    auto* m = chat->messageModel();
    return m->data(m->index(row), role).toString();
}

}  // namespace

class ChatServiceTest : public QObject {
    Q_OBJECT
private slots:
    void sendStreamsIntoStorage() {
        Harness h;
        QVERIFY(h.waitReady());
        QSignalSpy text(h.engineBridge(), &EngineBridge::textReady);
        QCOMPARE(h.sendAndWait("Tell me about lightning attention"), QStringLiteral("complete"));
        QVERIFY(!text.isEmpty());
        ChatService* chat = h.chat();
        QCOMPARE(chat->messageModel()->rowCount(), 2);
        QCOMPARE(chat->title(), QStringLiteral("Tell me about lightning attention"));
        QCOMPARE(chat->draft(), QString());
        const MessageItem& reply = chat->messageModel()->itemAt(1);
        QVERIFY(reply.content.contains("## Answer"));
        QVERIFY(reply.tokensPerSecond > 0);
        QVERIFY(reply.contextUsed > 0);
        QCOMPARE(reply.contextSize, 8192);

        // What the user saw is what was stored, with its stats.
        auto stored = h.query([id = reply.id](SessionStore& s) { return s.messages().get(id); });
        QVERIFY(stored.ok());
        QCOMPARE(QString::fromStdString(stored->content), reply.content);
        QCOMPARE(stored->status, storage::MessageStatus::complete);
        QVERIFY(stored->stats && stored->stats->n_tokens > 10);
        QCOMPARE(stored->generation.model_identity, std::string("fake:minimax_m1:a1-tiny-hybrid"));
        // The conversation list shows it under its new title.
        QTRY_COMPARE(h.conversations()->listModel()->rowCount(), 1);
        QCOMPARE(h.conversations()->listModel()->find(chat->conversationId())->title, chat->title());
    }

    void cannotSendWithoutAModel() {
        Harness h(Harness::fast(), 8192, /*loadModel=*/false);
        QVERIFY(h.waitReady());
        QSignalSpy notice(h.chat(), &ChatService::notice);
        h.chat()->setDraft("hello?");
        QVERIFY(!h.chat()->send());
        QCOMPARE(notice.count(), 1);
        QVERIFY(notice.first().at(0).toString().contains("Load a model"));
        QCOMPARE(h.chat()->draft(), QStringLiteral("hello?"));   // kept
    }

    void stopKeepsThePartialReplyAsInterrupted() {
        auto slow = Harness::fast();
        slow.decode_tokens_per_s = 40;
        Harness h(slow);
        QVERIFY(h.waitReady());
        QSignalSpy finished(h.chat(), &ChatService::replyFinished);
        h.chat()->setDraft("Write a long answer");
        QVERIFY(h.chat()->send());
        QTRY_VERIFY_WITH_TIMEOUT(h.chat()->messageModel()->rowCount() == 2 &&
                                 h.chat()->messageModel()->itemAt(1).content.size() > 20, 10000);
        QVERIFY(h.chat()->generating());
        h.chat()->stop();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(1).toString(), QStringLiteral("interrupted"));
        const MessageItem reply = h.chat()->messageModel()->itemAt(1);
        QVERIFY(!reply.content.isEmpty());
        QVERIFY(!h.chat()->generating());
        auto stored = h.query([id = reply.id](SessionStore& s) { return s.messages().get(id); });
        QCOMPARE(stored->status, storage::MessageStatus::interrupted);
        QCOMPARE(QString::fromStdString(stored->content), reply.content);
    }

    void regenerateAndEditMakeNavigableBranches() {
        Harness h;
        QVERIFY(h.waitReady());
        ChatService* chat = h.chat();
        QCOMPARE(h.sendAndWait("First question"), QStringLiteral("complete"));
        const qint64 firstReply = chat->messageModel()->itemAt(1).id;
        const QString firstText = chat->messageModel()->itemAt(1).content;

        QSignalSpy finished(chat, &ChatService::replyFinished);
        chat->regenerate(firstReply);
        QVERIFY(finished.wait(10000));
        QCOMPARE(chat->messageModel()->rowCount(), 2);
        const MessageItem second = chat->messageModel()->itemAt(1);
        QVERIFY(second.id != firstReply);
        QVERIFY(second.content != firstText);
        QCOMPARE(second.siblingIndex, 1);
        QCOMPARE(second.siblingCount, 2);

        QSignalSpy loaded(chat, &ChatService::branchLoaded);
        chat->switchBranch(second.id, -1);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(chat->messageModel()->itemAt(1).id, firstReply);
        QCOMPARE(chat->messageModel()->itemAt(1).siblingIndex, 0);
        QCOMPARE(chat->messageModel()->itemAt(1).content, firstText);

        // Edit the first question: a second root with its own reply; the old branch stays.
        QCOMPARE(h.sendAndWait("Follow-up"), QStringLiteral("complete"));
        QCOMPARE(chat->messageModel()->rowCount(), 4);
        const qint64 firstQuestion = chat->messageModel()->itemAt(0).id;
        chat->editMessage(firstQuestion, "First question, reworded");
        QVERIFY(finished.wait(10000));
        QCOMPARE(chat->messageModel()->rowCount(), 2);
        QCOMPARE(rowText(chat, 0, MessageListModel::ContentRole), QStringLiteral("First question, reworded"));
        QCOMPARE(chat->messageModel()->itemAt(0).siblingCount, 2);
        QCOMPARE(chat->messageModel()->itemAt(0).siblingIndex, 1);
        chat->switchBranch(chat->messageModel()->itemAt(0).id, -1);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(chat->messageModel()->rowCount(), 4);   // the old branch, whole
        QCOMPARE(chat->messageModel()->itemAt(0).id, firstQuestion);
        QCOMPARE(rowText(chat, 2, MessageListModel::ContentRole), QStringLiteral("Follow-up"));
    }

    void engineFailureIsStoredAsError() {
        Harness h;
        QVERIFY(h.waitReady());
        h.engine->set_fail_after_tokens(5);
        QCOMPARE(h.sendAndWait("This will fail"), QStringLiteral("error"));
        const MessageItem reply = h.chat()->messageModel()->itemAt(1);
        QVERIFY(reply.errorMessage.contains("simulated device failure"));
        QVERIFY(!reply.content.isEmpty());   // the text that did arrive is kept
        auto stored = h.query([id = reply.id](SessionStore& s) { return s.messages().get(id); });
        QCOMPARE(stored->status, storage::MessageStatus::error);
        QCOMPARE(QString::fromStdString(stored->content), reply.content);
    }

    void draftsAreAutosavedAndRestoredAfterACrash() {
        Harness h;
        QVERIFY(h.waitReady());
        h.chat()->setDraft("half-written question");
        QTRY_VERIFY_WITH_TIMEOUT(h.chat()->conversationId() > 0, 5000);
        const qint64 id = h.chat()->conversationId();
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            auto d = h.query([id](SessionStore& s) { return s.drafts().get(id); });
            return d.ok() && *d && (*d)->text == "half-written question";
        }()), 5000);
    }

    void interruptedReplyAndDraftAreRestoredAfterRestart() {
        Harness h;
        QVERIFY(h.waitReady());
        QCOMPARE(h.sendAndWait("A question"), QStringLiteral("complete"));
        const qint64 conversation = h.chat()->conversationId();
        const qint64 user = h.chat()->messageModel()->itemAt(0).id;
        // What a kill -9 leaves behind: a reply still `streaming` with committed text, and a draft.
        auto ids = h.query([conversation, user](SessionStore& s) -> Result<storage::MessageId> {
            FS_ASSIGN_OR_RETURN(auto reply, s.begin_reply(conversation, user, {}));
            FS_RETURN_IF_ERROR(s.append_reply(reply, "The streamed part before the crash"));
            FS_RETURN_IF_ERROR(s.flush_all());
            FS_RETURN_IF_ERROR(s.drafts().save(conversation, "my unsent follow-up"));
            return reply;
        });
        QVERIFY(ids.ok());
        h.chat()->newConversation();   // the next start must find its way back by itself
        h.restart();
        QSignalSpy recovered(h.chat(), &ChatService::recovered);
        QVERIFY(h.waitReady());
        QTRY_COMPARE(recovered.count(), 1);
        QVERIFY(recovered.first().at(0).toString().contains("your draft and the interrupted reply"));
        QCOMPARE(h.app->banner(), recovered.first().at(0).toString());
        QCOMPARE(h.chat()->conversationId(), conversation);
        QCOMPARE(h.chat()->draft(), QStringLiteral("my unsent follow-up"));
        const MessageItem reply = h.chat()->messageModel()->itemAt(1);
        QCOMPARE(reply.id, *ids);
        QCOMPARE(reply.status, QStringLiteral("interrupted"));
        QCOMPARE(reply.content, QStringLiteral("The streamed part before the crash"));
        QCOMPARE(reply.siblingCount, 2);
    }

    void quittingWhileStreamingMarksTheReplyInterrupted() {
        auto slow = Harness::fast();
        slow.decode_tokens_per_s = 50;
        Harness h(slow);
        QVERIFY(h.waitReady());
        h.chat()->setDraft("Long answer please");
        QVERIFY(h.chat()->send());
        QTRY_VERIFY_WITH_TIMEOUT(h.chat()->messageModel()->rowCount() == 2 &&
                                 h.chat()->messageModel()->itemAt(1).content.size() > 10, 10000);
        const qint64 reply = h.chat()->messageModel()->itemAt(1).id;
        QElapsedTimer clock;
        clock.start();
        h.app.reset();   // quit
        QVERIFY(clock.elapsed() < 5000);
        h.restart();
        QVERIFY(h.waitReady());
        auto stored = h.query([reply](SessionStore& s) { return s.messages().get(reply); });
        QVERIFY(stored.ok());
        QCOMPARE(stored->status, storage::MessageStatus::interrupted);
        QVERIFY(stored->content.size() > 10);
    }

    void searchDeleteUndoExportImport() {
        Harness h;
        QVERIFY(h.waitReady());
        QCOMPARE(h.sendAndWait("Where do marmalade jars come from?"), QStringLiteral("complete"));
        const qint64 first = h.chat()->conversationId();
        h.chat()->newConversation();
        QCOMPARE(h.sendAndWait("Something else entirely"), QStringLiteral("complete"));
        ConversationService* conversations = h.conversations();
        QTRY_COMPARE(conversations->listModel()->rowCount(), 2);

        QSignalSpy searched(conversations, &ConversationService::searchFinished);
        conversations->setSearchQuery("marmal");
        QVERIFY(searched.wait(5000));
        QVERIFY(conversations->resultModel()->rowCount() >= 1);
        QCOMPARE(conversations->resultModel()->data(conversations->resultModel()->index(0), SearchResultModel::ConversationIdRole).toLongLong(), first);
        QVERIFY(conversations->resultModel()->data(conversations->resultModel()->index(0), SearchResultModel::SnippetRole).toString().contains("<b>"));

        QSignalSpy removed(conversations, &ConversationService::removed);
        conversations->remove(first);
        QVERIFY(removed.wait(5000));
        QCOMPARE(conversations->listModel()->rowCount(), 1);
        QVERIFY(conversations->canUndo());
        QVERIFY(searched.wait(5000));   // results refresh: the deleted chat is gone from search
        QCOMPARE(conversations->resultModel()->rowCount(), 0);
        QSignalSpy restored(conversations, &ConversationService::restored);
        conversations->undoRemove();
        QVERIFY(restored.wait(5000));
        QCOMPARE(conversations->listModel()->rowCount(), 2);

        const QString md = h.dir.filePath("out.md");
        const QString json = h.dir.filePath("out.json");
        QSignalSpy exported(conversations, &ConversationService::exported);
        conversations->exportConversation(first, QUrl::fromLocalFile(md).toString(), "markdown");
        QVERIFY(exported.wait(5000));
        conversations->exportConversation(first, json, "json");
        QVERIFY(exported.wait(5000));
        QFile mdFile(md);
        QVERIFY(mdFile.open(QIODevice::ReadOnly));
        QVERIFY(mdFile.readAll().contains("marmalade"));

        QSignalSpy imported(conversations, &ConversationService::imported);
        QSignalSpy opened(h.chat(), &ChatService::branchLoaded);
        conversations->importConversation(json);
        QVERIFY(imported.wait(5000));
        QVERIFY(imported.first().at(0).toLongLong() != first);
        QTRY_COMPARE(h.chat()->conversationId(), imported.first().at(0).toLongLong());
        QCOMPARE(h.chat()->messageModel()->rowCount(), 2);

        QSignalSpy notice(conversations, &ConversationService::notice);
        conversations->importConversation(h.dir.filePath("missing.json"));
        QVERIFY(notice.wait(5000));
        QVERIFY(notice.first().at(0).toString().startsWith("Import failed"));
    }

    void corruptDatabaseIsKeptAsideAndReported() {
        Harness h;
        QVERIFY(h.waitReady());
        QCOMPARE(h.sendAndWait("Something to salvage"), QStringLiteral("complete"));
        h.app.reset();
        {
            QFile db(h.options.dbPath);
            QVERIFY(db.open(QIODevice::ReadWrite));
            db.seek(0);
            db.write(QByteArray(100, '\x5a'));   // a destroyed header
        }
        h.restart();
        QVERIFY(h.waitReady());
        QVERIFY(h.app->storageReady());
        QCOMPARE(h.app->bannerKind(), QStringLiteral("warning"));
        QVERIFY2(h.app->banner().contains("was damaged"), qPrintable(h.app->banner()));
        const QStringList aside = QDir(h.dir.path()).entryList({"farsight.db.corrupt-*"});
        QVERIFY2(!aside.isEmpty(), qPrintable(QDir(h.dir.path()).entryList().join(",")));
        h.app->dismissBanner();
        QVERIFY(h.app->banner().isEmpty());
    }

    void argumentsOfASecondInstanceOpenANewChatWithTheDocuments() {
        Harness h;
        QVERIFY(h.waitReady());
        QCOMPARE(h.sendAndWait("An existing chat"), QStringLiteral("complete"));
        const qint64 existing = h.chat()->conversationId();
        QSignalSpy raised(h.app.get(), &AppContext::raiseRequested);
        QSignalSpy ready(h.documents(), &DocumentService::attachmentReady);
        h.app->handleArguments({kDocuments + "/alice_ch1.txt"});
        QCOMPARE(raised.count(), 1);
        QVERIFY(ready.wait(10000));
        QVERIFY(h.chat()->conversationId() > 0);
        QVERIFY(h.chat()->conversationId() != existing);
        QCOMPARE(h.documents()->attachmentModel()->rowCount(), 1);
    }

    void settingsArePerConversation() {
        Harness h;
        QVERIFY(h.waitReady());
        QCOMPARE(h.sendAndWait("First chat"), QStringLiteral("complete"));
        const qint64 first = h.chat()->conversationId();
        h.chat()->setSystemPrompt("You are terse.");
        h.chat()->setTemperature(0.2);
        h.chat()->setMaxTokens(300);
        h.chat()->newConversation();
        QCOMPARE(h.chat()->systemPrompt(), QString());
        QCOMPARE(h.chat()->maxTokens(), 2048);
        QSignalSpy loaded(h.chat(), &ChatService::branchLoaded);
        h.chat()->openConversation(first);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(h.chat()->systemPrompt(), QStringLiteral("You are terse."));
        QCOMPARE(h.chat()->temperature(), 0.2);
        QCOMPARE(h.chat()->maxTokens(), 300);
    }
};

QTEST_MAIN(ChatServiceTest)
#include "test_chat_service.moc"
