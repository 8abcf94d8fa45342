// MessageListModel implementation.
#include "services/message_list_model.h"

namespace farsight::app {

MessageListModel::MessageListModel(QObject* parent) : QAbstractListModel(parent) {}

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row& r = m_rows[static_cast<size_t>(index.row())];
    const MessageItem& m = r.item;
    switch (role) {
    case Qt::DisplayRole:
    case ContentRole: return m.content;
    case IdRole: return m.id;
    case RoleRole: return m.role;
    case BodyRole: return sanitizeMarkdown(r.split.body);   // on demand: the view renders blocks
    case ThinkingRole: return r.split.thinking;
    case ThinkingOpenRole: return r.split.thinkingOpen;
    case StatusRole: return m.status;
    case ErrorRole: return m.errorMessage;
    case CreatedAtRole: return m.createdAt;
    case SiblingIndexRole: return m.siblingIndex;
    case SiblingCountRole: return m.siblingCount;
    case TokensPerSecondRole: return m.tokensPerSecond;
    case TtftRole: return m.ttftMs;
    case ContextUsedRole: return m.contextUsed;
    case ContextSizeRole: return m.contextSize;
    case NTokensRole: return m.nTokens;
    case ReusedTokensRole: return m.reusedTokens;
    case CitationsRole: return m.citations;
    case StreamingRole: return m.status == QLatin1String("streaming");
    case BlocksRole: return QVariant::fromValue<QObject*>(r.blocks);
    default: return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{IdRole, "messageId"}, {RoleRole, "role"}, {ContentRole, "content"}, {BodyRole, "body"},
            {ThinkingRole, "thinking"}, {ThinkingOpenRole, "thinkingOpen"}, {StatusRole, "status"},
            {ErrorRole, "errorMessage"}, {CreatedAtRole, "createdAt"}, {SiblingIndexRole, "siblingIndex"},
            {SiblingCountRole, "siblingCount"}, {TokensPerSecondRole, "tokensPerSecond"}, {TtftRole, "ttftMs"},
            {ContextUsedRole, "contextUsed"}, {ContextSizeRole, "contextSize"}, {NTokensRole, "nTokens"},
            {ReusedTokensRole, "reusedTokens"}, {CitationsRole, "citations"}, {StreamingRole, "streaming"}, {BlocksRole, "blocks"}};
}

MessageItem MessageListModel::fromStorage(const storage::Message& m, const storage::SiblingInfo& siblings) {
    MessageItem item;
    item.id = m.id;
    item.parentId = m.parent.value_or(0);
    item.role = QString::fromUtf8(storage::to_string(m.role));
    item.content = QString::fromStdString(m.content);
    item.status = QString::fromUtf8(storage::to_string(m.status));
    item.errorMessage = QString::fromStdString(m.error_message);
    item.createdAt = m.created_at;
    item.siblingIndex = siblings.index;
    item.siblingCount = siblings.count;
    if (m.stats) {
        item.tokensPerSecond = m.stats->tokens_per_s;
        item.ttftMs = m.stats->ttft_ms;
        item.contextUsed = m.stats->n_context_used;
        item.nTokens = m.stats->n_tokens;
    }
    return item;
}

void MessageListModel::fill(Row& row, MessageItem item) {
    row.split = splitThinking(item.content);
    if (!row.blocks) row.blocks = new BlockListModel(this);
    row.blocks->setBlocks(item.role == QLatin1String("user") ? QList<TextBlock>{} : splitBlocks(row.split.body));
    row.item = std::move(item);
}

void MessageListModel::release(Row& row) {
    if (row.blocks) row.blocks->deleteLater();   // the view may still hold it until it updates
    row.blocks = nullptr;
}

void MessageListModel::setItems(std::vector<MessageItem> items) {
    beginResetModel();
    for (Row& row : m_rows) release(row);
    m_rows.clear();
    m_rows.resize(items.size());
    for (size_t i = 0; i < items.size(); ++i) fill(m_rows[i], std::move(items[i]));
    endResetModel();
    emit countChanged();
}

void MessageListModel::append(MessageItem item) {
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_rows.emplace_back();
    fill(m_rows.back(), std::move(item));
    endInsertRows();
    emit countChanged();
}

void MessageListModel::truncateAfter(int row) {
    const int first = row + 1;
    if (first >= rowCount()) return;
    beginRemoveRows({}, first, rowCount() - 1);
    for (auto it = m_rows.begin() + first; it != m_rows.end(); ++it) release(*it);
    m_rows.erase(m_rows.begin() + first, m_rows.end());
    endRemoveRows();
    emit countChanged();
}

void MessageListModel::appendText(qint64 id, const QString& text) {
    const int row = rowOf(id);
    if (row < 0 || text.isEmpty()) return;
    MessageItem item = m_rows[static_cast<size_t>(row)].item;
    item.content += text;
    update(item);
}

void MessageListModel::update(const MessageItem& item) {
    const int row = rowOf(item.id);
    if (row < 0) return;
    fill(m_rows[static_cast<size_t>(row)], item);   // the block model updates itself in place
    static const QList<int> roles = [] {
        QList<int> r;
        for (int role = IdRole; role <= StreamingRole; ++role) r << role;
        return r << Qt::DisplayRole;
    }();
    emit dataChanged(index(row), index(row), roles);
}

void MessageListModel::setCitations(qint64 id, const QVariantList& citations) {
    const int row = rowOf(id);
    if (row < 0) return;
    m_rows[static_cast<size_t>(row)].item.citations = citations;
    emit dataChanged(index(row), index(row), {CitationsRole});
}

int MessageListModel::rowOf(qint64 id) const {
    for (size_t i = m_rows.size(); i-- > 0;)   // streaming rows are at the end
        if (m_rows[i].item.id == id) return static_cast<int>(i);
    return -1;
}

const MessageItem* MessageListModel::find(qint64 id) const {
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_rows[static_cast<size_t>(row)].item;
}

}  // namespace farsight::app
