// DocumentService: the per-file pipeline — extract in the helper process (pool thread) -> store
// text + provenance (storage thread) -> count tokens per page/line run (engine thread) — and the
// conversation's attachment list. Budget: document_budget.cpp; block and citations: document_block.cpp.
#include "services/document_service.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include "ingest/provenance_json.h"
#include "ingest/subprocess.h"
#include "ingest/token_count.h"
#include "services/chat_service.h"
#include "services/engine_bridge.h"
#include "services/model_service.h"

namespace farsight::app {

using storage::SessionStore;

struct DocumentService::Job {
    int key = 0;
    qint64 conversation = 0;
    QString path;
    qint64 bytes = 0;
    std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
    qint64 attachmentId = 0;
    std::shared_ptr<const ingest::Document> doc;
    std::shared_ptr<std::vector<ingest::FileTokens>> counted;   // written on the engine thread
    quint64 countRequest = 0;
    QElapsedTimer clock;                                        // the current step
};

struct DocumentService::Extracted {
    std::shared_ptr<const ingest::Document> doc;
    std::string provenance_json;
    std::string sha256;
};

namespace {

storage::AttachmentKind kind_of(ingest::SourceFormat format) {
    switch (format) {
    case ingest::SourceFormat::pdf: return storage::AttachmentKind::pdf;
    case ingest::SourceFormat::markdown: return storage::AttachmentKind::markdown;
    default: return storage::AttachmentKind::text;
    }
}

QString kind_name(storage::AttachmentKind kind) { return QString::fromUtf8(storage::to_string(kind)); }

// SHA-256 of the file as it was read (storage dedupes attachments by it).
Result<std::string> sha256_of(const QString& path, const CancelToken& cancel) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return Status(ErrorCode::io_error, "cannot read " + path.toStdString());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    for (;;) {
        if (cancel.cancelled()) return Status(ErrorCode::cancelled, "cancelled");
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n < 0) return Status(ErrorCode::io_error, "cannot read " + path.toStdString());
        if (n == 0) break;
        hash.addData(QByteArrayView(buffer.constData(), n));
    }
    return hash.result().toHex().toStdString();
}

}  // namespace

DocumentService::DocumentService(StorageService* storage, EngineBridge* engine, ModelService* model, ChatService* chat,
                                 QString extractHelper, QObject* parent)
    : QObject(parent), m_storage(storage), m_engine(engine), m_modelService(model), m_chat(chat),
      m_helper(std::move(extractHelper)) {
    m_pool.setMaxThreadCount(2);
    connect(m_engine, &EngineBridge::countProgress, this, [this](quint64 id, qint64 done, qint64 total, qint64 tokens) {
        for (auto& [key, job] : m_jobs) {
            if (job->countRequest != id) continue;
            const double secs = std::max(1e-3, job->clock.elapsed() / 1000.0);
            updateItem(key, [&](AttachmentItem& a) {
                a.progress = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0;
                a.rate = static_cast<double>(tokens) / secs;
                a.secondsLeft = done > 0 ? secs * static_cast<double>(total - done) / static_cast<double>(done) : 0;
            });
        }
    });
    connect(m_engine, &EngineBridge::tokenJobFinished, this, [this](quint64 id, bool ok, const QString& error) {
        for (auto& [key, entry] : m_jobs) {
            if (entry->countRequest != id) continue;
            const std::shared_ptr<Job> job = entry;   // finishJob erases the map entry
            if (!ok && job->cancel->cancelled()) return finishJob(job, QStringLiteral("cancelled"));
            qint64 n = 0;
            bool estimated = false;
            if (ok && !job->counted->empty()) {
                n = job->counted->front().n_tokens;
                m_sources[job->attachmentId].segments = job->counted->front().segments;
            } else {   // e.g. the model was unloaded meanwhile: estimate, and say so
                n = static_cast<qint64>(job->doc->text().size() / 4);
                estimated = true;
                emit notice(tr("Token count of %1 is an estimate: %2").arg(QFileInfo(job->path).fileName(), error));
            }
            m_storage->run([aid = job->attachmentId, n](SessionStore& s) { return s.attachments().set_token_count(aid, n); });
            updateItem(key, [&](AttachmentItem& a) {
                a.nTokens = n;
                a.tokensEstimated = estimated;
            });
            return finishJob(job, QStringLiteral("ready"));
        }
    });
    connect(m_modelService, &ModelService::modelLoaded, this, &DocumentService::recountEstimated);
    connect(m_modelService, &ModelService::stateChanged, this, &DocumentService::replan);
    connect(m_modelService, &ModelService::planChanged, this, &DocumentService::replan);
    connect(m_chat, &ChatService::settingsChanged, this, &DocumentService::replan);
    connect(m_chat, &ChatService::replyFinished, this, &DocumentService::replan);
}

DocumentService::~DocumentService() {
    for (auto& [key, job] : m_jobs) job->cancel->cancel();
    m_pool.waitForDone();
}

bool DocumentService::supportedPath(const QString& path) {
    static const QStringList suffixes{"txt", "text", "md", "markdown", "pdf", "log", "csv", "rst", ""};
    return suffixes.contains(QFileInfo(path).suffix().toLower());
}

void DocumentService::attach(const QVariant& files) {
    const QVariantList list = files.typeId() == QMetaType::QString || files.typeId() == QMetaType::QUrl
                                  ? QVariantList{files} : files.toList();
    std::vector<std::shared_ptr<Job>> jobs;
    for (const QVariant& v : list) {
        const QUrl url = v.toUrl();
        const QFileInfo info(url.isLocalFile() ? url.toLocalFile() : v.toString());
        if (!info.isFile() || !info.isReadable()) {
            emit notice(tr("%1 is not a readable file").arg(info.filePath()));
            continue;
        }
        if (!supportedPath(info.filePath())) {
            emit notice(tr("%1: Farsight reads TXT, Markdown and PDF documents").arg(info.fileName()));
            continue;
        }
        auto job = std::make_shared<Job>();
        job->key = m_nextKey++;
        job->path = info.absoluteFilePath();
        job->bytes = info.size();
        AttachmentItem item;
        item.key = job->key;
        item.name = info.fileName();
        item.path = job->path;
        item.kind = info.suffix().toLower() == QLatin1String("pdf") ? QStringLiteral("pdf") : QStringLiteral("text");
        item.byteSize = info.size();
        item.state = QStringLiteral("extracting");
        item.rateUnit = QStringLiteral("MB/s");
        m_model.append(item);
        m_jobs[job->key] = job;
        jobs.push_back(job);
    }
    if (jobs.empty()) return;
    emit changed();
    m_chat->ensureConversation([this, jobs](qint64 conversation) {
        for (const auto& job : jobs) {
            job->conversation = conversation;
            startExtraction(job);
        }
    });
}

void DocumentService::startExtraction(const std::shared_ptr<Job>& job) {
    job->clock.start();
    m_pool.start([this, job, helper = m_helper.toStdString()] {
        QElapsedTimer clock;
        clock.start();
        qint64 last = -EngineBridge::kMinProgressIntervalMs;
        const int key = job->key;
        const ingest::ProgressFn progress = [&](const ingest::Progress& p) {
            if (clock.elapsed() - last < EngineBridge::kMinProgressIntervalMs) return;
            last = clock.elapsed();
            const double f = p.pages_total > 0 ? static_cast<double>(p.pages_done) / p.pages_total
                             : p.bytes_total > 0 ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 0.0;
            const double secs = std::max(1e-3, clock.elapsed() / 1000.0);
            const double rate = static_cast<double>(p.bytes_done) / secs / 1e6;
            const double left = f > 0 ? secs * (1 - f) / f : 0;
            QMetaObject::invokeMethod(this, [this, key, f, rate, left] {
                updateItem(key, [&](AttachmentItem& a) {
                    a.progress = f;
                    a.rate = rate;
                    a.secondsLeft = left;
                });
            }, Qt::QueuedConnection);
        };
        ingest::HelperOptions options;
        options.helper_path = helper;
        const std::vector<std::string> paths{job->path.toStdString()};
        Result<ingest::Document> doc = ingest::extract_in_subprocess(paths, {}, progress, job->cancel.get(), options);
        Result<std::string> sha = doc.ok() ? sha256_of(job->path, *job->cancel) : Result<std::string>(doc.status());
        std::shared_ptr<const Extracted> extracted;
        Status status = sha.ok() ? Status() : sha.status();
        if (status.ok()) {
            auto e = std::make_shared<Extracted>();
            e->provenance_json = ingest::provenance_to_json(*doc);
            e->sha256 = std::move(*sha);
            e->doc = std::make_shared<const ingest::Document>(std::move(*doc));
            extracted = std::move(e);
        }
        QMetaObject::invokeMethod(this, [this, job, status, extracted] {
            if (!status.ok()) {
                const bool cancelled = status.code() == ErrorCode::cancelled || job->cancel->cancelled();
                return finishJob(job, cancelled ? QStringLiteral("cancelled") : QStringLiteral("error"),
                                 QString::fromStdString(status.message()));
            }
            storeExtracted(job, extracted);
        }, Qt::QueuedConnection);
    });
}

void DocumentService::storeExtracted(const std::shared_ptr<Job>& job, const std::shared_ptr<const Extracted>& extracted) {
    if (job->cancel->cancelled()) return finishJob(job, QStringLiteral("cancelled"));
    job->doc = extracted->doc;
    const ingest::SourceInfo& file = extracted->doc->files().front();
    updateItem(job->key, [&](AttachmentItem& a) {
        a.pages = file.n_pages;
        a.kind = kind_name(kind_of(file.format));
        a.progress = 1.0;
    });
    m_storage->run(
        [conversation = job->conversation, path = job->path.toStdString(), extracted](SessionStore& s) -> Result<storage::AttachmentId> {
            FS_ASSIGN_OR_RETURN(auto existing, s.attachments().list(conversation));
            for (const storage::Attachment& a : existing)
                if (a.sha256 == extracted->sha256) return Status(ErrorCode::duplicate, "this document is already attached");
            const ingest::SourceInfo& file = extracted->doc->files().front();
            storage::Attachment a;
            a.conversation = conversation;
            a.kind = kind_of(file.format);
            a.original_path = path;
            a.sha256 = extracted->sha256;
            a.byte_size = static_cast<std::int64_t>(file.file_bytes);
            a.extracted_text = extracted->doc->text();
            a.provenance_json = extracted->provenance_json;
            return s.attachments().add(a);
        },
        this, [this, job](Result<storage::AttachmentId> id) {
            if (!id.ok()) {
                if (id.status().code() == ErrorCode::duplicate) {
                    emit notice(tr("%1 is already attached").arg(QFileInfo(job->path).fileName()));
                    m_jobs.erase(job->key);
                    m_model.removeKey(job->key);
                    emit changed();
                    return;
                }
                return finishJob(job, QStringLiteral("error"), QString::fromStdString(id.status().message()));
            }
            job->attachmentId = *id;
            m_sources[*id].doc = job->doc;
            updateItem(job->key, [&](AttachmentItem& a) { a.id = *id; });
            countTokens(job);
        });
}

void DocumentService::countTokens(const std::shared_ptr<Job>& job) {
    if (job->cancel->cancelled()) return finishJob(job, QStringLiteral("cancelled"));
    if (!m_modelService->loaded()) {
        const auto n = static_cast<qint64>(job->doc->text().size() / 4);
        m_storage->run([aid = job->attachmentId, n](SessionStore& s) { return s.attachments().set_token_count(aid, n); });
        updateItem(job->key, [&](AttachmentItem& a) {
            a.nTokens = n;
            a.tokensEstimated = true;
        });
        return finishJob(job, QStringLiteral("ready"));
    }
    updateItem(job->key, [&](AttachmentItem& a) {
        a.state = QStringLiteral("counting");
        a.rateUnit = QStringLiteral("tok/s");
        a.progress = 0;
        a.rate = 0;
        a.secondsLeft = 0;
    });
    job->clock.start();
    job->counted = std::make_shared<std::vector<ingest::FileTokens>>();
    job->countRequest = m_engine->runTokenJob(
        [doc = job->doc, out = job->counted](const TokenizeFn& tokenize, const TokenProgressFn& progress,
                                             const CancelToken& cancel) -> Status {
            // Small segments (a few pages or ~80 lines) so "keep the first part" can cut finely.
            ingest::TokenCountOptions options;
            options.segment_bytes = 4096;
            FS_ASSIGN_OR_RETURN(*out, ingest::count_tokens(*doc, tokenize, options, progress, &cancel));
            return {};
        });
}

void DocumentService::finishJob(const std::shared_ptr<Job>& job, const QString& state, const QString& error) {
    m_jobs.erase(job->key);
    updateItem(job->key, [&](AttachmentItem& a) {
        a.state = state;
        a.error = error;
        if (state == QLatin1String("ready")) a.progress = 1.0;
        a.rate = 0;
        a.secondsLeft = 0;
    });
    // A document cancelled after it was stored is not part of the conversation.
    if (state != QLatin1String("ready") && job->attachmentId > 0) {
        m_storage->run([aid = job->attachmentId](SessionStore& s) { return s.attachments().remove(aid); });
        m_sources.erase(job->attachmentId);
        updateItem(job->key, [](AttachmentItem& a) { a.id = 0; });
    }
    invalidateBlock();
    replan();
    if (state == QLatin1String("ready")) emit attachmentReady(job->key);
    else emit attachmentFailed(job->key, error.isEmpty() ? state : error);
}

void DocumentService::updateItem(int key, const std::function<void(AttachmentItem&)>& change) {
    const AttachmentItem* current = m_model.findKey(key);
    if (!current) return;
    AttachmentItem copy = *current;
    change(copy);
    m_model.update(copy);
}

void DocumentService::cancel(int key) {
    auto it = m_jobs.find(key);
    if (it == m_jobs.end()) return;
    it->second->cancel->cancel();
    if (it->second->countRequest) m_engine->cancel(it->second->countRequest);
}

void DocumentService::cancelAll() {
    std::vector<int> keys;
    for (auto& [key, job] : m_jobs) keys.push_back(key);
    for (int key : keys) cancel(key);
}

void DocumentService::remove(int key) {
    const AttachmentItem* item = m_model.findKey(key);
    if (!item) return;
    if (m_jobs.count(key)) {
        cancel(key);   // the pipeline removes what it stored when it sees the cancel
    } else if (item->id > 0) {
        m_storage->run([id = item->id](SessionStore& s) { return s.attachments().remove(id); });
        m_sources.erase(item->id);
    }
    m_model.removeKey(key);
    invalidateBlock();
    replan();
}

void DocumentService::setConversation(qint64 id) {
    if (id == m_conversation) return;
    m_conversation = id;
    const quint64 seq = ++m_loadSeq;
    m_sources.clear();   // documents, counts and keep choices belong to the conversation
    invalidateBlock();
    // Files being read for this conversation (or for the one being created for them) stay listed.
    std::vector<AttachmentItem> inFlight;
    for (int row = 0; row < m_model.rowCount(); ++row) {
        const AttachmentItem& a = m_model.itemAt(row);
        const auto job = m_jobs.find(a.key);
        if (job != m_jobs.end() && (job->second->conversation == id || job->second->conversation == 0)) inFlight.push_back(a);
    }
    m_model.setItems(inFlight);
    replan();
    if (id == 0) return;
    m_storage->run([id](SessionStore& s) { return s.attachments().list(id); }, this,
                   [this, seq](Result<std::vector<storage::Attachment>> list) {
                       if (seq != m_loadSeq || !list.ok()) return;
                       std::vector<AttachmentItem> items;
                       for (const storage::Attachment& a : *list) {
                           bool listed = false;
                           for (int row = 0; row < m_model.rowCount(); ++row) listed |= m_model.itemAt(row).id == a.id;
                           if (listed) continue;
                           AttachmentItem item;
                           item.key = m_nextKey++;
                           item.id = a.id;
                           item.name = QFileInfo(QString::fromStdString(a.original_path)).fileName();
                           item.path = QString::fromStdString(a.original_path);
                           item.kind = kind_name(a.kind);
                           item.byteSize = a.byte_size;
                           item.nTokens = a.n_tokens > 0 ? a.n_tokens : a.byte_size / 4;
                           item.tokensEstimated = a.n_tokens <= 0;
                           item.state = QStringLiteral("ready");
                           item.progress = 1.0;
                           items.push_back(item);
                       }
                       for (int row = 0; row < m_model.rowCount(); ++row) items.push_back(m_model.itemAt(row));
                       m_model.setItems(std::move(items));
                       if (m_modelService->loaded()) recountEstimated();
                       replan();
                       emit documentsLoaded();
                   });
}

void DocumentService::recountEstimated() {
    std::vector<AttachmentItem> estimated;
    for (int row = 0; row < m_model.rowCount(); ++row) {
        const AttachmentItem& a = m_model.itemAt(row);
        if (a.tokensEstimated && a.state == QLatin1String("ready") && a.id > 0 && !m_jobs.count(a.key)) estimated.push_back(a);
    }
    if (estimated.empty()) return;
    for (const AttachmentItem& a : estimated) {
        auto job = std::make_shared<Job>();
        job->key = a.key;
        job->conversation = m_conversation;
        job->path = a.path;
        job->attachmentId = a.id;
        m_jobs[job->key] = job;
    }
    withParts([this, estimated](std::vector<Part> parts) {
        for (const AttachmentItem& a : estimated) {
            auto it = m_jobs.find(a.key);
            if (it == m_jobs.end()) continue;
            const std::shared_ptr<Job> job = it->second;
            for (const Part& p : parts)
                if (p.id == a.id) job->doc = p.doc;
            if (job->doc) countTokens(job);
            else finishJob(job, QStringLiteral("ready"));
        }
    });
    emit changed();
}

std::vector<storage::AttachmentId> DocumentService::readyAttachmentIds() const {
    std::vector<storage::AttachmentId> ids;
    for (int row = 0; row < m_model.rowCount(); ++row) {
        const AttachmentItem& a = m_model.itemAt(row);
        if (a.state == QLatin1String("ready") && a.id > 0) ids.push_back(a.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace farsight::app
