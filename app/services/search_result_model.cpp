// SearchResultModel implementation.
#include "services/search_result_model.h"

#include <algorithm>

namespace farsight::app {

SearchResultModel::SearchResultModel(QObject* parent) : QAbstractListModel(parent) {}

int SearchResultModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

QVariant SearchResultModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const SearchResultItem& s = m_items[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case SnippetRole: return s.snippetHtml;
    case MessageIdRole: return s.messageId;
    case ConversationIdRole: return s.conversationId;
    case TitleRole: return s.conversationTitle;
    case RoleRole: return s.role;
    case CreatedAtRole: return s.createdAt;
    default: return {};
    }
}

QHash<int, QByteArray> SearchResultModel::roleNames() const {
    return {{MessageIdRole, "messageId"}, {ConversationIdRole, "conversationId"}, {TitleRole, "conversationTitle"},
            {RoleRole, "role"}, {SnippetRole, "snippet"}, {CreatedAtRole, "createdAt"}};
}

SearchResultItem SearchResultModel::fromStorage(const storage::SearchHit& hit) {
    SearchResultItem item;
    item.messageId = hit.message;
    item.conversationId = hit.conversation;
    item.conversationTitle = QString::fromStdString(hit.conversation_title);
    item.role = QString::fromUtf8(storage::to_string(hit.role));
    item.createdAt = hit.created_at;
    auto highlights = hit.highlights;
    std::sort(highlights.begin(), highlights.end());
    const std::string& s = hit.snippet;
    QString html;
    size_t pos = 0;
    auto plain = [&](size_t from, size_t to) {
        html += QString::fromUtf8(s.data() + from, static_cast<qsizetype>(to - from)).toHtmlEscaped();
    };
    for (auto [begin, end] : highlights) {
        begin = std::clamp(begin, pos, s.size());
        end = std::clamp(end, begin, s.size());
        plain(pos, begin);
        html += QStringLiteral("<b>");
        plain(begin, end);
        html += QStringLiteral("</b>");
        pos = end;
    }
    plain(pos, s.size());
    item.snippetHtml = html;
    return item;
}

void SearchResultModel::setItems(std::vector<SearchResultItem> items) {
    beginResetModel();
    m_items = std::move(items);
    endResetModel();
    emit countChanged();
}

}  // namespace farsight::app
