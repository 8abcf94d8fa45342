// BlockListModel: the blocks of one message (prose, code, table, quote; see markdown_text.h) as a
// list model, updated in place while the reply streams: only changed blocks signal, new ones are
// inserted, so the view re-lays out the last block instead of rebuilding the whole answer.
#pragma once

#include <QAbstractListModel>
#include <QList>

#include "services/markdown_text.h"

namespace farsight::app {

class BlockListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { KindRole = Qt::UserRole + 1, TextRole, LanguageRole, HeadersRole, RowsRole };

    explicit BlockListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Makes the model hold `blocks`, signalling only the differences.
    void setBlocks(const QList<TextBlock>& blocks);
    const QList<TextBlock>& blocks() const { return m_blocks; }

signals:
    void countChanged();

private:
    QList<TextBlock> m_blocks;
};

}  // namespace farsight::app
