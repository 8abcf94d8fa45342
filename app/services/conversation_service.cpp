// ConversationService implementation.
#include "services/conversation_service.h"

#include <QFile>
#include <QFileInfo>

#include "storage/export_import.h"

namespace farsight::app {

using storage::SessionStore;

namespace {
QString localPath(const QString& file) {
    const QUrl url(file);
    return url.isLocalFile() ? url.toLocalFile() : file;
}
}  // namespace

ConversationService::ConversationService(StorageService* storage, QObject* parent)
    : QObject(parent), m_storage(storage) {
    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(150);
    connect(&m_searchTimer, &QTimer::timeout, this, &ConversationService::searchNow);
}

void ConversationService::reload() {
    m_storage->run([](SessionStore& s) { return s.conversations().list(); }, this,
                   [this](Result<std::vector<storage::Conversation>> list) {
                       if (!list.ok()) {
                           emit notice(tr("Could not list conversations: %1").arg(QString::fromStdString(list.status().message())));
                           return;
                       }
                       std::vector<ConversationItem> items;
                       for (const auto& c : *list) items.push_back(ConversationListModel::fromStorage(c));
                       m_list.setItems(std::move(items));
                       emit reloaded();
                   });
}

void ConversationService::setSearchQuery(const QString& query) {
    if (query == m_query) return;
    m_query = query;
    emit searchChanged();
    if (query.trimmed().isEmpty()) {
        ++m_searchSeq;
        m_results.clear();
        m_searchTimer.stop();
        return;
    }
    m_searchTimer.start();
}

void ConversationService::searchNow() {
    m_searchTimer.stop();
    const quint64 seq = ++m_searchSeq;
    m_storage->run([query = m_query.toStdString()](SessionStore& s) { return s.search(query); }, this,
                   [this, seq](Result<std::vector<storage::SearchHit>> hits) {
                       if (seq != m_searchSeq) return;
                       std::vector<SearchResultItem> items;
                       if (hits.ok())
                           for (const auto& h : *hits) items.push_back(SearchResultModel::fromStorage(h));
                       m_results.setItems(std::move(items));
                       emit searchFinished();
                   });
}

void ConversationService::touch(qint64 id, const QString& title, qint64 updatedAt) {
    ConversationItem item;
    if (const ConversationItem* existing = m_list.find(id)) item = *existing;
    item.id = id;
    item.title = title;
    item.updatedAt = updatedAt;
    m_list.upsert(item);
}

void ConversationService::rename(qint64 id, const QString& title) {
    const QString trimmed = title.simplified();
    if (trimmed.isEmpty()) return;
    m_storage->run([id, t = trimmed.toStdString()](SessionStore& s) { return s.conversations().rename(id, t); }, this,
                   [this, id, trimmed](Status st) {
                       if (!st.ok()) return emit notice(QString::fromStdString(st.message()));
                       if (const ConversationItem* c = m_list.find(id)) {
                           ConversationItem copy = *c;
                           copy.title = trimmed;
                           m_list.upsert(copy);
                       }
                   });
}

void ConversationService::setPinned(qint64 id, bool pinned) {
    m_storage->run([id, pinned](SessionStore& s) { return s.conversations().set_pinned(id, pinned); }, this,
                   [this, id, pinned](Status st) {
                       if (!st.ok()) return emit notice(QString::fromStdString(st.message()));
                       if (const ConversationItem* c = m_list.find(id)) {
                           ConversationItem copy = *c;
                           copy.pinned = pinned;
                           m_list.upsert(copy);
                       }
                   });
}

void ConversationService::remove(qint64 id) {
    const ConversationItem* c = m_list.find(id);
    const QString title = c ? c->title : QString();
    m_storage->run([id](SessionStore& s) { return s.conversations().soft_delete(id); }, this,
                   [this, id, title](Status st) {
                       if (!st.ok()) return emit notice(tr("Could not delete: %1").arg(QString::fromStdString(st.message())));
                       m_list.remove(id);
                       m_undoId = id;
                       m_undoTitle = title;
                       emit undoChanged();
                       emit removed(id, title);
                       if (searching()) searchNow();
                   });
}

void ConversationService::undoRemove() {
    const qint64 id = m_undoId;
    if (id == 0) return;
    m_undoId = 0;
    m_undoTitle.clear();
    emit undoChanged();
    m_storage->run(
        [id](SessionStore& s) -> Result<storage::Conversation> {
            FS_RETURN_IF_ERROR(s.conversations().undo_delete(id));
            return s.conversations().get(id);
        },
        this, [this, id](Result<storage::Conversation> c) {
            if (!c.ok()) return emit notice(tr("Could not restore: %1").arg(QString::fromStdString(c.status().message())));
            m_list.upsert(ConversationListModel::fromStorage(*c));
            emit restored(id);
        });
}

void ConversationService::purgeDeleted(qint64 olderThanMs) {
    const qint64 cutoff = storage::now_ms() - olderThanMs;
    m_storage->run([cutoff](SessionStore& s) -> Result<int> {
        storage::ConversationFilter all;
        all.include_archived = true;
        all.include_deleted = true;
        FS_ASSIGN_OR_RETURN(auto list, s.conversations().list(all));
        for (const auto& c : list) {
            if (!c.deleted_at || *c.deleted_at >= cutoff) continue;
            FS_ASSIGN_OR_RETURN(auto snapshots, s.snapshots().list(c.id));
            for (const auto& snap : snapshots) QFile::remove(QString::fromStdString(snap.path));
        }
        return s.conversations().purge_deleted(cutoff);
    });
}

void ConversationService::exportConversation(qint64 id, const QString& file, const QString& format) {
    const QString path = localPath(file);
    const auto fmt = format == QLatin1String("json") ? storage::ExportFormat::json : storage::ExportFormat::markdown;
    m_storage->run([id, p = path.toStdString(), fmt](SessionStore& s) { return storage::export_to_file(s.db(), id, p, fmt); },
                   this, [this, path](Status st) {
                       if (!st.ok()) return emit notice(tr("Export failed: %1").arg(QString::fromStdString(st.message())));
                       emit notice(tr("Exported to %1").arg(QFileInfo(path).fileName()));
                       emit exported(path);
                   });
}

void ConversationService::importConversation(const QString& file) {
    const QString path = localPath(file);
    m_storage->run([p = path.toStdString()](SessionStore& s) { return storage::import_from_file(s.db(), p); }, this,
                   [this](Result<storage::ConversationId> id) {
                       if (!id.ok()) return emit notice(tr("Import failed: %1").arg(QString::fromStdString(id.status().message())));
                       reload();
                       emit notice(tr("Conversation imported"));
                       emit imported(*id);
                   });
}

}  // namespace farsight::app
