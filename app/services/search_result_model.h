// SearchResultModel: full-text search hits across all chats (storage FTS5), with the snippet as
// escaped rich text where the matched words are bold.
#pragma once

#include <QAbstractListModel>

#include <vector>

#include "storage/search.h"

namespace farsight::app {

struct SearchResultItem {
    qint64 messageId = 0;
    qint64 conversationId = 0;
    QString conversationTitle;
    QString role;
    QString snippetHtml;
    qint64 createdAt = 0;
};

class SearchResultModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { MessageIdRole = Qt::UserRole + 1, ConversationIdRole, TitleRole, RoleRole, SnippetRole, CreatedAtRole };

    explicit SearchResultModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Byte offsets of the highlights are converted on the UTF-8 snippet before decoding.
    static SearchResultItem fromStorage(const storage::SearchHit& hit);
    void setItems(std::vector<SearchResultItem> items);
    void clear() { setItems({}); }

signals:
    void countChanged();

private:
    std::vector<SearchResultItem> m_items;
};

}  // namespace farsight::app
