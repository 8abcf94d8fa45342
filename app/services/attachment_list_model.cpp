// AttachmentListModel implementation.
#include "services/attachment_list_model.h"

namespace farsight::app {

AttachmentListModel::AttachmentListModel(QObject* parent) : QAbstractListModel(parent) {}

int AttachmentListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

QVariant AttachmentListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const AttachmentItem& a = m_items[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return a.name;
    case KeyRole: return a.key;
    case IdRole: return a.id;
    case PathRole: return a.path;
    case KindRole: return a.kind;
    case ByteSizeRole: return a.byteSize;
    case TokensRole: return a.nTokens;
    case EstimatedRole: return a.tokensEstimated;
    case PagesRole: return a.pages;
    case StateRole: return a.state;
    case ProgressRole: return a.progress;
    case RateRole: return a.rate;
    case RateUnitRole: return a.rateUnit;
    case SecondsLeftRole: return a.secondsLeft;
    case ErrorRole: return a.error;
    default: return {};
    }
}

QHash<int, QByteArray> AttachmentListModel::roleNames() const {
    return {{KeyRole, "key"}, {IdRole, "attachmentId"}, {NameRole, "name"}, {PathRole, "path"}, {KindRole, "kind"},
            {ByteSizeRole, "byteSize"}, {TokensRole, "tokens"}, {EstimatedRole, "tokensEstimated"},
            {PagesRole, "pages"}, {StateRole, "state"}, {ProgressRole, "progress"}, {RateRole, "rate"},
            {RateUnitRole, "rateUnit"}, {SecondsLeftRole, "secondsLeft"}, {ErrorRole, "error"}};
}

void AttachmentListModel::setItems(std::vector<AttachmentItem> items) {
    beginResetModel();
    m_items = std::move(items);
    endResetModel();
    emit countChanged();
}

void AttachmentListModel::append(AttachmentItem item) {
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_items.push_back(std::move(item));
    endInsertRows();
    emit countChanged();
}

void AttachmentListModel::update(const AttachmentItem& item) {
    const int row = rowOfKey(item.key);
    if (row < 0) return;
    m_items[static_cast<size_t>(row)] = item;
    emit dataChanged(index(row), index(row));
}

void AttachmentListModel::removeKey(int key) {
    const int row = rowOfKey(key);
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    m_items.erase(m_items.begin() + row);
    endRemoveRows();
    emit countChanged();
}

int AttachmentListModel::rowOfKey(int key) const {
    for (size_t i = 0; i < m_items.size(); ++i)
        if (m_items[i].key == key) return static_cast<int>(i);
    return -1;
}

const AttachmentItem* AttachmentListModel::findKey(int key) const {
    const int row = rowOfKey(key);
    return row < 0 ? nullptr : &m_items[static_cast<size_t>(row)];
}

}  // namespace farsight::app
