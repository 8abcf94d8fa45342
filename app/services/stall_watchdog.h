// StallWatchdog: measures how late a 16 ms timer on the GUI thread fires (reliability.md "Qt
// application": p99 stall <= 50 ms during model load, ingestion and streaming). Used by tests and,
// with FARSIGHT_WATCHDOG=1, by the app, which logs `stall_p99_ms=...` lines every 10 s.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace farsight::app {

class StallWatchdog : public QObject {
    Q_OBJECT
public:
    explicit StallWatchdog(int intervalMs = 16, QObject* parent = nullptr);

    void start();
    void stop();
    void reset();
    // Lateness in ms (actual interval minus the nominal one, never negative) at quantile q (0..1).
    double percentile(double q) const;
    double maxLateness() const;
    size_t samples() const { return m_late.size(); }
    QString summary() const;   // "samples=N p50_ms=.. p99_ms=.. max_ms=.."

private:
    void tick();

    int m_interval;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    std::vector<double> m_late;
};

}  // namespace farsight::app
