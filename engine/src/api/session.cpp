// Public Session: per-sequence state, prefill, generate, snapshots.
#include "api/model_impl.h"
#include "kv/snapshot.h"

namespace farsight {

Session::Session(std::unique_ptr<SessionImpl> impl) : m_impl(std::move(impl)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::create(std::shared_ptr<Model> model, const SessionOptions& options) {
    if (!model) return Status(ErrorCode::invalid_argument, "no model");
    if (options.n_ctx < 0) return Status(ErrorCode::invalid_argument, "n_ctx must be >= 0");
    int64_t n_ctx = options.n_ctx;
    if (n_ctx == 0) n_ctx = model->info().n_ctx_train > 0 ? std::min<int64_t>(model->info().n_ctx_train, 1 << 20) : 8192;
    auto impl = std::make_unique<SessionImpl>();
    const ModelImpl& mi = model->impl();
    if (mi.gpu) {
        // On a GPU the whole context is planned and reserved now: no allocation per token later,
        // and a context that does not fit is refused here with the numbers.
        const StateLayout layout = mi.lm->state_layout();
        const uint64_t kv = layout.kv_bytes_per_token(mi.kv_dtype()) * static_cast<uint64_t>(n_ctx);
        const uint64_t need = kv + layout.recurrent_bytes();
        FS_ASSIGN_OR_RETURN(GpuInfo gi, gpu_info(mi.gpu_index));
        const uint64_t free_b = gi.free_memory > (uint64_t{512} << 20) ? gi.free_memory - (uint64_t{512} << 20) : 0;
        if (need > free_b) {
            const uint64_t per = std::max<uint64_t>(1, layout.kv_bytes_per_token(mi.kv_dtype()));
            const uint64_t fit = free_b > layout.recurrent_bytes() ? (free_b - layout.recurrent_bytes()) / per : 0;
            return Status(ErrorCode::out_of_memory,
                          "a context of " + std::to_string(n_ctx) + " tokens needs " + std::to_string(need >> 20) +
                              " MiB of GPU memory for its state but " + std::to_string(free_b >> 20) +
                              " MiB are free: use a context of at most " + std::to_string(fit) + " tokens");
        }
    }
    FS_ASSIGN_OR_RETURN(impl->state, SequenceState::create(mi.lm->state_layout(), n_ctx, mi.device(), mi.kv_dtype()));
    if (mi.gpu) FS_RETURN_IF_ERROR(impl->state.reserve(n_ctx));
    impl->ws = Workspace(mi.device());
    impl->model = std::move(model);
    return std::unique_ptr<Session>(new Session(std::move(impl)));
}

const Model& Session::model() const { return *m_impl->model; }
int64_t Session::n_ctx() const { return m_impl->state.n_ctx(); }
const std::vector<TokenId>& Session::tokens() const { return m_impl->state.tokens(); }

void Session::reset() {
    m_impl->state.reset();
    m_impl->last_logits.clear();
}

Status Session::prefill(std::span<const TokenId> tokens, int32_t chunk, const CancelToken* cancel,
                        const std::function<void(int64_t, int64_t)>& on_progress, std::vector<float>* logits) {
    const ModelImpl& mi = m_impl->model->impl();
    for (TokenId id : tokens)
        if (id < 0 || id >= mi.info.n_vocab)
            return Status(ErrorCode::invalid_argument, "token id " + std::to_string(id) + " is outside the vocabulary");
    if (tokens.empty()) return {};
    Generator gen(*mi.lm, mi.op_context());
    m_impl->last_logits.clear();
    Status st = gen.prefill(m_impl->state, m_impl->ws, tokens, chunk, cancel, on_progress, &m_impl->last_logits);
    if (!st.ok()) {
        m_impl->last_logits.clear();
        return st;
    }
    if (logits) *logits = m_impl->last_logits;
    return {};
}

Result<GenerationStats> Session::generate(std::span<const TokenId> prompt, const GenerateParams& params,
                                          const GenerateCallbacks& callbacks, const CancelToken* cancel) {
    const ModelImpl& mi = m_impl->model->impl();
    for (TokenId id : prompt)
        if (id < 0 || id >= mi.info.n_vocab)
            return Status(ErrorCode::invalid_argument, "token id " + std::to_string(id) + " is outside the vocabulary");
    Generator gen(*mi.lm, mi.op_context());
    TokenTextStream stream;
    if (mi.text) stream = mi.text->make_stream();
    else stream = {[](int32_t) { return std::string(); }, [] { return std::string(); }};
    return gen.generate(m_impl->state, m_impl->ws, m_impl->last_logits, m_impl->checkpoint, prompt, params,
                        mi.end_of_turn, stream, callbacks, cancel);
}

Status Session::save_snapshot(const std::string& path) const {
    return farsight::save_snapshot(path, m_impl->state, m_impl->model->impl().lm->identity(), m_impl->last_logits);
}

Status Session::load_snapshot(const std::string& path) {
    std::vector<float> logits;
    FS_RETURN_IF_ERROR(farsight::load_snapshot(path, m_impl->state, m_impl->model->impl().lm->identity(), &logits));
    m_impl->last_logits = std::move(logits);  // empty when the snapshot was saved without them
    return {};
}

}  // namespace farsight
