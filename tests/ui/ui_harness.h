// The real UI (ui/Main.qml) loaded offscreen over a Harness (tests/app/services/service_harness.h),
// with every QML warning collected so a test can require there were none.
#pragma once

#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QStringList>

#include <memory>

#include "service_harness.h"

namespace farsight::app::testing {

class UiHarness {
public:
    explicit UiHarness(Harness& services);
    ~UiHarness();

    bool loaded() const { return m_window != nullptr; }
    QQuickWindow* window() const { return m_window; }
    QQuickItem* find(const char* objectName) const;
    // Every visible item of the scene whose class inherits `className` (e.g. "QQuickAbstractButton").
    QList<QQuickItem*> itemsOfClass(const char* className) const;
    // QML/JS warnings and errors seen since construction.
    static QStringList warnings();

private:
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;
};

}  // namespace farsight::app::testing
