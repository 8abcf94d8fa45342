// farsight-cli eval-vision: verifier-level scores of a vision-language model (or of answers
// produced elsewhere, e.g. by Tesseract through farsight-ocr) on a labelled JSONL set, reported
// per data source — grounding: mean IoU, recall@0.5, AP50/AP75, mAP@0.5:0.95; OCR: CER, edit
// distance, char/word accuracy, exact match; counting: exact match. Dataset rows:
//   {"id", "source", "task": "grounding"|"ocr"|"counting", "image": path relative to the file,
//    "question", "answer": {"boxes": [[x1,y1,x2,y2]...]} | "text" | N, "label"?}
// Predictions rows (--predictions): {"id", "answer": "raw text"}.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "args.h"
#include "commands.h"
#include "core/thread_pool.h"
#include "models/vision/vl_model.h"
#include "tokenizer/tokenizer.h"
#include "vision/grounding.h"
#include "vision/png.h"
#include "vision/scoring.h"

namespace farsight::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Sample {
    std::string id, source, task, question, label;
    fs::path image;
    json answer;
};

Result<std::vector<Sample>> read_dataset(const fs::path& path) {
    std::ifstream f(path);
    if (!f) return Status(ErrorCode::not_found, "cannot open dataset " + path.string());
    std::vector<Sample> out;
    std::string line;
    for (int n = 1; std::getline(f, line); ++n) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        json j = json::parse(line, nullptr, false);
        auto bad = [&](const std::string& m) {
            return Status(ErrorCode::bad_config, path.filename().string() + ":" + std::to_string(n) + ": " + m);
        };
        if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
        Sample s;
        for (auto [key, dst] : {std::pair{"id", &s.id}, {"task", &s.task}, {"image", &s.source}}) {
            if (!j.contains(key) || !j[key].is_string()) return bad(std::string("missing string '") + key + "'");
            *dst = j[key].get<std::string>();
        }
        s.image = path.parent_path() / s.source;
        s.source = j.value("source", std::string("default"));
        s.question = j.value("question", std::string());
        s.label = j.value("label", std::string());
        s.answer = j.value("answer", json());
        if (s.task == "grounding") {
            if (!s.answer.is_object() || !s.answer.contains("boxes") || !s.answer["boxes"].is_array())
                return bad("a grounding answer needs {\"boxes\": [[x1, y1, x2, y2], ...]}");
        } else if (s.task == "ocr") {
            if (!s.answer.is_string()) return bad("an OCR answer must be a string");
        } else if (s.task == "counting") {
            if (!s.answer.is_number_integer()) return bad("a counting answer must be an integer");
        } else {
            return bad("unknown task '" + s.task + "'");
        }
        out.push_back(std::move(s));
    }
    return out;
}

Result<std::map<std::string, std::string>> read_predictions(const fs::path& path) {
    std::ifstream f(path);
    if (!f) return Status(ErrorCode::not_found, "cannot open predictions " + path.string());
    std::map<std::string, std::string> out;
    std::string line;
    for (int n = 1; std::getline(f, line); ++n) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        json j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("answer") ||
            !j["answer"].is_string())
            return Status(ErrorCode::bad_config, path.filename().string() + ":" + std::to_string(n) +
                                                     ": expected {\"id\": ..., \"answer\": \"...\"}");
        out[j["id"].get<std::string>()] = j["answer"].get<std::string>();
    }
    return out;
}

// Greedy generation with a VisionLanguageModel on the CPU (one image per prompt).
class ModelRunner {
public:
    static Result<std::unique_ptr<ModelRunner>> create(const fs::path& dir, int n_threads, int max_tokens) {
        std::unique_ptr<ModelRunner> r(new ModelRunner(n_threads));
        FS_ASSIGN_OR_RETURN(r->m_model, VisionLanguageModel::load(dir));
        auto tok = Tokenizer::from_file(dir / "tokenizer.json");
        if (!tok.ok()) return tok.status().with_context("tokenizer.json");
        r->m_tok = std::make_unique<Tokenizer>(std::move(tok).value());
        r->m_max_tokens = max_tokens;
        for (const char* eos : {"<end_of_sentence>", "</s>", "<|im_end|>", "<|endoftext|>", "<|eot_id|>"})
            if (auto id = r->m_tok->token_to_id(eos)) r->m_stop.push_back(*id);
        return r;
    }
    const VisionLanguageModel& model() const { return *m_model; }

    // The prompt of spec §4.6 (MiniMax-VL-01) or LLaVA-NeXT's [INST] form, with one <image>.
    Result<std::string> answer(const vision::Rgb8View& img, const std::string& question, vision::AnyresLayout* layout) {
        const bool minimax = m_model->config().model_type == "minimax_vl_01";
        const std::string image_token = m_tok->id_to_token(static_cast<int32_t>(m_model->image_token_id()));
        if (image_token.empty()) return Status(ErrorCode::bad_config, "the tokenizer has no image token");
        const std::string prompt = minimax ? "<beginning_of_sentence>user name=user\n" + image_token + question +
                                                 "<end_of_sentence>\n<beginning_of_sentence>ai name=assistant\n"
                                           : "[INST] " + image_token + "\n" + question + " [/INST]";
        FS_ASSIGN_OR_RETURN(std::vector<int32_t> ids, m_tok->encode(prompt, false, true));
        FS_ASSIGN_OR_RETURN(ImageFeatures feat, m_model->encode_image(m_ctx, m_ws, img));
        if (layout) *layout = feat.layout;
        std::vector<ImageFeatures> images;
        images.push_back(std::move(feat));
        FS_ASSIGN_OR_RETURN(std::vector<int32_t> full, m_model->expand_image_tokens(ids, images));
        const int64_t n_ctx = static_cast<int64_t>(full.size()) + m_max_tokens + 1;
        FS_ASSIGN_OR_RETURN(SequenceState state, SequenceState::create(m_model->state_layout(), n_ctx));
        std::vector<float> logits(static_cast<size_t>(m_model->n_vocab()));
        ImageCursor cursor;
        for (size_t p = 0; p < full.size(); p += 512) {
            const auto chunk = std::span<const int32_t>(full).subspan(p, std::min<size_t>(512, full.size() - p));
            FS_RETURN_IF_ERROR(m_model->forward_multimodal(m_ctx, state, m_ws, chunk, images, cursor, LogitsMode::last,
                                                           logits.data()));
        }
        std::vector<int32_t> out;
        for (int i = 0; i < m_max_tokens; ++i) {
            const int32_t next = static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
            if (std::find(m_stop.begin(), m_stop.end(), next) != m_stop.end()) break;
            out.push_back(next);
            if (next == m_model->image_token_id()) break;  // a model emitting image tokens has nothing useful left
            FS_RETURN_IF_ERROR(m_model->forward(m_ctx, state, m_ws, std::span<const int32_t>(&out.back(), 1), LogitsMode::last,
                                                logits.data()));
        }
        return m_tok->decode(out, true);
    }

private:
    explicit ModelRunner(int n_threads) : m_pool(static_cast<size_t>(n_threads)), m_ctx{Device::cpu, &m_pool, nullptr} {}
    ThreadPool m_pool;
    OpContext m_ctx;
    Workspace m_ws;
    std::unique_ptr<VisionLanguageModel> m_model;
    std::unique_ptr<Tokenizer> m_tok;
    std::vector<int32_t> m_stop;
    int m_max_tokens = 128;
};

struct SourceScores {
    std::string task;
    int64_t n = 0, n_failed = 0;
    std::vector<vision::GroundingSample> grounding;
    double cer = 0, char_acc = 0, word_acc = 0;
    int64_t edit = 0, exact = 0;
};

std::string fmt(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.4f", v);
    return b;
}

}  // namespace

Status cmd_eval_vision(int argc, char** argv) {
    FS_ASSIGN_OR_RETURN(Args args, Args::parse(argc, argv, 2,
                                               {"model", "dataset", "predictions", "out", "max-tokens", "threads", "limit",
                                                "box-frame", "plain-units"},
                                               {"case-insensitive"}));
    FS_ASSIGN_OR_RETURN(std::string dataset_path, args.require("dataset"));
    if (args.has("model") == args.has("predictions"))
        return Status(ErrorCode::invalid_argument, "eval-vision: give exactly one of --model DIR or --predictions FILE");
    FS_ASSIGN_OR_RETURN(int64_t max_tokens, args.get_int("max-tokens", 128, 1, 8192));
    FS_ASSIGN_OR_RETURN(int64_t threads, args.get_int("threads", 2, 1, 256));
    FS_ASSIGN_OR_RETURN(int64_t limit, args.get_int("limit", 1 << 30, 1, 1 << 30));
    vision::GroundingOptions gopt;
    const std::string frame = args.get("box-frame").value_or("original");
    if (frame != "original" && frame != "canvas") return Status(ErrorCode::invalid_argument, "--box-frame original|canvas");
    gopt.pixel_frame = gopt.norm_frame = frame == "canvas" ? vision::BoxFrame::canvas : vision::BoxFrame::original;
    if (auto u = args.get("plain-units")) {
        if (*u == "pixels") gopt.plain_units = vision::BoxUnits::pixels;
        else if (*u == "norm1000") gopt.plain_units = vision::BoxUnits::norm1000;
        else if (*u == "norm1") gopt.plain_units = vision::BoxUnits::norm1;
        else return Status(ErrorCode::invalid_argument, "--plain-units pixels|norm1000|norm1");
    }
    const bool case_sensitive = !args.has("case-insensitive");
    FS_ASSIGN_OR_RETURN(std::vector<Sample> samples, read_dataset(dataset_path));
    if (static_cast<int64_t>(samples.size()) > limit) samples.resize(static_cast<size_t>(limit));

    std::unique_ptr<ModelRunner> runner;
    std::map<std::string, std::string> given;
    if (auto m = args.get("model")) {
        FS_ASSIGN_OR_RETURN(runner, ModelRunner::create(*m, static_cast<int>(threads), static_cast<int>(max_tokens)));
    } else {
        FS_ASSIGN_OR_RETURN(given, read_predictions(*args.get("predictions")));
    }
    std::ofstream out_file;
    if (auto o = args.get("out")) {
        out_file.open(*o);
        if (!out_file) return Status(ErrorCode::io_error, "cannot write " + *o);
    }

    std::map<std::string, SourceScores> by_source;
    const auto t0 = std::chrono::steady_clock::now();
    for (const Sample& s : samples) {
        SourceScores& agg = by_source[s.source];
        agg.task = s.task;
        ++agg.n;
        std::string answer;
        vision::AnyresLayout layout;
        bool have_layout = false;
        if (runner) {
            auto img = vision::read_png(s.image);
            if (!img.ok()) return img.status().with_context(s.id);
            auto a = runner->answer(img->view(), s.question, &layout);
            if (!a.ok()) {
                std::fprintf(stderr, "eval-vision: %s: %s\n", s.id.c_str(), a.status().to_string().c_str());
                ++agg.n_failed;
            } else {
                answer = std::move(a).value();
                have_layout = true;
            }
        } else if (auto it = given.find(s.id); it != given.end()) {
            answer = it->second;
        } else {
            ++agg.n_failed;  // no prediction: scored as an empty answer
        }
        json rec = {{"id", s.id}, {"source", s.source}, {"task", s.task}, {"answer", answer}};
        if (s.task == "grounding") {
            vision::GroundingSample g;
            for (const json& b : s.answer["boxes"])
                if (b.is_array() && b.size() == 4)
                    g.reference.push_back({b[0].get<double>(), b[1].get<double>(), b[2].get<double>(), b[3].get<double>()});
            if (!have_layout) {
                // Answers scored without running the model: geometry of the model's view unknown, so
                // coordinates are read in the original image's frame (read the PNG header for its size).
                auto img = vision::read_png(s.image);
                if (!img.ok()) return img.status().with_context(s.id);
                layout = vision::identity_layout(img->width, img->height);
            }
            for (const vision::ParsedBox& pb : vision::parse_boxes(answer, gopt)) {
                g.predicted.push_back(vision::map_to_original(pb, layout, gopt));
                if (pb.score >= 0) g.scores.push_back(pb.score);
            }
            if (g.scores.size() != g.predicted.size()) g.scores.clear();
            const double best = g.predicted.empty() || g.reference.empty() ? 0.0 : vision::iou(g.predicted[0], g.reference[0]);
            rec["iou_first"] = best;
            agg.grounding.push_back(std::move(g));
        } else if (s.task == "ocr") {
            const vision::OcrScore o = vision::score_ocr(answer, s.answer.get<std::string>(), case_sensitive);
            agg.cer += o.cer;
            agg.char_acc += o.char_accuracy;
            agg.word_acc += o.word_accuracy;
            agg.edit += o.edit_distance;
            agg.exact += o.exact;
            rec["cer"] = o.cer;
            rec["word_accuracy"] = o.word_accuracy;
        } else {
            const auto n = vision::parse_count(answer);
            const bool ok = n && *n == s.answer.get<int64_t>();
            agg.exact += ok;
            rec["count"] = n ? json(*n) : json();
            rec["correct"] = ok;
        }
        if (out_file) out_file << rec.dump() << "\n";
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    std::printf("%-10s %-9s %5s  %s\n", "source", "task", "n", "scores");
    json summary = json::object();
    for (auto& [source, a] : by_source) {
        json m;
        std::string line;
        const double n = static_cast<double>(std::max<int64_t>(1, a.n));
        if (a.task == "grounding") {
            const vision::GroundingScore g = vision::score_grounding(a.grounding);
            m = {{"mean_iou", g.mean_iou}, {"recall_50", g.recall_50}, {"precision_50", g.precision_50}, {"ap50", g.ap50},
                 {"ap75", g.ap75}, {"map", g.map}};
            line = "mIoU=" + fmt(g.mean_iou) + " R@0.5=" + fmt(g.recall_50) + " AP50=" + fmt(g.ap50) + " AP75=" +
                   fmt(g.ap75) + " mAP@0.5:0.95=" + fmt(g.map);
        } else if (a.task == "ocr") {
            m = {{"cer", a.cer / n}, {"char_accuracy", a.char_acc / n}, {"word_accuracy", a.word_acc / n},
                 {"edit_distance_total", a.edit}, {"exact", a.exact / n}};
            line = "CER=" + fmt(a.cer / n) + " char_acc=" + fmt(a.char_acc / n) + " word_acc=" + fmt(a.word_acc / n) +
                   " edits=" + std::to_string(a.edit) + " exact=" + fmt(a.exact / n);
        } else {
            m = {{"exact_match", a.exact / n}};
            line = "exact_match=" + fmt(a.exact / n);
        }
        m["n"] = a.n;
        m["failed"] = a.n_failed;
        summary[source] = m;
        std::printf("%-10s %-9s %5lld  %s%s\n", source.c_str(), a.task.c_str(), static_cast<long long>(a.n), line.c_str(),
                    a.n_failed ? ("  (" + std::to_string(a.n_failed) + " without an answer)").c_str() : "");
    }
    std::printf("samples=%zu seconds=%.2f\n", samples.size(), secs);
    std::printf("summary_json=%s\n", summary.dump().c_str());
    return {};
}

}  // namespace farsight::cli
