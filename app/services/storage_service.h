// StorageService: owns the SessionStore (app/storage, one SQLite connection) on its own thread.
// Services post jobs `R(SessionStore&)` (R = Status or Result<T>) and get the result back on the
// GUI thread; a context object that died meanwhile drops the answer. Streamed replies are
// committed by a 250 ms flush_due() timer on the storage thread (reliability.md: kill -9 loses ≤ 1 s).
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "storage/session_store.h"

namespace farsight::app {

// What SessionStore::open found, in GUI terms.
struct StoreOpenInfo {
    bool created = false;
    bool corrupt = false;                 // the file was damaged: moved aside, rows salvaged
    QString corruptReason;
    QString movedTo;
    qint64 rowsSalvaged = 0;
    std::vector<storage::MessageId> interrupted;
    std::vector<storage::Draft> drafts;
    int migratedFrom = 0;
    int migratedTo = 0;
};

class StorageService : public QObject {
    Q_OBJECT
public:
    explicit StorageService(QObject* parent = nullptr);
    ~StorageService() override;   // flushes, closes and joins (bounded by SQLite's own work)

    // Opens on the storage thread; emits opened(). Jobs posted before it finishes run after it.
    void open(const QString& path, storage::StoreOptions options = {});
    bool isOpen() const { return m_open; }
    const StoreOpenInfo& openInfo() const { return m_openInfo; }
    QString path() const { return m_path; }

    // Runs `job(store)` on the storage thread and `done(result)` on the GUI thread (if `context`
    // is still alive). Without a store the job is skipped and `done` gets an io_error.
    template <class F, class D>
    void run(F job, QObject* context, D done) {
        using R = std::invoke_result_t<F&, storage::SessionStore&>;
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(m_worker, [this, job, guard, done]() mutable {
            R result = m_store ? job(*m_store) : R(notOpen());
            QMetaObject::invokeMethod(this, [guard, done, result]() mutable {
                if (guard) done(std::move(result));
            }, Qt::QueuedConnection);
        }, Qt::QueuedConnection);
    }
    // Fire and forget: a failure is reported through writeFailed().
    template <class F>
    void run(F job) {
        QMetaObject::invokeMethod(m_worker, [this, job]() mutable {
            if (!m_store) return;
            Status st = statusOf(job(*m_store));
            if (!st.ok()) reportFailure(st);
        }, Qt::QueuedConnection);
    }

signals:
    void opened(bool ok, const QString& error);
    void writeFailed(const QString& error);

private:
    static Status notOpen();
    static Status statusOf(const Status& st) { return st; }
    template <class T> static Status statusOf(const Result<T>& r) { return r.status(); }
    void reportFailure(const Status& st);

    QThread m_thread;
    QObject* m_worker = nullptr;                      // lives on m_thread
    std::unique_ptr<storage::SessionStore> m_store;   // used only on m_thread
    bool m_open = false;                              // GUI thread
    StoreOpenInfo m_openInfo;                         // GUI thread
    QString m_path;
};

}  // namespace farsight::app
