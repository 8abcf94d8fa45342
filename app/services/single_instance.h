// SingleInstance: one Farsight per user and database. The first instance listens on a local socket
// (QLocalServer); a second one connects, hands over its arguments and exits, and the first raises
// its window and opens them. A stale socket left by a crash is removed and taken over.
#pragma once

#include <QLocalServer>
#include <QObject>
#include <QStringList>

#include <memory>

namespace farsight::app {

class SingleInstance : public QObject {
    Q_OBJECT
public:
    // `key` identifies the instance group (e.g. derived from the database path).
    explicit SingleInstance(const QString& key, QObject* parent = nullptr);
    ~SingleInstance() override;

    static QString serverNameFor(const QString& key);
    QString serverName() const { return m_name; }

    // True: this process is the primary (now listening). False: another instance received `args`
    // (resolved against `workingDir`) and this process should exit. Blocks for at most `timeoutMs`.
    bool start(const QStringList& args, const QString& workingDir, int timeoutMs = 3000);

signals:
    // In the primary: a second instance started with these arguments (absolute paths where files).
    void activated(const QStringList& args);

private:
    bool handOver(const QStringList& args, const QString& workingDir, int timeoutMs);
    void onNewConnection();

    QString m_name;
    std::unique_ptr<QLocalServer> m_server;
};

}  // namespace farsight::app
