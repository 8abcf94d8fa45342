// ConversationService: the sidebar. Lists conversations, searches all chats (FTS5 via storage),
// renames/pins, deletes with undo (a soft delete; purged for good a day later) and exports/imports
// a conversation as Markdown or JSON (written atomically by storage).
#pragma once

#include <QObject>
#include <QTimer>
#include <QUrl>

#include "services/conversation_list_model.h"
#include "services/search_result_model.h"
#include "services/storage_service.h"

namespace farsight::app {

class ConversationService : public QObject {
    Q_OBJECT
    Q_PROPERTY(QObject* conversations READ conversations CONSTANT)
    Q_PROPERTY(QObject* searchResults READ searchResults CONSTANT)
    Q_PROPERTY(QString searchQuery READ searchQuery WRITE setSearchQuery NOTIFY searchChanged)
    Q_PROPERTY(bool searching READ searching NOTIFY searchChanged)
    Q_PROPERTY(bool canUndo READ canUndo NOTIFY undoChanged)
    Q_PROPERTY(QString undoTitle READ undoTitle NOTIFY undoChanged)
public:
    explicit ConversationService(StorageService* storage, QObject* parent = nullptr);

    QObject* conversations() { return &m_list; }
    ConversationListModel* listModel() { return &m_list; }
    QObject* searchResults() { return &m_results; }
    SearchResultModel* resultModel() { return &m_results; }
    QString searchQuery() const { return m_query; }
    void setSearchQuery(const QString& query);   // debounced
    bool searching() const { return !m_query.trimmed().isEmpty(); }
    bool canUndo() const { return m_undoId != 0; }
    QString undoTitle() const { return m_undoTitle; }

    Q_INVOKABLE void reload();
    Q_INVOKABLE void searchNow();
    Q_INVOKABLE void rename(qint64 id, const QString& title);
    Q_INVOKABLE void setPinned(qint64 id, bool pinned);
    Q_INVOKABLE void remove(qint64 id);
    Q_INVOKABLE void undoRemove();
    // `format`: "markdown" or "json"; `file`: a path or file:// URL.
    Q_INVOKABLE void exportConversation(qint64 id, const QString& file, const QString& format);
    Q_INVOKABLE void importConversation(const QString& file);
    // Removes conversations deleted before `olderThanMs` ago (with their snapshot files).
    void purgeDeleted(qint64 olderThanMs);
    // ChatService reports new titles and activity here.
    void touch(qint64 id, const QString& title, qint64 updatedAt);

signals:
    void searchChanged();
    void undoChanged();
    void removed(qint64 id, const QString& title);
    void restored(qint64 id);
    void imported(qint64 id);
    void exported(const QString& path);
    void notice(const QString& text);
    void reloaded();
    void searchFinished();

private:
    StorageService* m_storage;
    ConversationListModel m_list;
    SearchResultModel m_results;
    QString m_query;
    QTimer m_searchTimer;
    quint64 m_searchSeq = 0;
    qint64 m_undoId = 0;
    QString m_undoTitle;
};

}  // namespace farsight::app
