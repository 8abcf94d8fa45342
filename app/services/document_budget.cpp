// DocumentService: the context budget (ingest::plan_budget) over the ready attachments, the
// choices it offers, and applying the one the user takes.
#include <QFileInfo>

#include "services/chat_service.h"
#include "services/document_service.h"
#include "services/model_service.h"

namespace farsight::app {

namespace {
constexpr qint64 kWrapperTokens = 16;    // <document name=...> around each file
constexpr qint64 kTemplateTokens = 64;   // chat template and the question's frame

QString choiceKind(ingest::ChoiceKind kind) {
    switch (kind) {
    case ingest::ChoiceKind::remove_files: return QStringLiteral("remove_files");
    case ingest::ChoiceKind::keep_prefix: return QStringLiteral("keep_prefix");
    default: return QStringLiteral("larger_context");
    }
}
}  // namespace

bool DocumentService::estimated() const {
    for (int row = 0; row < m_model.rowCount(); ++row)
        if (m_model.itemAt(row).state == QLatin1String("ready") && m_model.itemAt(row).tokensEstimated) return true;
    return false;
}

qint64 DocumentService::contextSize() const {
    return m_modelService->loaded() ? m_modelService->loadedContext() : m_modelService->contextLength();
}

qint64 DocumentService::reserveTokens() const { return m_chat->maxTokens(); }

void DocumentService::replan() {
    ingest::BudgetRequest request;
    m_planKeys.clear();
    for (int row = 0; row < m_model.rowCount(); ++row) {
        const AttachmentItem& a = m_model.itemAt(row);
        if (a.state != QLatin1String("ready") || a.id <= 0) continue;
        ingest::FileTokens file;
        file.file = static_cast<int32_t>(request.files.size());
        file.name = a.name.toStdString();
        const auto it = m_sources.find(a.id);
        if (it != m_sources.end() && !it->second.segments.empty()) {
            for (const ingest::TokenSegment& seg : it->second.segments) {
                const auto& keep = it->second.keep;
                if (keep && (seg.range.begin < keep->begin || seg.range.end > keep->end)) continue;
                file.segments.push_back(seg);
                file.n_tokens += seg.n_tokens;
            }
        } else {
            // Counted in an earlier session (or estimated): one segment, so only whole-file choices.
            ingest::TokenSegment whole;
            whole.n_tokens = a.nTokens;
            file.segments.push_back(whole);
            file.n_tokens = a.nTokens;
        }
        request.files.push_back(std::move(file));
        m_planKeys.push_back(a.key);
    }
    request.n_ctx = contextSize();
    request.n_reserve = reserveTokens();
    request.n_other = m_chat->historyTokenEstimate() + kTemplateTokens +
                      kWrapperTokens * static_cast<qint64>(request.files.size());
    if (request.n_ctx > 0) {
        m_plan = ingest::plan_budget(request);
    } else {
        m_plan = {};
        m_plan.fits = true;   // nothing to compare with until a model is chosen
        for (const auto& f : request.files) m_plan.n_documents += f.n_tokens;
    }
    emit changed();
}

QString DocumentService::fitText() const {
    if (!hasDocuments()) return {};
    const QString estimate = estimated() ? tr(" Counts marked ≈ are estimates until a model is loaded.") : QString();
    if (contextSize() <= 0)
        return tr("Documents: %1 tokens. Open a model to see whether they fit.")
                   .arg(QString::fromStdString(ingest::format_count(m_plan.n_documents))) + estimate;
    if (m_plan.fits)
        return tr("Fits: %1 document tokens in a %2-token context (%3 kept for the reply).")
                   .arg(QString::fromStdString(ingest::format_count(m_plan.n_documents)),
                        QString::fromStdString(ingest::format_count(contextSize())),
                        QString::fromStdString(ingest::format_count(reserveTokens()))) + estimate;
    return tr("Does not fit: %1. Choose one:").arg(QString::fromStdString(m_plan.summary)) + estimate;
}

QVariantList DocumentService::choices() const {
    QVariantList out;
    if (!hasDocuments() || m_plan.fits) return out;
    for (size_t i = 0; i < m_plan.choices.size(); ++i) {
        const ingest::BudgetChoice& c = m_plan.choices[i];
        const bool possible = c.kind != ingest::ChoiceKind::larger_context || c.n_ctx_needed <= m_modelService->maxContext();
        QString description = QString::fromStdString(c.description);
        if (!possible)
            description += tr(" — this model supports at most %1").arg(QString::fromStdString(ingest::format_count(m_modelService->maxContext())));
        out.append(QVariantMap{{"index", static_cast<int>(i)}, {"kind", choiceKind(c.kind)},
                               {"description", description}, {"possible", possible}});
    }
    return out;
}

QString DocumentService::keepText() const {
    QStringList parts;
    for (int row = 0; row < m_model.rowCount(); ++row) {
        const auto it = m_sources.find(m_model.itemAt(row).id);
        if (it != m_sources.end() && it->second.keep) parts << it->second.keepDescription;
    }
    return parts.isEmpty() ? QString() : tr("Your choice: %1.").arg(parts.join(QStringLiteral("; ")));
}

void DocumentService::applyChoice(int index) {
    if (index < 0 || static_cast<size_t>(index) >= m_plan.choices.size()) return;
    const ingest::BudgetChoice choice = m_plan.choices[static_cast<size_t>(index)];
    auto keyOf = [this](int32_t file) { return file >= 0 && static_cast<size_t>(file) < m_planKeys.size() ? m_planKeys[file] : 0; };
    switch (choice.kind) {
    case ingest::ChoiceKind::remove_files: {
        std::vector<int> keys;
        for (int32_t f : choice.files) keys.push_back(keyOf(f));
        for (int key : keys) remove(key);
        return;
    }
    case ingest::ChoiceKind::keep_prefix: {
        if (choice.files.empty()) return;
        const AttachmentItem* item = m_model.findKey(keyOf(choice.files.front()));
        if (!item) return;
        Source& source = m_sources[item->id];
        std::optional<ingest::TextRange> kept;
        for (const ingest::TokenSegment& seg : source.segments) {
            const bool in = seg.page > 0 ? seg.page <= choice.last_page : seg.last_line <= choice.last_line;
            if (!in) break;
            if (!kept) kept = seg.range;
            else kept->end = seg.range.end;
        }
        if (!kept) return;
        source.keep = kept;
        source.keepDescription = QString::fromStdString(choice.description);
        invalidateBlock();
        replan();
        return;
    }
    case ingest::ChoiceKind::larger_context: {
        const qint64 needed = (choice.n_ctx_needed + 1023) / 1024 * 1024;
        if (needed > m_modelService->maxContext()) {
            emit notice(tr("The documents need %1 tokens of context; this model supports at most %2.")
                            .arg(QString::fromStdString(ingest::format_count(choice.n_ctx_needed)),
                                 QString::fromStdString(ingest::format_count(m_modelService->maxContext()))));
            return;
        }
        m_modelService->reloadWithContext(needed);
        return;
    }
    }
}

void DocumentService::clearKeep() {
    for (auto& [id, source] : m_sources) {
        source.keep.reset();
        source.keepDescription.clear();
    }
    invalidateBlock();
    replan();
}

}  // namespace farsight::app
