// ModelService: the Models panel. Opens a model folder/file and shows what it is (architecture,
// parameters, dtype) and its memory plan for the chosen context before anything loads; loads and
// unloads asynchronously through the EngineBridge with progress.
#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

#include "farsight/engine/types.h"
#include "services/engine_bridge.h"

namespace farsight::app {

class AppSettings;

class ModelService : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString path READ path NOTIFY infoChanged)
    Q_PROPERTY(QString name READ name NOTIFY infoChanged)
    // "empty", "inspecting", "inspected", "loading", "loaded", "unloading", "error"
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY stateChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(QString architecture READ architecture NOTIFY infoChanged)
    Q_PROPERTY(QString modelType READ modelType NOTIFY infoChanged)
    Q_PROPERTY(double parameters READ parameters NOTIFY infoChanged)
    Q_PROPERTY(double activeParameters READ activeParameters NOTIFY infoChanged)
    Q_PROPERTY(QString dtype READ dtype NOTIFY infoChanged)
    Q_PROPERTY(int layers READ layers NOTIFY infoChanged)
    Q_PROPERTY(qint64 trainedContext READ trainedContext NOTIFY infoChanged)
    Q_PROPERTY(qint64 maxContext READ maxContext NOTIFY infoChanged)
    Q_PROPERTY(qint64 contextLength READ contextLength WRITE setContextLength NOTIFY planChanged)
    Q_PROPERTY(qint64 loadedContext READ loadedContext NOTIFY stateChanged)
    Q_PROPERTY(QString identity READ identity NOTIFY stateChanged)
    Q_PROPERTY(double weightsBytes READ weightsBytes NOTIFY planChanged)
    Q_PROPERTY(double stateBytes READ stateBytes NOTIFY planChanged)
    Q_PROPERTY(double kvBytes READ kvBytes NOTIFY planChanged)
    Q_PROPERTY(double activationsBytes READ activationsBytes NOTIFY planChanged)
    Q_PROPERTY(double totalBytes READ totalBytes NOTIFY planChanged)
    Q_PROPERTY(double hostMemoryBytes READ hostMemoryBytes CONSTANT)
public:
    ModelService(EngineBridge* engine, AppSettings* settings, QObject* parent = nullptr);

    QString path() const { return m_path; }
    QString name() const;
    QString state() const { return m_state; }
    bool loaded() const { return m_state == QLatin1String("loaded"); }
    bool busy() const;
    QString error() const { return m_error; }
    double loadProgress() const { return m_loadProgress; }
    QString architecture() const { return QString::fromStdString(m_info.architecture); }
    QString modelType() const { return QString::fromStdString(m_info.model_type); }
    double parameters() const { return static_cast<double>(m_info.n_params); }
    double activeParameters() const { return static_cast<double>(m_info.n_active_params); }
    QString dtype() const { return QString::fromStdString(m_info.weight_dtype); }
    int layers() const { return static_cast<int>(m_info.n_layers); }
    qint64 trainedContext() const { return m_info.n_ctx_train; }
    qint64 contextLength() const { return m_contextLength; }
    void setContextLength(qint64 n);
    qint64 loadedContext() const { return m_loadedContext; }
    QString identity() const { return m_identity; }
    double weightsBytes() const { return static_cast<double>(m_plan.weights); }
    double stateBytes() const { return static_cast<double>(m_plan.state); }
    double kvBytes() const { return static_cast<double>(m_plan.kv_cache); }
    double activationsBytes() const { return static_cast<double>(m_plan.activations); }
    double totalBytes() const { return static_cast<double>(m_plan.total()); }
    double hostMemoryBytes() const;
    const ModelInfo& info() const { return m_info; }

    // Accepts a local path or a file:// URL.
    Q_INVOKABLE void open(const QString& pathOrUrl);
    // Loads the opened model with contextLength (opens `path` first when given).
    Q_INVOKABLE void load(const QString& pathOrUrl = {});
    Q_INVOKABLE void cancelLoad();
    Q_INVOKABLE void unload();
    // Reloads with a larger context (the documents panel's "use a larger context" choice).
    Q_INVOKABLE void reloadWithContext(qint64 nCtx);
    // Largest context the model supports (trained context, capped at 1M like the engine).
    qint64 maxContext() const;

signals:
    void infoChanged();
    void stateChanged();
    void planChanged();
    void loadProgressChanged();
    void modelLoaded();
    void modelUnloaded();
    void failed(const QString& message);

private:
    void setState(const QString& state, const QString& error = {});
    static QString localPath(const QString& pathOrUrl);

    EngineBridge* m_engine;
    AppSettings* m_settings;
    QString m_path;
    QString m_state = QStringLiteral("empty");
    QString m_error;
    ModelInfo m_info;
    MemoryPlan m_plan;
    qint64 m_contextLength = 0;
    qint64 m_loadedContext = 0;
    QString m_identity;
    double m_loadProgress = 0;
    quint64 m_inspectId = 0, m_loadId = 0, m_planId = 0;
    bool m_loadAfterInspect = false;
};

}  // namespace farsight::app
