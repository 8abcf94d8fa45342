// ConversationListModel implementation.
#include "services/conversation_list_model.h"

#include <algorithm>

namespace farsight::app {
namespace {

bool before(const ConversationItem& a, const ConversationItem& b) {
    if (a.pinned != b.pinned) return a.pinned;
    if (a.updatedAt != b.updatedAt) return a.updatedAt > b.updatedAt;
    return a.id > b.id;
}

}  // namespace

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ConversationItem& c = m_items[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole: return c.title;
    case IdRole: return c.id;
    case UpdatedAtRole: return c.updatedAt;
    case PinnedRole: return c.pinned;
    case SectionRole: return sectionFor(c, QDateTime::currentDateTime());
    case ModelPathRole: return c.modelPath;
    default: return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "conversationId"}, {TitleRole, "title"}, {UpdatedAtRole, "updatedAt"},
            {PinnedRole, "pinned"}, {SectionRole, "section"}, {ModelPathRole, "modelPath"}};
}

ConversationItem ConversationListModel::fromStorage(const storage::Conversation& c) {
    return {c.id, QString::fromStdString(c.title), c.updated_at, c.pinned, QString::fromStdString(c.model_path)};
}

void ConversationListModel::setItems(std::vector<ConversationItem> items) {
    std::stable_sort(items.begin(), items.end(), before);
    beginResetModel();
    m_items = std::move(items);
    endResetModel();
    emit countChanged();
}

void ConversationListModel::upsert(const ConversationItem& item) {
    const int row = rowOf(item.id);
    if (row < 0) {
        const auto at = std::lower_bound(m_items.begin(), m_items.end(), item, before);
        const int pos = static_cast<int>(at - m_items.begin());
        beginInsertRows({}, pos, pos);
        m_items.insert(at, item);
        endInsertRows();
        emit countChanged();
        return;
    }
    m_items[static_cast<size_t>(row)] = item;
    emit dataChanged(index(row), index(row));
    // Move the row if it is now out of order.
    auto copy = m_items;
    std::stable_sort(copy.begin(), copy.end(), before);
    const int target = static_cast<int>(std::find_if(copy.begin(), copy.end(), [&](const auto& c) { return c.id == item.id; }) - copy.begin());
    if (target != row) {
        beginMoveRows({}, row, row, {}, target > row ? target + 1 : target);
        m_items = std::move(copy);
        endMoveRows();
    }
}

void ConversationListModel::remove(qint64 id) {
    const int row = rowOf(id);
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    m_items.erase(m_items.begin() + row);
    endRemoveRows();
    emit countChanged();
}

int ConversationListModel::rowOf(qint64 id) const {
    for (size_t i = 0; i < m_items.size(); ++i)
        if (m_items[i].id == id) return static_cast<int>(i);
    return -1;
}

const ConversationItem* ConversationListModel::find(qint64 id) const {
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_items[static_cast<size_t>(row)];
}

qint64 ConversationListModel::idAt(int row) const {
    return row >= 0 && row < rowCount() ? m_items[static_cast<size_t>(row)].id : 0;
}

QString ConversationListModel::sectionFor(const ConversationItem& item, const QDateTime& now) {
    if (item.pinned) return tr("Pinned");
    const QDate day = QDateTime::fromMSecsSinceEpoch(item.updatedAt).date();
    const qint64 age = day.daysTo(now.date());
    if (age <= 0) return tr("Today");
    if (age == 1) return tr("Yesterday");
    if (age < 7) return tr("Previous 7 days");
    return tr("Older");
}

}  // namespace farsight::app
