// ScreenshotTaker implementation: idle for 5 polls in a row (500 ms: animations and the text layout
// settle), then QQuickWindow::grabWindow (works offscreen with the software renderer).
#include "services/screenshot.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QQuickWindow>

#include "services/app_context.h"

namespace farsight::app {

ScreenshotTaker::ScreenshotTaker(AppContext* app, QQuickWindow* window, QString path, int timeoutMs, QObject* parent)
    : QObject(parent), m_app(app), m_window(window), m_path(std::move(path)), m_timeoutMs(timeoutMs) {
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, &ScreenshotTaker::poll);
    m_clock.start();
    m_timer.start();
}

void ScreenshotTaker::poll() {
    if (!m_window) {
        m_timer.stop();
        emit done(false, QStringLiteral("the main window is gone"));
        return;
    }
    if (m_clock.elapsed() > m_timeoutMs) {
        m_timer.stop();
        emit done(false, QStringLiteral("the app did not become idle within %1 ms").arg(m_timeoutMs));
        return;
    }
    m_idlePolls = m_app->idle() ? m_idlePolls + 1 : 0;
    if (m_idlePolls < 5) return;
    m_timer.stop();
    const QImage image = m_window->grabWindow();
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    if (image.isNull() || !image.save(m_path)) {
        emit done(false, QStringLiteral("could not grab or write %1").arg(m_path));
        return;
    }
    emit done(true, QStringLiteral("wrote %1 (%2x%3)").arg(m_path).arg(image.width()).arg(image.height()));
}

}  // namespace farsight::app
