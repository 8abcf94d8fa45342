// StorageService implementation: the open job, the flush timer and an orderly close on the
// storage thread.
#include "services/storage_service.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcStorage, "farsight.storage")

namespace farsight::app {

StorageService::StorageService(QObject* parent) : QObject(parent) {
    m_thread.setObjectName(QStringLiteral("farsight-storage"));
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

StorageService::~StorageService() {
    // Quit from inside the queue: every job posted before (pending writes) runs first.
    QMetaObject::invokeMethod(m_worker, [this] {
        if (m_store) {
            Status st = m_store->close();
            if (!st.ok()) qCWarning(lcStorage) << "closing the database:" << QString::fromStdString(st.to_string());
            m_store.reset();
        }
        m_thread.quit();
    }, Qt::QueuedConnection);
    m_thread.wait();
}

Status StorageService::notOpen() { return Status(ErrorCode::io_error, "the session database is not open"); }

void StorageService::reportFailure(const Status& st) {
    qCWarning(lcStorage) << "write failed:" << QString::fromStdString(st.to_string());
    QMetaObject::invokeMethod(this, [this, error = QString::fromStdString(st.message())] { emit writeFailed(error); },
                              Qt::QueuedConnection);
}

void StorageService::open(const QString& path, storage::StoreOptions options) {
    m_path = path;
    QDir().mkpath(QFileInfo(path).absolutePath());
    QMetaObject::invokeMethod(m_worker, [this, path, options] {
        auto store = storage::SessionStore::open(path.toStdString(), options);
        StoreOpenInfo info;
        QString error;
        if (store.ok()) {
            m_store = std::move(*store);
            const storage::OpenReport& r = m_store->open_report();
            info.created = r.created;
            info.corrupt = r.recovery.corrupt;
            info.corruptReason = QString::fromStdString(r.recovery.reason);
            info.movedTo = QString::fromStdString(r.recovery.moved_to.string());
            info.rowsSalvaged = r.recovery.rows_salvaged;
            info.interrupted = r.interrupted;
            info.drafts = r.drafts;
            info.migratedFrom = r.migration.from_version;
            info.migratedTo = r.migration.to_version;
            auto* timer = new QTimer(m_worker);
            timer->setInterval(250);
            connect(timer, &QTimer::timeout, m_worker, [this] {
                if (!m_store) return;
                Status st = m_store->flush_due();
                if (!st.ok()) reportFailure(st);
            });
            timer->start();
        } else {
            error = QString::fromStdString(store.status().message());
            qCWarning(lcStorage) << "cannot open" << path << ":" << error;
        }
        const bool ok = store.ok();
        QMetaObject::invokeMethod(this, [this, ok, error, info] {
            m_open = ok;
            m_openInfo = info;
            emit opened(ok, error);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

}  // namespace farsight::app
