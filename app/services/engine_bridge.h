// EngineBridge: runs an EnginePort on its own thread and turns its blocking calls and callbacks
// into signals on the GUI thread. Streamed text is coalesced (at most one textReady per
// kMinTextInterval, ~60/s) and progress is throttled, so the GUI never sees more than it can paint.
// Every request gets an id; cancel(id) is a flag the engine checks between chunks and tokens.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "farsight/engine/types.h"
#include "services/engine_port.h"

Q_DECLARE_METATYPE(farsight::ModelInfo)
Q_DECLARE_METATYPE(farsight::MemoryPlan)
Q_DECLARE_METATYPE(farsight::GenerationStats)

namespace farsight::app {

// A chat turn to generate. The system message is built on the engine thread from the prompt and
// the (possibly huge) documents block, so the GUI thread never copies document text.
// `prefix_key` names the prefix (system message) that `snapshot_path` holds: the snapshot is
// loaded only when the state holds another prefix.
struct ChatRequest {
    std::string system_prompt;
    std::shared_ptr<const std::string> documents;   // the <documents> block, or null
    std::vector<ChatMessage> turns;                 // user/assistant turns; the last is the user's
    GenerateParams params;
    std::string prefix_key;
    std::string snapshot_path;
};

// Prefill the prefix (everything before the first user turn) ahead of the first question.
struct PrefixRequest {
    std::string system_prompt;
    std::shared_ptr<const std::string> documents;
    std::string prefix_key;
    std::string snapshot_path;   // "" = do not save
    int32_t chunk = 2048;
};

using TokenizeFn = std::function<Result<std::vector<TokenId>>(std::string_view)>;
using TokenProgressFn = std::function<void(uint64_t bytes_done, uint64_t bytes_total, int64_t n_tokens)>;
using TokenJob = std::function<Status(const TokenizeFn& tokenize, const TokenProgressFn& progress, const CancelToken& cancel)>;

// The system message for a prompt and a documents block ("" = no system message).
std::string system_message_text(const std::string& prompt, const std::string* documents);

class EngineBridge : public QObject {
    Q_OBJECT
public:
    static constexpr int kMinTextIntervalMs = 16;
    static constexpr int kMinProgressIntervalMs = 50;

    explicit EngineBridge(std::unique_ptr<EnginePort> engine, QObject* parent = nullptr);
    ~EngineBridge() override;   // cancels everything and joins the engine thread

    quint64 inspect(const QString& path, qint64 nCtx);
    quint64 plan(const farsight::ModelInfo& info, qint64 nCtx);
    quint64 load(const QString& path, qint64 nCtx);
    quint64 unload();
    // Runs `job` on the engine thread with the loaded model's tokenizer (e.g. ingest::count_tokens
    // over a document); its progress becomes countProgress, its end tokenJobFinished.
    quint64 runTokenJob(TokenJob job);
    quint64 preparePrefix(PrefixRequest request);
    quint64 generate(ChatRequest request);
    void cancel(quint64 id);
    void cancelAll();

signals:
    void inspected(quint64 id, bool ok, const QString& error, const farsight::ModelInfo& info,
                   const farsight::MemoryPlan& plan);
    void planned(quint64 id, const farsight::MemoryPlan& plan);
    void loadProgress(quint64 id, double fraction);
    void loaded(quint64 id, bool ok, const QString& error, const farsight::ModelInfo& info, qint64 nCtx,
                const QString& identity);
    void unloaded(quint64 id);
    void countProgress(quint64 id, qint64 bytesDone, qint64 bytesTotal, qint64 tokensSoFar);
    void tokenJobFinished(quint64 id, bool ok, const QString& error);
    // Prefill of a prefix or a prompt: tokens done/total, measured speed, estimated seconds left.
    void prefillProgress(quint64 id, qint64 done, qint64 total, double tokensPerSecond, double secondsLeft);
    void prefixReady(quint64 id, bool ok, const QString& error, qint64 nTokens, const QString& snapshotPath);
    // The prompt is tokenized: how many tokens it has and how many the state already holds.
    void promptReady(quint64 id, qint64 nPromptTokens, qint64 nReusedTokens);
    void textReady(quint64 id, const QString& text);
    void generationFinished(quint64 id, bool ok, const QString& error, const farsight::GenerationStats& stats,
                            qint64 contextUsed, qint64 nCtx);

private:
    class Progress;
    std::shared_ptr<CancelToken> track(quint64 id);
    void untrack(quint64 id);
    template <class F> void post(F&& job);
    template <class F> void toGui(F&& fn);
    void onTextAvailable();
    void flushText();

    std::unique_ptr<EnginePort> m_engine;   // used only on m_thread
    QThread m_thread;
    QObject* m_worker = nullptr;            // lives on m_thread: the context engine jobs run in
    quint64 m_nextId = 1;

    std::mutex m_mutex;                     // guards m_cancel, m_text*, m_textPosted
    std::map<quint64, std::shared_ptr<CancelToken>> m_cancel;
    std::string m_text;
    quint64 m_textId = 0;
    bool m_textPosted = false;

    QTimer m_textTimer;                     // GUI thread: delays a flush to keep the rate
    QElapsedTimer m_sinceFlush;
    std::string m_prefixKey;                // engine thread: which prefix the state holds
};

}  // namespace farsight::app
