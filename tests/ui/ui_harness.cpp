// UiHarness implementation: the same engine setup as app/main.cpp.
#include "ui_harness.h"

#include <QMutex>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>

Q_IMPORT_QML_PLUGIN(FarsightPlugin)

namespace farsight::app::testing {
namespace {

QMutex g_mutex;
QStringList g_warnings;
QtMessageHandler g_previous = nullptr;

void collect(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    const bool qml = message.contains(QLatin1String("qrc:/")) || message.contains(QLatin1String(".qml")) ||
                     (context.category && (QByteArray(context.category) == "qml" || QByteArray(context.category) == "js"));
    if (qml && type != QtDebugMsg && type != QtInfoMsg) {
        QMutexLocker lock(&g_mutex);
        g_warnings << message;
    }
    if (g_previous) g_previous(type, context, message);
}

QQuickItem* findByName(QQuickItem* item, const QString& name) {
    if (!item) return nullptr;
    if (item->objectName() == name) return item;
    for (QQuickItem* child : item->childItems())
        if (QQuickItem* found = findByName(child, name)) return found;
    return nullptr;
}

void collectChildren(QQuickItem* item, const char* className, QList<QQuickItem*>& out) {
    if (!item || !item->isVisible()) return;
    if (item->inherits(className)) out << item;
    for (QQuickItem* child : item->childItems()) collectChildren(child, className, out);
}

}  // namespace

UiHarness::UiHarness(Harness& services) {
    if (!g_previous) g_previous = qInstallMessageHandler(collect);
    static const bool styled = [] {
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        return true;
    }();
    Q_UNUSED(styled);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(QStringLiteral("qrc:/"));
    m_engine->setInitialProperties({{QStringLiteral("app"), QVariant::fromValue<QObject*>(services.app.get())}});
    m_engine->load(QUrl(QStringLiteral("qrc:/Farsight/Main.qml")));
    if (!m_engine->rootObjects().isEmpty()) m_window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().constFirst());
}

UiHarness::~UiHarness() = default;

QQuickItem* UiHarness::find(const char* objectName) const {
    return m_window ? findByName(m_window->contentItem(), QString::fromLatin1(objectName)) : nullptr;
}

QList<QQuickItem*> UiHarness::itemsOfClass(const char* className) const {
    QList<QQuickItem*> out;
    if (m_window) collectChildren(m_window->contentItem(), className, out);
    return out;
}

QStringList UiHarness::warnings() {
    QMutexLocker lock(&g_mutex);
    return g_warnings;
}

}  // namespace farsight::app::testing
