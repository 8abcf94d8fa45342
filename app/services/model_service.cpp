// ModelService implementation.
#include "services/model_service.h"

#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include <algorithm>

#include "services/app_settings.h"

namespace farsight::app {
namespace {
constexpr qint64 kMaxContext = qint64{1} << 20;
constexpr qint64 kDefaultContext = 131072;
}  // namespace

ModelService::ModelService(EngineBridge* engine, AppSettings* settings, QObject* parent)
    : QObject(parent), m_engine(engine), m_settings(settings) {
    connect(m_engine, &EngineBridge::inspected, this,
            [this](quint64 id, bool ok, const QString& error, const ModelInfo& info, const MemoryPlan& plan) {
                if (id != m_inspectId) return;
                if (!ok) {
                    m_info = {};
                    m_plan = {};
                    emit infoChanged();
                    emit planChanged();
                    setState("error", error);
                    emit failed(error);
                    return;
                }
                m_info = info;
                m_plan = plan;
                if (m_contextLength > maxContext()) {   // the model is shorter than the default
                    m_contextLength = maxContext();
                    m_planId = m_engine->plan(m_info, m_contextLength);
                }
                emit infoChanged();
                emit planChanged();
                setState("inspected");
                if (m_loadAfterInspect) {
                    m_loadAfterInspect = false;
                    load();
                }
            });
    connect(m_engine, &EngineBridge::planned, this, [this](quint64 id, const MemoryPlan& plan) {
        if (id != m_planId) return;
        m_plan = plan;
        emit planChanged();
    });
    connect(m_engine, &EngineBridge::loadProgress, this, [this](quint64 id, double f) {
        if (id != m_loadId) return;
        m_loadProgress = f;
        emit loadProgressChanged();
    });
    connect(m_engine, &EngineBridge::loaded, this,
            [this](quint64 id, bool ok, const QString& error, const ModelInfo& info, qint64 nCtx, const QString& identity) {
                if (id != m_loadId) return;
                if (!ok) {
                    setState(m_info.architecture.empty() ? "error" : "inspected", error);
                    if (!error.isEmpty()) emit failed(error);
                    return;
                }
                m_info = info;
                m_loadedContext = nCtx;
                m_identity = identity;
                m_loadProgress = 1.0;
                m_settings->setLastModelPath(m_path);
                m_settings->setLastContextLength(m_contextLength);
                emit infoChanged();
                emit loadProgressChanged();
                setState("loaded");
                emit modelLoaded();
            });
    connect(m_engine, &EngineBridge::unloaded, this, [this] {
        m_loadedContext = 0;
        m_identity.clear();
        if (m_state == QLatin1String("unloading")) setState(m_info.architecture.empty() ? "empty" : "inspected");
        emit modelUnloaded();
    });
}

QString ModelService::name() const {
    if (m_path.isEmpty()) return {};
    return QFileInfo(m_path).fileName();
}

bool ModelService::busy() const {
    return m_state == QLatin1String("inspecting") || m_state == QLatin1String("loading") || m_state == QLatin1String("unloading");
}

double ModelService::hostMemoryBytes() const {
    // /proc files report size 0, so read until EOF instead of testing atEnd().
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (!meminfo.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray& line : meminfo.readAll().split('\n'))
        if (line.startsWith("MemTotal:")) return line.mid(9).trimmed().split(' ').value(0).toDouble() * 1024.0;
    return 0;
}

QString ModelService::localPath(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    return url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
}

void ModelService::setState(const QString& state, const QString& error) {
    m_state = state;
    m_error = error;
    emit stateChanged();
}

void ModelService::open(const QString& pathOrUrl) {
    const QString path = localPath(pathOrUrl);
    if (path.isEmpty() || busy()) return;
    if (loaded()) unload();
    m_path = path;
    const qint64 remembered = path == m_settings->lastModelPath() ? m_settings->lastContextLength() : 0;
    m_contextLength = remembered > 0 ? remembered : kDefaultContext;
    setState("inspecting");
    m_inspectId = m_engine->inspect(m_path, m_contextLength);
    emit infoChanged();
}

qint64 ModelService::maxContext() const {
    return m_info.n_ctx_train > 0 ? std::min<qint64>(m_info.n_ctx_train, kMaxContext) : kMaxContext;
}

void ModelService::setContextLength(qint64 n) {
    n = std::clamp<qint64>(n, 256, maxContext());
    if (n == m_contextLength) return;
    m_contextLength = n;
    emit planChanged();
    if (!m_info.architecture.empty()) m_planId = m_engine->plan(m_info, n);
}

void ModelService::load(const QString& pathOrUrl) {
    if (!pathOrUrl.isEmpty() && localPath(pathOrUrl) != m_path) {
        m_loadAfterInspect = true;
        open(pathOrUrl);
        return;
    }
    if (m_state == QLatin1String("inspecting")) {
        m_loadAfterInspect = true;
        return;
    }
    if (m_path.isEmpty() || busy()) return;
    m_loadProgress = 0;
    emit loadProgressChanged();
    setState("loading");
    m_loadId = m_engine->load(m_path, m_contextLength);
}

void ModelService::cancelLoad() {
    if (m_state == QLatin1String("loading")) m_engine->cancel(m_loadId);
}

void ModelService::unload() {
    if (!loaded()) return;
    setState("unloading");
    m_engine->unload();
}

void ModelService::reloadWithContext(qint64 nCtx) {
    setContextLength(nCtx);
    if (loaded()) {
        setState("unloading");
        m_engine->unload();
        connect(this, &ModelService::modelUnloaded, this, [this] { load(); }, Qt::SingleShotConnection);
    } else {
        load();
    }
}

}  // namespace farsight::app
