// SingleInstance implementation. Protocol: one JSON line {"args": [...], "cwd": "..."} from the
// second instance, answered by "ok\n" once the primary has queued it.
#include "services/single_instance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcInstance, "farsight.instance")

namespace farsight::app {

SingleInstance::SingleInstance(const QString& key, QObject* parent) : QObject(parent), m_name(serverNameFor(key)) {}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::serverNameFor(const QString& key) {
    const QByteArray user = qgetenv("USER");
    const QByteArray hash = QCryptographicHash::hash((user + '\0' + key.toUtf8()), QCryptographicHash::Sha256).toHex().left(16);
    return QStringLiteral("farsight-") + QString::fromLatin1(hash);
}

bool SingleInstance::start(const QStringList& args, const QString& workingDir, int timeoutMs) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (handOver(args, workingDir, timeoutMs)) return false;
        m_server = std::make_unique<QLocalServer>();
        m_server->setSocketOptions(QLocalServer::UserAccessOption);
        if (m_server->listen(m_name)) {
            connect(m_server.get(), &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
            return true;
        }
        // Nobody answered but the name is taken: a socket file left by a crashed instance.
        if (m_server->serverError() == QAbstractSocket::AddressInUseError) QLocalServer::removeServer(m_name);
        m_server.reset();
    }
    qCWarning(lcInstance) << "cannot listen on" << m_name << "; running without single-instance handover";
    return true;
}

bool SingleInstance::handOver(const QStringList& args, const QString& workingDir, int timeoutMs) {
    QLocalSocket socket;
    socket.connectToServer(m_name);
    if (!socket.waitForConnected(timeoutMs / 3)) return false;
    QJsonObject message{{"args", QJsonArray::fromStringList(args)}, {"cwd", workingDir}};
    socket.write(QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n');
    if (!socket.waitForBytesWritten(timeoutMs / 3)) return false;
    while (!socket.canReadLine())
        if (!socket.waitForReadyRead(timeoutMs / 3)) return false;
    return socket.readLine().trimmed() == "ok";
}

void SingleInstance::onNewConnection() {
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, socket, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > 1 << 20) socket->abort();   // not one of ours
                return;
            }
            const QJsonObject message = QJsonDocument::fromJson(socket->readLine()).object();
            const QDir cwd(message.value("cwd").toString());
            QStringList args;
            for (const QJsonValue& v : message.value("args").toArray()) {
                const QString arg = v.toString();
                args << (arg.startsWith('-') || cwd.path().isEmpty() ? arg : QDir::cleanPath(cwd.absoluteFilePath(arg)));
            }
            socket->write("ok\n");
            socket->flush();
            qCInfo(lcInstance) << "second instance handed over" << args;
            emit activated(args);
        });
    }
}

}  // namespace farsight::app
