// DocumentService through the real composition root: TXT/MD/PDF extracted in the helper process,
// token counts, the budget (fits / does not fit, with the choices), cancel, bad files, the
// documents prefilled once and reused (also after a restart), citations matched to file/line.
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include "service_harness.h"

using namespace farsight;
using namespace farsight::app;
using namespace farsight::app::testing;
using storage::SessionStore;

namespace {

QString doc(const char* name) { return kDocuments + "/" + name; }

bool waitDocumentsIdle(Harness& h, int timeoutMs = 20000) {
    return QTest::qWaitFor([&] { return !h.documents()->busy(); }, timeoutMs);
}

const AttachmentItem* byName(Harness& h, const QString& name) {
    AttachmentListModel* m = h.documents()->attachmentModel();
    for (int row = 0; row < m->rowCount(); ++row)
        if (m->itemAt(row).name == name) return &m->itemAt(row);
    return nullptr;
}

}  // namespace

class DocumentsTest : public QObject {
    Q_OBJECT
private slots:
    void attachSeveralFormatsAtOnce() {
        Harness h;
        QVERIFY(h.waitReady());
        QSignalSpy ready(h.documents(), &DocumentService::attachmentReady);
        h.documents()->attach(QStringList{doc("alice_ch1.txt"), doc("reading_notes.md"), QUrl::fromLocalFile(doc("multipage.pdf")).toString()});
        QCOMPARE(h.documents()->attachmentModel()->rowCount(), 3);
        QVERIFY(h.documents()->busy());
        QVERIFY(waitDocumentsIdle(h));
        QCOMPARE(ready.count(), 3);
        QVERIFY(h.chat()->conversationId() > 0);   // attaching created the conversation

        const AttachmentItem* alice = byName(h, "alice_ch1.txt");
        QVERIFY(alice && alice->state == "ready" && !alice->tokensEstimated);
        QVERIFY(alice->nTokens > 1500);
        const AttachmentItem* pdf = byName(h, "multipage.pdf");
        QVERIFY(pdf && pdf->state == "ready");
        QCOMPARE(pdf->kind, QStringLiteral("pdf"));
        QCOMPARE(pdf->pages, 3);
        QCOMPARE(byName(h, "reading_notes.md")->kind, QStringLiteral("markdown"));
        QVERIFY(h.documents()->fits());
        QVERIFY(h.documents()->fitText().startsWith("Fits:"));
        QCOMPARE(h.documents()->totalTokens(), alice->nTokens + pdf->nTokens + byName(h, "reading_notes.md")->nTokens);

        // Stored with text and provenance, counted.
        auto stored = h.query([c = h.chat()->conversationId()](SessionStore& s) { return s.attachments().list(c); });
        QVERIFY(stored.ok());
        QCOMPARE(stored->size(), size_t{3});
        for (const auto& a : *stored) {
            QVERIFY(a.n_tokens > 0);
            QVERIFY(a.provenance_json.find("\"spans\"") != std::string::npos);
            QCOMPARE(a.sha256.size(), size_t{64});
        }

        // The same file again is refused; the documents block carries all three.
        QSignalSpy notice(h.documents(), &DocumentService::notice);
        h.documents()->attach(doc("alice_ch1.txt"));
        QVERIFY(notice.wait(10000));
        QVERIFY(notice.first().at(0).toString().contains("already attached"));
        QTRY_COMPARE(h.documents()->attachmentModel()->rowCount(), 3);
        std::shared_ptr<const std::string> block;
        h.documents()->withDocumentsBlock(this, [&](std::shared_ptr<const std::string> b) { block = std::move(b); });
        QTRY_VERIFY(block != nullptr);
        QVERIFY(block->find("<document name=\"multipage.pdf\" kind=\"pdf\" pages=\"3\">") != std::string::npos);
        QVERIFY(block->find("Down the Rabbit-Hole") != std::string::npos);
    }

    void badFilesAreReportedNotFatal() {
        Harness h;
        QVERIFY(h.waitReady());
        QSignalSpy failed(h.documents(), &DocumentService::attachmentFailed);
        QSignalSpy notice(h.documents(), &DocumentService::notice);
        h.documents()->attach(QStringList{doc("corrupt.pdf"), doc("binary.dat"), doc("missing.txt")});
        QCOMPARE(notice.count(), 2);   // binary.dat (not a document type) and missing.txt, at once
        QVERIFY(waitDocumentsIdle(h));
        QCOMPARE(failed.count(), 1);
        const AttachmentItem* corrupt = byName(h, "corrupt.pdf");
        QVERIFY(corrupt && corrupt->state == "error" && !corrupt->error.isEmpty());
        QVERIFY(!h.documents()->hasDocuments());
    }

    void extractionAndCountingCanBeCancelled() {
        // A large file (about 12 MB) so there is time to cancel while the helper reads it.
        Harness h;
        QVERIFY(h.waitReady());
        const QString big = h.dir.filePath("big.txt");
        {
            QFile f(big);
            QVERIFY(f.open(QIODevice::WriteOnly));
            const QByteArray line = "All work and no play makes a long document for the cancel test.\n";
            for (int i = 0; i < 200000; ++i) f.write(line);
        }
        QSignalSpy failed(h.documents(), &DocumentService::attachmentFailed);
        h.documents()->attach(big);
        QCOMPARE(h.documents()->attachmentModel()->rowCount(), 1);
        const int key = h.documents()->attachmentModel()->itemAt(0).key;
        QTRY_VERIFY_WITH_TIMEOUT(h.documents()->attachmentModel()->itemAt(0).progress > 0 ||
                                 h.documents()->attachmentModel()->itemAt(0).state == "counting", 10000);
        h.documents()->cancel(key);
        QVERIFY(failed.wait(10000));
        QCOMPARE(h.documents()->attachmentModel()->itemAt(0).state, QStringLiteral("cancelled"));
        auto stored = h.query([c = h.chat()->conversationId()](SessionStore& s) { return s.attachments().list(c); });
        QVERIFY(stored.ok());
        QCOMPARE(stored->size(), size_t{0});   // nothing half-attached
        h.documents()->remove(key);
        QCOMPARE(h.documents()->attachmentModel()->rowCount(), 0);
    }

    void budgetOffersChoicesAndNeverCutsSilently() {
        Harness h(Harness::fast(), /*context=*/2048);
        QVERIFY(h.waitReady());
        h.chat()->setMaxTokens(256);
        h.documents()->attach(QStringList{doc("alice_ch1.txt"), doc("multipage.pdf")});
        QVERIFY(waitDocumentsIdle(h));
        QVERIFY(!h.documents()->fits());
        QVERIFY(h.documents()->fitText().startsWith("Does not fit"));
        const QVariantList choices = h.documents()->choices();
        QStringList kinds;
        for (const QVariant& c : choices) kinds << c.toMap().value("kind").toString();
        QVERIFY2(kinds.contains("keep_prefix") && kinds.contains("larger_context"), qPrintable(kinds.join(",")));
        QCOMPARE(kinds.last(), QStringLiteral("larger_context"));

        // Sending is refused with the numbers, the draft kept.
        QSignalSpy notice(h.chat(), &ChatService::notice);
        h.chat()->setDraft("Summarize");
        QVERIFY(!h.chat()->send());
        QVERIFY(notice.last().at(0).toString().startsWith("Does not fit"));

        // Keep the first part: explicit, shown, and the block says what was left out.
        int keep = -1;
        for (const QVariant& c : choices)
            if (c.toMap().value("kind") == "keep_prefix") keep = c.toMap().value("index").toInt();
        h.documents()->applyChoice(keep);
        QVERIFY(h.documents()->fits());
        QVERIFY(!h.documents()->keepText().isEmpty());
        std::shared_ptr<const std::string> block;
        h.documents()->withDocumentsBlock(this, [&](std::shared_ptr<const std::string> b) { block = std::move(b); });
        QTRY_VERIFY(block != nullptr);
        QVERIFY(block->find("is not included (the user chose") != std::string::npos);
        h.documents()->clearKeep();
        QVERIFY(!h.documents()->fits());

        // Or a larger context: the model reloads and everything fits.
        int larger = choices.last().toMap().value("index").toInt();
        QSignalSpy loaded(h.models(), &ModelService::modelLoaded);
        h.documents()->applyChoice(larger);
        QVERIFY(loaded.wait(10000));
        QVERIFY(h.models()->loadedContext() > 2048);
        QVERIFY(h.documents()->fits());
    }

    void documentsArePrefilledOnceReusedAndCited() {
        auto options = Harness::fast();
        options.prefill_tokens_per_s = 500000;
        Harness h(options);
        QVERIFY(h.waitReady());
        h.documents()->attach(doc("alice_ch1.txt"));
        QVERIFY(waitDocumentsIdle(h));

        QSignalSpy citations(h.documents(), &DocumentService::citationsReady);
        QSignalSpy progress(h.chat(), &ChatService::progressChanged);
        QCOMPARE(h.sendAndWait("What does Alice see?"), QStringLiteral("complete"));
        QVERIFY(!progress.isEmpty());
        QVERIFY(citations.wait(10000));
        const QVariantList list = citations.first().at(1).toList();
        QCOMPARE(list.size(), 2);   // the fake quotes one sentence of the document and invents one
        const QVariantMap real = list[0].toMap();
        const QVariantMap invented = list[1].toMap();
        QVERIFY(real.value("matched").toBool());
        QCOMPARE(real.value("file").toString(), QStringLiteral("alice_ch1.txt"));
        QVERIFY(real.value("line").toInt() > 0);
        QVERIFY(real.value("url").toString().startsWith("file://"));
        QVERIFY(!invented.value("matched").toBool());
        QCOMPARE(invented.value("quote").toString(), QStringLiteral("the moon is made of green cheese"));
        QTRY_COMPARE(h.chat()->messageModel()->itemAt(1).citations.size(), 2);

        // One snapshot of the prefilled documents, reused by the next question.
        auto snapshots = h.query([c = h.chat()->conversationId()](SessionStore& s) { return s.snapshots().list(c); });
        QVERIFY(snapshots.ok());
        QCOMPARE(snapshots->size(), size_t{1});
        const qint64 prefix = snapshots->front().n_tokens;
        QVERIFY(prefix > h.documents()->totalTokens() / 2);
        QVERIFY(QFile::exists(QString::fromStdString(snapshots->front().path)));
        QCOMPARE(h.sendAndWait("And then?"), QStringLiteral("complete"));
        QVERIFY(h.chat()->reusedTokens() >= prefix);
        QCOMPARE(h.chat()->messageModel()->itemAt(3).reusedTokens, h.chat()->reusedTokens());

        // After a restart the snapshot is loaded instead of reading the documents again.
        const qint64 conversation = h.chat()->conversationId();
        h.restart(options);
        QVERIFY(h.waitReady());
        QTRY_COMPARE(h.chat()->conversationId(), conversation);
        QTRY_VERIFY(h.documents()->hasDocuments());
        QStringList phases;
        connect(h.chat(), &ChatService::generatingChanged, this, [&] { phases << h.chat()->phase(); });
        QCOMPARE(h.sendAndWait("One more question"), QStringLiteral("complete"));
        QVERIFY(h.chat()->reusedTokens() >= prefix);
        QVERIFY2(!phases.contains("reading"), qPrintable(phases.join(",")));
        auto again = h.query([conversation](SessionStore& s) { return s.snapshots().list(conversation); });
        QCOMPARE(again->size(), size_t{1});
    }
};

QTEST_MAIN(DocumentsTest)
#include "test_documents.moc"
