// ScreenshotTaker: `farsight --screenshot FILE` — waits until the app is idle (session restored,
// model loaded, nothing streaming or being read), lets the window render, grabs it to FILE and
// reports done(). Used by the UI test and for the README screenshot.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QQuickWindow;

namespace farsight::app {

class AppContext;

class ScreenshotTaker : public QObject {
    Q_OBJECT
public:
    ScreenshotTaker(AppContext* app, QQuickWindow* window, QString path, int timeoutMs = 30000,
                    QObject* parent = nullptr);

signals:
    void done(bool ok, const QString& message);

private:
    void poll();

    AppContext* m_app;
    QPointer<QQuickWindow> m_window;
    QString m_path;
    int m_timeoutMs;
    int m_idlePolls = 0;
    QTimer m_timer;
    QElapsedTimer m_clock;
};

}  // namespace farsight::app
