// StallWatchdog implementation (a PreciseTimer so the timer's own slack is not counted as a stall).
#include "services/stall_watchdog.h"

#include <algorithm>
#include <cmath>

namespace farsight::app {

StallWatchdog::StallWatchdog(int intervalMs, QObject* parent) : QObject(parent), m_interval(intervalMs) {
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallWatchdog::tick);
}

void StallWatchdog::start() {
    m_clock.start();
    m_lastNs = m_clock.nsecsElapsed();
    m_timer.start();
}

void StallWatchdog::stop() { m_timer.stop(); }

void StallWatchdog::reset() { m_late.clear(); }

void StallWatchdog::tick() {
    const qint64 now = m_clock.nsecsElapsed();
    const double interval_ms = (now - m_lastNs) / 1e6;
    m_lastNs = now;
    m_late.push_back(std::max(0.0, interval_ms - m_interval));
}

double StallWatchdog::percentile(double q) const {
    if (m_late.empty()) return 0.0;
    std::vector<double> sorted = m_late;
    std::sort(sorted.begin(), sorted.end());
    const auto index = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size()))) - (q > 0 ? 1 : 0);
    return sorted[std::min(index, sorted.size() - 1)];
}

double StallWatchdog::maxLateness() const {
    return m_late.empty() ? 0.0 : *std::max_element(m_late.begin(), m_late.end());
}

QString StallWatchdog::summary() const {
    return QStringLiteral("samples=%1 p50_ms=%2 p99_ms=%3 max_ms=%4")
        .arg(m_late.size())
        .arg(percentile(0.5), 0, 'f', 2)
        .arg(percentile(0.99), 0, 'f', 2)
        .arg(maxLateness(), 0, 'f', 2);
}

}  // namespace farsight::app
