// AttachmentListModel: the documents attached to the open conversation, with their pipeline state
// (extracting -> counting -> ready, or error/cancelled), progress, speed and time left.
#pragma once

#include <QAbstractListModel>

#include <vector>

namespace farsight::app {

struct AttachmentItem {
    int key = 0;                  // GUI-side id (stable before the row is stored)
    qint64 id = 0;                // storage id; 0 until stored
    QString name;
    QString path;
    QString kind;                 // "text", "markdown", "pdf"
    qint64 byteSize = 0;
    qint64 nTokens = 0;
    bool tokensEstimated = false; // counted without a model (bytes / 4)
    int pages = 0;
    QString state;                // "extracting", "counting", "ready", "error", "cancelled"
    double progress = 0;          // 0..1 of the current step
    double rate = 0;              // current step speed (tokens/s or bytes/s, see rateUnit)
    QString rateUnit;             // "tok/s", "MB/s"
    double secondsLeft = 0;
    QString error;
};

class AttachmentListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        KeyRole = Qt::UserRole + 1, IdRole, NameRole, PathRole, KindRole, ByteSizeRole, TokensRole,
        EstimatedRole, PagesRole, StateRole, ProgressRole, RateRole, RateUnitRole, SecondsLeftRole, ErrorRole
    };

    explicit AttachmentListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setItems(std::vector<AttachmentItem> items);
    void append(AttachmentItem item);
    void update(const AttachmentItem& item);
    void removeKey(int key);
    int rowOfKey(int key) const;
    const AttachmentItem* findKey(int key) const;
    const AttachmentItem& itemAt(int row) const { return m_items[static_cast<size_t>(row)]; }

signals:
    void countChanged();

private:
    std::vector<AttachmentItem> m_items;
};

}  // namespace farsight::app
