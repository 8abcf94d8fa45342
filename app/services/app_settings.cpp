// AppSettings implementation. "system" theme follows the platform palette (Qt 6.4 has no
// QStyleHints::colorScheme yet).
#include "services/app_settings.h"

#include <QGuiApplication>
#include <QPalette>

namespace farsight::app {

AppSettings::AppSettings(const QString& path, QObject* parent)
    : QObject(parent),
      m_settings(path.isEmpty() ? std::make_unique<QSettings>(QSettings::NativeFormat, QSettings::UserScope,
                                                              QStringLiteral("Farsight"), QStringLiteral("farsight"))
                                : std::make_unique<QSettings>(path, QSettings::IniFormat)) {
    m_previousClean = !m_settings->value("session/running", false).toBool();
    m_settings->setValue("session/running", true);
    m_settings->sync();
}

void AppSettings::markCleanExit() {
    m_settings->setValue("session/running", false);
    m_settings->sync();
}

QString AppSettings::theme() const { return m_settings->value("ui/theme", "system").toString(); }

void AppSettings::setTheme(const QString& theme) {
    if (theme == this->theme() || (theme != "system" && theme != "light" && theme != "dark")) return;
    m_settings->setValue("ui/theme", theme);
    emit themeChanged();
}

bool AppSettings::dark() const {
    const QString t = theme();
    if (t == "dark") return true;
    if (t == "light") return false;
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

QRect AppSettings::windowGeometry() const { return m_settings->value("window/geometry", QRect(0, 0, 1280, 820)).toRect(); }

void AppSettings::setWindowGeometry(const QRect& rect) {
    if (rect == windowGeometry() || rect.width() < 200 || rect.height() < 200) return;
    m_settings->setValue("window/geometry", rect);
    emit windowChanged();
}

bool AppSettings::windowMaximized() const { return m_settings->value("window/maximized", false).toBool(); }

void AppSettings::setWindowMaximized(bool maximized) {
    if (maximized == windowMaximized()) return;
    m_settings->setValue("window/maximized", maximized);
    emit windowChanged();
}

bool AppSettings::sidePanelVisible() const { return m_settings->value("ui/sidePanel", true).toBool(); }

void AppSettings::setSidePanelVisible(bool visible) {
    if (visible == sidePanelVisible()) return;
    m_settings->setValue("ui/sidePanel", visible);
    emit panelsChanged();
}

QString AppSettings::sidePanelPage() const { return m_settings->value("ui/sidePanelPage", "documents").toString(); }

void AppSettings::setSidePanelPage(const QString& page) {
    if (page == sidePanelPage()) return;
    m_settings->setValue("ui/sidePanelPage", page);
    emit panelsChanged();
}

QString AppSettings::lastModelPath() const { return m_settings->value("model/path").toString(); }

void AppSettings::setLastModelPath(const QString& path) {
    if (path == lastModelPath()) return;
    m_settings->setValue("model/path", path);
    emit modelChanged();
}

qint64 AppSettings::lastContextLength() const { return m_settings->value("model/context", 0).toLongLong(); }

void AppSettings::setLastContextLength(qint64 n) {
    if (n == lastContextLength()) return;
    m_settings->setValue("model/context", n);
    emit modelChanged();
}

qint64 AppSettings::lastConversation() const { return m_settings->value("chat/last", 0).toLongLong(); }

void AppSettings::setLastConversation(qint64 id) { m_settings->setValue("chat/last", id); }

void AppSettings::sync() { m_settings->sync(); }

}  // namespace farsight::app
