// Provenance <-> JSON (format in provenance_json.h), with nlohmann::json. Parsing never throws out:
// malformed input becomes bad_header, and Document::assemble() re-checks every range.
#include "ingest/provenance_json.h"

#include <nlohmann/json.hpp>

namespace farsight::ingest {

namespace {

using nlohmann::json;

constexpr int k_version = 1;

SourceFormat format_from_name(const std::string& name) {
    if (name == "pdf") return SourceFormat::pdf;
    if (name == "markdown") return SourceFormat::markdown;
    return SourceFormat::text;
}

}  // namespace

std::string provenance_to_json(const Document& document) {
    json files = json::array();
    for (const SourceInfo& f : document.files()) {
        files.push_back({{"path", f.path}, {"name", f.name}, {"format", std::string(source_format_name(f.format))},
                         {"file_bytes", f.file_bytes}, {"encoding", f.encoding}, {"n_pages", f.n_pages},
                         {"n_lines", f.n_lines}, {"content", {f.content.begin, f.content.end}}});
    }
    json spans = json::array();
    for (const Span& s : document.spans()) spans.push_back({s.offset, s.file, s.page, s.line});
    json headings = json::array();
    for (const Heading& h : document.headings()) headings.push_back({h.file, h.level, h.offset, h.title});
    json notices = json::array();
    for (const Notice& n : document.notices()) notices.push_back({n.file, n.page, n.message});
    json root = {{"version", k_version}, {"files", std::move(files)}, {"spans", std::move(spans)},
                 {"headings", std::move(headings)}, {"notices", std::move(notices)}};
    // Names may hold invalid UTF-8 (file systems do): replace rather than throw.
    return root.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Document> document_from_json(std::string text, std::string_view provenance_json) {
    const json root = json::parse(provenance_json, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object()) return make_error(ErrorCode::bad_header, "provenance: not a JSON object");
    try {
        if (root.value("version", 0) != k_version)
            return make_error(ErrorCode::bad_header, "provenance: unsupported version");
        std::vector<SourceInfo> files;
        for (const json& f : root.at("files")) {
            SourceInfo info;
            info.path = f.at("path").get<std::string>();
            info.name = f.at("name").get<std::string>();
            info.format = format_from_name(f.at("format").get<std::string>());
            info.file_bytes = f.at("file_bytes").get<uint64_t>();
            info.encoding = f.at("encoding").get<std::string>();
            info.n_pages = f.at("n_pages").get<int32_t>();
            info.n_lines = f.at("n_lines").get<int32_t>();
            info.content = {f.at("content").at(0).get<uint64_t>(), f.at("content").at(1).get<uint64_t>()};
            files.push_back(std::move(info));
        }
        std::vector<Span> spans;
        const json& js = root.at("spans");
        spans.reserve(js.size());
        for (const json& s : js)
            spans.push_back({s.at(0).get<uint64_t>(), s.at(1).get<int32_t>(), s.at(2).get<int32_t>(), s.at(3).get<int32_t>()});
        std::vector<Heading> headings;
        for (const json& h : root.at("headings"))
            headings.push_back({h.at(0).get<int32_t>(), h.at(1).get<int32_t>(), h.at(3).get<std::string>(),
                                h.at(2).get<uint64_t>()});
        std::vector<Notice> notices;
        for (const json& n : root.at("notices"))
            notices.push_back({n.at(0).get<int32_t>(), n.at(1).get<int32_t>(), n.at(2).get<std::string>()});
        return Document::assemble(std::move(text), std::move(files), std::move(spans), std::move(headings),
                                  std::move(notices));
    } catch (const json::exception& e) {
        return make_error(ErrorCode::bad_header, std::string("provenance: ") + e.what());
    }
}

}  // namespace farsight::ingest
