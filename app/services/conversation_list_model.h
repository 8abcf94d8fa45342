// ConversationListModel: the sidebar's conversations (pinned first, then newest), with a date
// section ("Pinned", "Today", "Yesterday", "Previous 7 days", "Older") for ListView sections.
#pragma once

#include <QAbstractListModel>
#include <QDateTime>

#include <vector>

#include "storage/types.h"

namespace farsight::app {

struct ConversationItem {
    qint64 id = 0;
    QString title;
    qint64 updatedAt = 0;   // Unix ms
    bool pinned = false;
    QString modelPath;
};

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, UpdatedAtRole, PinnedRole, SectionRole, ModelPathRole };

    explicit ConversationListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    static ConversationItem fromStorage(const storage::Conversation& c);
    void setItems(std::vector<ConversationItem> items);
    // Updates one row in place (title, pinned, time); re-sorts only when the order changes.
    void upsert(const ConversationItem& item);
    void remove(qint64 id);
    int rowOf(qint64 id) const;
    const ConversationItem* find(qint64 id) const;
    Q_INVOKABLE qint64 idAt(int row) const;

    // "Today", "Yesterday", ... relative to `now` (local time); pinned rows are "Pinned".
    static QString sectionFor(const ConversationItem& item, const QDateTime& now);

signals:
    void countChanged();

private:
    std::vector<ConversationItem> m_items;
};

}  // namespace farsight::app
