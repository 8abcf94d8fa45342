// BlockListModel implementation.
#include "services/block_list_model.h"

namespace farsight::app {
namespace {
bool same(const TextBlock& a, const TextBlock& b) {
    return a.kind == b.kind && a.text == b.text && a.language == b.language && a.headers == b.headers && a.rows == b.rows;
}
}  // namespace

BlockListModel::BlockListModel(QObject* parent) : QAbstractListModel(parent) {}

int BlockListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_blocks.size());
}

QVariant BlockListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const TextBlock& b = m_blocks[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole: return b.text;
    case KindRole: return blockKindName(b.kind);
    case LanguageRole: return b.language;
    case HeadersRole: return b.headers;
    case RowsRole: {
        QVariantList rows;
        for (const QStringList& r : b.rows) rows.append(r);
        return rows;
    }
    default: return {};
    }
}

QHash<int, QByteArray> BlockListModel::roleNames() const {
    return {{KindRole, "kind"}, {TextRole, "text"}, {LanguageRole, "language"}, {HeadersRole, "headers"}, {RowsRole, "rows"}};
}

void BlockListModel::setBlocks(const QList<TextBlock>& blocks) {
    const qsizetype common = std::min(m_blocks.size(), blocks.size());
    for (qsizetype i = 0; i < common; ++i) {
        if (same(m_blocks[i], blocks[i])) continue;
        // A block that changes kind (a line that turns out to start a table) is replaced.
        if (m_blocks[i].kind != blocks[i].kind) {
            beginRemoveRows({}, static_cast<int>(i), static_cast<int>(i));
            m_blocks.removeAt(i);
            endRemoveRows();
            beginInsertRows({}, static_cast<int>(i), static_cast<int>(i));
            m_blocks.insert(i, blocks[i]);
            endInsertRows();
            continue;
        }
        m_blocks[i] = blocks[i];
        emit dataChanged(index(static_cast<int>(i)), index(static_cast<int>(i)));
    }
    if (blocks.size() > m_blocks.size()) {
        beginInsertRows({}, static_cast<int>(m_blocks.size()), static_cast<int>(blocks.size() - 1));
        for (qsizetype i = m_blocks.size(); i < blocks.size(); ++i) m_blocks.append(blocks[i]);
        endInsertRows();
        emit countChanged();
    } else if (blocks.size() < m_blocks.size()) {
        beginRemoveRows({}, static_cast<int>(blocks.size()), static_cast<int>(m_blocks.size() - 1));
        m_blocks.resize(blocks.size());
        endRemoveRows();
        emit countChanged();
    }
}

}  // namespace farsight::app
