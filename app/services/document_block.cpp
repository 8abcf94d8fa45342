// DocumentService: loading the attachments' documents (from storage after a restart), the
// <documents> block sent with each question (built on the pool, cached until the attachments
// change) and citation matching of answers against them (one ingest::CitationIndex per document).
#include <QUrl>

#include "ingest/citations.h"
#include "ingest/provenance_json.h"
#include "services/document_service.h"

namespace farsight::app {

using storage::SessionStore;

struct DocumentService::CitationEntry {
    CitationEntry(std::shared_ptr<const ingest::Document> d, ingest::CitationIndex i) : doc(std::move(d)), index(std::move(i)) {}
    std::shared_ptr<const ingest::Document> doc;   // the index points into it
    ingest::CitationIndex index;
};

namespace {

std::string attribute(const QString& s) {
    std::string out = s.toStdString();
    for (char& c : out)
        if (c == '"' || c == '<' || c == '>' || c == '\n') c = '\'';
    return out;
}

// A document stored without usable provenance (e.g. imported) still gets one file and line numbers.
std::shared_ptr<const ingest::Document> document_from_storage(std::string text, const std::string& provenance,
                                                              const std::string& path) {
    if (provenance.size() > 2) {   // "[]" or "{}": nothing stored
        auto doc = ingest::document_from_json(text, provenance);
        if (doc.ok()) return std::make_shared<const ingest::Document>(std::move(*doc));
    }
    ingest::SourceInfo file;
    file.path = path;
    file.name = path.substr(path.find_last_of('/') + 1);
    file.content = {0, text.size()};
    auto doc = ingest::Document::assemble(std::move(text), {file}, {ingest::Span{0, 0, 0, 1}});
    return doc.ok() ? std::make_shared<const ingest::Document>(std::move(*doc)) : nullptr;
}

}  // namespace

void DocumentService::withParts(std::function<void(std::vector<Part>)> then) {
    std::vector<Part> parts;
    std::vector<std::pair<qint64, std::string>> missing;   // id, original path
    for (int row = 0; row < m_model.rowCount(); ++row) {
        const AttachmentItem& a = m_model.itemAt(row);
        if (a.state != QLatin1String("ready") || a.id <= 0) continue;
        Part p;
        p.id = a.id;
        p.name = a.name;
        p.kind = a.kind;
        if (auto it = m_sources.find(a.id); it != m_sources.end()) {
            p.doc = it->second.doc;
            p.keep = it->second.keep;
            p.keepNote = it->second.keepDescription.toStdString();
            p.citations = it->second.citations;
        }
        if (!p.doc) missing.emplace_back(a.id, a.path.toStdString());
        parts.push_back(std::move(p));
    }
    if (missing.empty()) {
        then(std::move(parts));
        return;
    }
    using Loaded = std::vector<std::pair<qint64, std::pair<std::string, std::string>>>;
    m_storage->run(
        [missing](SessionStore& s) -> Result<Loaded> {
            Loaded out;
            for (const auto& [id, path] : missing) {
                FS_ASSIGN_OR_RETURN(storage::Attachment a, s.attachments().get(id));
                FS_ASSIGN_OR_RETURN(std::string text, s.attachments().extracted_text(id));
                out.push_back({id, {std::move(text), a.provenance_json}});
            }
            return out;
        },
        this, [this, missing, parts = std::move(parts), then](Result<Loaded> loaded) mutable {
            if (!loaded.ok()) {
                emit notice(tr("Could not read the documents: %1").arg(QString::fromStdString(loaded.status().message())));
                loaded = Loaded{};
            }
            auto texts = std::make_shared<Loaded>(std::move(*loaded));
            m_pool.start([this, texts, missing, parts = std::move(parts), then]() mutable {
                std::map<qint64, std::shared_ptr<const ingest::Document>> docs;
                for (auto& [id, value] : *texts) {
                    std::string path;
                    for (const auto& m : missing)
                        if (m.first == id) path = m.second;
                    docs[id] = document_from_storage(std::move(value.first), value.second, path);
                }
                QMetaObject::invokeMethod(this, [this, docs, parts = std::move(parts), then]() mutable {
                    std::vector<Part> complete;
                    for (Part& p : parts) {
                        if (!p.doc) {
                            auto it = docs.find(p.id);
                            if (it == docs.end() || !it->second) continue;
                            p.doc = it->second;
                            m_sources[p.id].doc = p.doc;
                        }
                        complete.push_back(std::move(p));
                    }
                    then(std::move(complete));
                }, Qt::QueuedConnection);
            });
        });
}

void DocumentService::invalidateBlock() {
    m_blockValid = false;
    m_block.reset();
    ++m_blockSeq;
}

void DocumentService::withDocumentsBlock(QObject* context, std::function<void(std::shared_ptr<const std::string>)> then) {
    if (!hasDocuments()) {
        then(nullptr);
        return;
    }
    if (m_blockValid) {
        then(m_block);
        return;
    }
    m_waiting.emplace_back(QPointer<QObject>(context), std::move(then));
    if (!m_building) buildBlock();
}

void DocumentService::buildBlock() {
    m_building = true;
    const quint64 seq = m_blockSeq;
    withParts([this, seq](std::vector<Part> parts) {
        m_pool.start([this, seq, parts = std::move(parts)] {
            std::shared_ptr<const std::string> block;
            if (!parts.empty()) {
                std::string out = "<documents>\n";
                for (const Part& p : parts) {
                    const ingest::SourceInfo& file = p.doc->files().front();
                    out += "<document name=\"" + attribute(p.name) + "\" kind=\"" + p.kind.toStdString() + "\"";
                    if (file.n_pages > 0) out += " pages=\"" + std::to_string(file.n_pages) + "\"";
                    out += ">\n";
                    if (p.keep) {
                        out += p.doc->view(*p.keep);
                        out += "\n[The rest of this document is not included (the user chose: " + p.keepNote + ").]";
                    } else {
                        out += p.doc->text();
                    }
                    if (out.back() != '\n') out += '\n';
                    out += "</document>\n";
                }
                out += "</documents>";
                block = std::make_shared<const std::string>(std::move(out));
            }
            QMetaObject::invokeMethod(this, [this, seq, block] {
                m_building = false;
                if (seq != m_blockSeq) {   // the attachments changed meanwhile: build again
                    if (!m_waiting.empty()) buildBlock();
                    return;
                }
                m_block = block;
                m_blockValid = true;
                auto waiting = std::move(m_waiting);
                m_waiting.clear();
                for (auto& [context, callback] : waiting)
                    if (context) callback(block);
            }, Qt::QueuedConnection);
        });
    });
}

void DocumentService::requestCitations(qint64 messageId, const QString& answer) {
    if (!hasDocuments() || answer.isEmpty()) return;
    withParts([this, messageId, answer = answer.toStdString()](std::vector<Part> parts) {
        if (parts.empty()) return;
        m_pool.start([this, messageId, answer, parts = std::move(parts)] {
            std::vector<std::shared_ptr<const CitationEntry>> entries;
            std::vector<std::vector<ingest::CitationMatch>> matches;
            for (const Part& p : parts) {
                std::shared_ptr<const CitationEntry> entry = p.citations;
                if (!entry) {
                    auto index = ingest::CitationIndex::build(*p.doc);
                    if (index.ok()) entry = std::make_shared<const CitationEntry>(p.doc, std::move(*index));
                }
                entries.push_back(entry);
                matches.push_back(entry ? entry->index.match_answer(answer) : std::vector<ingest::CitationMatch>{});
            }
            // The quotes are the same for every document; keep the best match of each.
            QVariantList list;
            const size_t n_quotes = matches.empty() ? 0 : matches.front().size();
            for (size_t q = 0; q < n_quotes; ++q) {
                int best = -1;
                for (size_t d = 0; d < matches.size(); ++d) {
                    if (q >= matches[d].size() || matches[d][q].kind == ingest::MatchKind::not_found) continue;
                    if (best < 0 || matches[d][q].kind < matches[static_cast<size_t>(best)][q].kind ||
                        (matches[d][q].kind == matches[static_cast<size_t>(best)][q].kind &&
                         matches[d][q].score > matches[static_cast<size_t>(best)][q].score))
                        best = static_cast<int>(d);
                }
                const ingest::CitationMatch& m = matches[best < 0 ? 0 : static_cast<size_t>(best)][q];
                QVariantMap item{{"quote", QString::fromStdString(m.quote.text)},
                                 {"matched", best >= 0},
                                 {"kind", QString::fromUtf8(ingest::match_kind_name(best >= 0 ? m.kind : ingest::MatchKind::not_found))}};
                if (best >= 0) {
                    const Part& p = parts[static_cast<size_t>(best)];
                    const QString file = m.where.file_name.empty() ? p.name : QString::fromStdString(m.where.file_name);
                    QString label = file;
                    if (m.where.page > 0) label += tr(" · p. %1").arg(m.where.page);
                    if (m.where.line > 0) label += tr(" · line %1").arg(m.where.line);
                    if (m.kind == ingest::MatchKind::approximate) label += tr(" (close match)");
                    QUrl url = QUrl::fromLocalFile(QString::fromStdString(p.doc->files().front().path));
                    if (m.where.page > 0) url.setFragment(QStringLiteral("page=%1").arg(m.where.page));
                    item.insert({{"file", file}, {"page", m.where.page}, {"line", m.where.line}, {"label", label},
                                 {"url", url.toString()}});
                } else {
                    item.insert({{"label", tr("not found in the documents")}, {"url", QString()}});
                }
                list.append(item);
            }
            QMetaObject::invokeMethod(this, [this, messageId, list, parts, entries] {
                for (size_t i = 0; i < parts.size(); ++i)
                    if (auto it = m_sources.find(parts[i].id); it != m_sources.end() && !it->second.citations)
                        it->second.citations = entries[i];
                emit citationsReady(messageId, list);
            }, Qt::QueuedConnection);
        });
    });
}

}  // namespace farsight::app
