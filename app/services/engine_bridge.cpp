// EngineBridge implementation: jobs run in m_worker's thread; results are posted back to `this`
// (the GUI thread), so every signal is emitted on the GUI thread and a deleted bridge drops them.
#include "services/engine_bridge.h"

#include <QLoggingCategory>
#include <QMetaObject>

#include <chrono>

Q_LOGGING_CATEGORY(lcEngine, "farsight.engine")

namespace farsight::app {
namespace {

QString qstr(const std::string& s) { return QString::fromStdString(s); }
QString error_text(const Status& st) { return qstr(st.message().empty() ? st.to_string() : st.message()); }

std::vector<ChatMessage> messages_for(const std::string& prompt, const std::shared_ptr<const std::string>& documents,
                                      std::vector<ChatMessage> turns) {
    std::vector<ChatMessage> out;
    std::string system = system_message_text(prompt, documents.get());
    if (!system.empty()) out.push_back({"system", std::move(system), {}});
    for (ChatMessage& m : turns) out.push_back(std::move(m));
    return out;
}

}  // namespace

std::string system_message_text(const std::string& prompt, const std::string* documents) {
    if (!documents || documents->empty()) return prompt;
    const std::string instruction = prompt.empty()
        ? std::string("Answer using the documents below. When you quote them, quote exactly, in double quotes.")
        : prompt;
    return instruction + "\n\n" + *documents;
}

template <class F> void EngineBridge::post(F&& job) {
    QMetaObject::invokeMethod(m_worker, std::forward<F>(job), Qt::QueuedConnection);
}

template <class F> void EngineBridge::toGui(F&& fn) {
    QMetaObject::invokeMethod(this, std::forward<F>(fn), Qt::QueuedConnection);
}

// Throttles progress callbacks from the engine thread and measures the rate.
class EngineBridge::Progress {
public:
    Progress(EngineBridge* bridge, quint64 id) : m_bridge(bridge), m_id(id) { m_clock.start(); }
    void operator()(int64_t done, int64_t total) {
        const qint64 now = m_clock.elapsed();
        if (done < total && now - m_last < kMinProgressIntervalMs) return;
        m_last = now;
        const double secs = std::max(1e-3, now / 1000.0);
        const double rate = done / secs;
        const double left = rate > 0 ? (total - done) / rate : 0.0;
        EngineBridge* b = m_bridge;
        const quint64 id = m_id;
        b->toGui([b, id, done, total, rate, left] { emit b->prefillProgress(id, done, total, rate, left); });
    }

private:
    EngineBridge* m_bridge;
    quint64 m_id;
    QElapsedTimer m_clock;
    qint64 m_last = -kMinProgressIntervalMs;
};

EngineBridge::EngineBridge(std::unique_ptr<EnginePort> engine, QObject* parent)
    : QObject(parent), m_engine(std::move(engine)) {
    qRegisterMetaType<farsight::ModelInfo>();
    qRegisterMetaType<farsight::MemoryPlan>();
    qRegisterMetaType<farsight::GenerationStats>();
    m_thread.setObjectName(QStringLiteral("farsight-engine"));
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    m_textTimer.setSingleShot(true);
    connect(&m_textTimer, &QTimer::timeout, this, &EngineBridge::flushText);
    m_sinceFlush.start();
}

EngineBridge::~EngineBridge() {
    cancelAll();
    // The engine is destroyed on its own thread (CUDA contexts and sessions belong to it), after
    // the jobs already queued (they see the cancel and return quickly).
    post([this] {
        m_engine.reset();
        m_thread.quit();
    });
    m_thread.wait();
}

std::shared_ptr<CancelToken> EngineBridge::track(quint64 id) {
    auto token = std::make_shared<CancelToken>();
    std::lock_guard lock(m_mutex);
    m_cancel[id] = token;
    return token;
}

void EngineBridge::untrack(quint64 id) {
    std::lock_guard lock(m_mutex);
    m_cancel.erase(id);
}

void EngineBridge::cancel(quint64 id) {
    std::lock_guard lock(m_mutex);
    if (auto it = m_cancel.find(id); it != m_cancel.end()) it->second->cancel();
}

void EngineBridge::cancelAll() {
    std::lock_guard lock(m_mutex);
    for (auto& [id, token] : m_cancel) token->cancel();
}

quint64 EngineBridge::inspect(const QString& path, qint64 nCtx) {
    const quint64 id = m_nextId++;
    post([this, id, path = path.toStdString(), nCtx] {
        Result<ModelInfo> info = m_engine->inspect(path);
        const MemoryPlan plan = info.ok() ? m_engine->plan(*info, nCtx > 0 ? nCtx : info->n_ctx_train) : MemoryPlan{};
        const QString error = info.ok() ? QString() : error_text(info.status());
        ModelInfo value = info.ok() ? *info : ModelInfo{};
        toGui([this, id, ok = info.ok(), error, value, plan] { emit inspected(id, ok, error, value, plan); });
    });
    return id;
}

quint64 EngineBridge::plan(const farsight::ModelInfo& info, qint64 nCtx) {
    const quint64 id = m_nextId++;
    post([this, id, info, nCtx] {
        const MemoryPlan plan = m_engine->plan(info, nCtx);
        toGui([this, id, plan] { emit planned(id, plan); });
    });
    return id;
}

quint64 EngineBridge::load(const QString& path, qint64 nCtx) {
    const quint64 id = m_nextId++;
    auto token = track(id);
    post([this, id, token, path = path.toStdString(), nCtx] {
        QElapsedTimer clock;
        clock.start();
        qint64 last = -kMinProgressIntervalMs;
        auto progress = [&](float f) {
            if (f < 1.0f && clock.elapsed() - last < kMinProgressIntervalMs) return;
            last = clock.elapsed();
            toGui([this, id, f] { emit loadProgress(id, f); });
        };
        m_prefixKey.clear();
        Status st = m_engine->load(path, nCtx, progress, token.get());
        qCInfo(lcEngine) << "load" << QString::fromStdString(path) << "ok=" << st.ok() << "ms=" << clock.elapsed();
        ModelInfo info = st.ok() ? m_engine->info() : ModelInfo{};
        const qint64 ctx = st.ok() ? m_engine->n_ctx() : 0;
        const QString identity = qstr(m_engine->model_identity());
        const QString error = st.ok() ? QString() : error_text(st);
        untrack(id);
        toGui([this, id, ok = st.ok(), error, info, ctx, identity] { emit loaded(id, ok, error, info, ctx, identity); });
    });
    return id;
}

quint64 EngineBridge::unload() {
    const quint64 id = m_nextId++;
    post([this, id] {
        m_engine->unload();
        m_prefixKey.clear();
        toGui([this, id] { emit unloaded(id); });
    });
    return id;
}

quint64 EngineBridge::runTokenJob(TokenJob job) {
    const quint64 id = m_nextId++;
    auto token = track(id);
    post([this, id, token, job = std::move(job)] {
        QElapsedTimer clock;
        clock.start();
        qint64 last = -kMinProgressIntervalMs;
        const TokenProgressFn progress = [&](uint64_t done, uint64_t total, int64_t n) {
            if (done < total && clock.elapsed() - last < kMinProgressIntervalMs) return;
            last = clock.elapsed();
            toGui([this, id, done = qint64(done), total = qint64(total), n = qint64(n)] { emit countProgress(id, done, total, n); });
        };
        const TokenizeFn tokenize = [this](std::string_view text) { return m_engine->tokenize(text); };
        Status st = token->cancelled() ? Status(ErrorCode::cancelled, "cancelled") : job(tokenize, progress, *token);
        untrack(id);
        const QString error = st.ok() ? QString() : error_text(st);
        toGui([this, id, ok = st.ok(), error] { emit tokenJobFinished(id, ok, error); });
    });
    return id;
}

quint64 EngineBridge::preparePrefix(PrefixRequest request) {
    const quint64 id = m_nextId++;
    auto token = track(id);
    post([this, id, token, request = std::move(request)] {
        auto fail = [&](const Status& st) {
            untrack(id);
            toGui([this, id, error = error_text(st)] { emit prefixReady(id, false, error, 0, {}); });
        };
        // The prefix is what every conversation with this system message starts with: the common
        // part of two renders that differ only in the first user turn.
        const auto probe = [&](const char* user) {
            return m_engine->apply_chat_template(
                messages_for(request.system_prompt, request.documents, {{"user", user, {}}}), true);
        };
        Result<std::string> a = probe("A");
        if (!a.ok()) return fail(a.status());
        Result<std::string> b = probe("B");
        if (!b.ok()) return fail(b.status());
        size_t n_common = 0;
        while (n_common < a->size() && n_common < b->size() && (*a)[n_common] == (*b)[n_common]) ++n_common;
        Result<std::vector<TokenId>> ids = m_engine->tokenize(std::string_view(*a).substr(0, n_common));
        if (!ids.ok()) return fail(ids.status());
        // Keep what the state already holds of this prefix; prefill only the rest.
        const auto state = m_engine->state_tokens();
        size_t common = 0;
        while (common < state.size() && common < ids->size() && state[common] == (*ids)[common]) ++common;
        if (common < state.size()) {
            m_engine->reset_state();
            common = 0;
        }
        Progress progress(this, id);
        Status st = m_engine->prefill(std::span<const TokenId>(*ids).subspan(common), request.chunk, token.get(),
                                      [&](int64_t done, int64_t total) { progress(done + static_cast<int64_t>(common), total + static_cast<int64_t>(common)); });
        m_prefixKey = st.ok() ? request.prefix_key : std::string();
        if (!st.ok()) return fail(st);
        if (!request.snapshot_path.empty()) {
            Status saved = m_engine->save_snapshot(request.snapshot_path);
            if (!saved.ok()) return fail(saved.with_context("saving the prefilled state"));
        }
        untrack(id);
        const auto n = static_cast<qint64>(ids->size());
        toGui([this, id, n, path = qstr(request.snapshot_path)] { emit prefixReady(id, true, {}, n, path); });
    });
    return id;
}

quint64 EngineBridge::generate(ChatRequest request) {
    const quint64 id = m_nextId++;
    auto token = track(id);
    post([this, id, token, request = std::move(request)] {
        auto fail = [&](const Status& st) {
            untrack(id);
            toGui([this, id, error = error_text(st), ctx = m_engine->n_ctx()] {
                emit generationFinished(id, false, error, {}, 0, ctx);
            });
        };
        if (token->cancelled()) return fail(Status(ErrorCode::cancelled, "cancelled"));
        Result<std::string> text = m_engine->apply_chat_template(
            messages_for(request.system_prompt, request.documents, request.turns), true);
        if (!text.ok()) return fail(text.status());
        Result<std::vector<TokenId>> ids = m_engine->tokenize(*text);
        if (!ids.ok()) return fail(ids.status());
        if (!request.prefix_key.empty() && request.prefix_key != m_prefixKey && !request.snapshot_path.empty()) {
            Status st = m_engine->load_snapshot(request.snapshot_path);
            if (st.ok()) m_prefixKey = request.prefix_key;
            else qCWarning(lcEngine) << "snapshot not reused:" << error_text(st);
        }
        const auto state = m_engine->state_tokens();
        size_t common = 0;
        while (common < state.size() && common < ids->size() && state[common] == (*ids)[common]) ++common;
        toGui([this, id, n = static_cast<qint64>(ids->size()), common = static_cast<qint64>(common)] {
            emit promptReady(id, n, common);
        });

        {
            std::lock_guard lock(m_mutex);
            m_text.clear();
            m_textId = id;
        }
        Progress progress(this, id);
        GenerateCallbacks callbacks;
        callbacks.on_prefill_progress = [&](int64_t done, int64_t total) { progress(done, total); };
        callbacks.on_text = [this, &token](std::string_view piece, TokenId) {
            bool post_now = false;
            {
                std::lock_guard lock(m_mutex);
                m_text.append(piece);
                post_now = !m_textPosted;
                m_textPosted = true;
            }
            if (post_now) toGui([this] { onTextAvailable(); });
            return !token->cancelled();
        };
        Result<GenerationStats> stats = m_engine->generate(*ids, request.params, callbacks, token.get());
        if (stats.ok() && stats->stop_reason != StopReason::cancelled) m_prefixKey = request.prefix_key;
        untrack(id);
        const qint64 used = m_engine->n_state_tokens();
        const qint64 ctx = m_engine->n_ctx();
        qCInfo(lcEngine).noquote() << QStringLiteral("generate id=%1 ok=%2 prompt=%3 reused=%4 generated=%5 ttft_ms=%6 decode_tps=%7")
                                          .arg(id).arg(stats.ok()).arg(stats.ok() ? stats->n_prompt_tokens : 0)
                                          .arg(stats.ok() ? stats->n_reused_tokens : 0).arg(stats.ok() ? stats->n_generated : 0)
                                          .arg(stats.ok() ? stats->time_to_first_token * 1000 : 0, 0, 'f', 1)
                                          .arg(stats.ok() ? stats->decode_tokens_per_second() : 0, 0, 'f', 1);
        const QString error = stats.ok() ? QString() : error_text(stats.status());
        GenerationStats value = stats.ok() ? *stats : GenerationStats{};
        toGui([this, id, ok = stats.ok(), error, value, used, ctx] {
            flushText();   // the rest of the text arrives before the end
            emit generationFinished(id, ok, error, value, used, ctx);
        });
    });
    return id;
}

void EngineBridge::onTextAvailable() {
    if (m_textTimer.isActive()) return;
    const qint64 since = m_sinceFlush.elapsed();
    if (since >= kMinTextIntervalMs) flushText();
    else m_textTimer.start(static_cast<int>(kMinTextIntervalMs - since));
}

void EngineBridge::flushText() {
    m_textTimer.stop();
    std::string text;
    quint64 id = 0;
    {
        std::lock_guard lock(m_mutex);
        text.swap(m_text);
        id = m_textId;
        m_textPosted = false;
    }
    if (text.empty()) return;
    m_sinceFlush.restart();
    emit textReady(id, QString::fromStdString(text));
}

}  // namespace farsight::app
