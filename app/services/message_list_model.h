// MessageListModel: the messages of the branch a conversation shows (root to leaf), with what each
// row needs to render: the answer split from its <think> section, branch position ("< 2/3 >"),
// per-reply stats and citations. Streaming appends text to one row in place.
#pragma once

#include <QAbstractListModel>
#include <QVariantList>

#include <vector>

#include "services/block_list_model.h"
#include "services/markdown_text.h"
#include "storage/types.h"

namespace farsight::app {

struct MessageItem {
    qint64 id = 0;
    qint64 parentId = 0;           // 0: a root
    QString role;                  // "user", "assistant", "system"
    QString content;               // raw text as stored
    QString status;                // "complete", "streaming", "interrupted", "error"
    QString errorMessage;
    qint64 createdAt = 0;
    int siblingIndex = 0;
    int siblingCount = 1;
    double tokensPerSecond = 0;
    double ttftMs = 0;
    qint64 contextUsed = 0;
    qint64 contextSize = 0;
    qint64 nTokens = 0;
    qint64 reusedTokens = 0;
    QVariantList citations;        // [{quote, matched, label, file, page, line}]
};

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1, RoleRole, ContentRole, BodyRole, ThinkingRole, ThinkingOpenRole, StatusRole,
        ErrorRole, CreatedAtRole, SiblingIndexRole, SiblingCountRole, TokensPerSecondRole, TtftRole,
        ContextUsedRole, ContextSizeRole, NTokensRole, ReusedTokensRole, CitationsRole, StreamingRole, BlocksRole
    };

    explicit MessageListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    static MessageItem fromStorage(const storage::Message& m, const storage::SiblingInfo& siblings);
    void setItems(std::vector<MessageItem> items);
    void append(MessageItem item);
    // Drops the rows after `row` (a new branch replaces what followed).
    void truncateAfter(int row);
    void appendText(qint64 id, const QString& text);
    void update(const MessageItem& item);
    void setCitations(qint64 id, const QVariantList& citations);
    int rowOf(qint64 id) const;
    const MessageItem* find(qint64 id) const;
    const MessageItem& itemAt(int row) const { return m_rows[static_cast<size_t>(row)].item; }

signals:
    void countChanged();

private:
    struct Row {
        MessageItem item;
        ThinkSplit split;
        BlockListModel* blocks = nullptr;   // owned by the list model (a QObject child)
    };
    void fill(Row& row, MessageItem item);
    void release(Row& row);

    std::vector<Row> m_rows;
};

}  // namespace farsight::app
