// Whole-model golden test of the vision-language path against transformers (LLaVA-NeXT with a tiny
// MiniMax text model, scripts/vision/gen_tiny_vl.py): pixel values, packed image features and
// logits, for the checkpoint as transformers saves it (llava_next) and renamed to MiniMax-VL-01's
// key layout with MiniMax's preprocessing and floor unpadding (minimax).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "io/safetensors.h"
#include "io/safetensors_writer.h"
#include "io/weight_store.h"
#include "models/vision/vl_model.h"
#include "test_pattern.h"

namespace farsight {
namespace {

namespace fs = std::filesystem;

const std::string kDir = std::string(FARSIGHT_TEST_DATA) + "/fixtures/vision/tiny_vl";
constexpr double kLogitTol = 1e-4, kFeatureTol = 2e-5;

struct Ref {
    SafetensorsFile file;
    template <class T>
    std::vector<T> get(const std::string& name) const {
        const TensorInfo* t = file.find(name);
        EXPECT_TRUE(t) << name;
        if (!t) return {};
        std::vector<T> v(static_cast<size_t>(t->n_bytes / sizeof(T)));
        std::memcpy(v.data(), file.data(*t), t->n_bytes);
        return v;
    }
};

double max_abs_diff(const float* a, const float* b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; ++i) m = std::max(m, static_cast<double>(std::fabs(a[i] - b[i])));
    return m;
}

// The fixture's weights under MiniMax-VL-01 names (vision_tower.vision_model.*) in a temp folder.
fs::path minimax_copy() {
    const fs::path dir = fs::temp_directory_path() / ("farsight_tiny_vl01_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::copy_file(kDir + "/config_minimax_vl01.json", dir / "config.json", fs::copy_options::overwrite_existing);
    auto src = SafetensorsFile::open(kDir + "/model.safetensors");
    EXPECT_TRUE(src.ok());
    std::vector<TensorToWrite> out;
    for (const TensorInfo& t : src->tensors()) {
        std::string name = t.name;
        if (name.rfind("vision_tower.", 0) == 0) name = "vision_tower.vision_model." + name.substr(13);
        out.push_back({name, t.dtype, t.shape, {src->data(t), static_cast<size_t>(t.n_bytes)}});
    }
    EXPECT_TRUE(write_safetensors(dir / "model.safetensors", out).ok());
    return dir;
}

class VlGolden : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto r = SafetensorsFile::open(kDir + "/reference.safetensors");
        ASSERT_TRUE(r.ok()) << r.status().to_string();
        ref = std::make_unique<Ref>(Ref{std::move(r).value()});
        dir = GetParam() == "minimax" ? minimax_copy() : fs::path(kDir);
        auto m = VisionLanguageModel::load(dir);
        ASSERT_TRUE(m.ok()) << m.status().to_string();
        model = std::move(m).value();
    }
    void TearDown() override {
        if (GetParam() == "minimax") fs::remove_all(dir);
    }

    std::vector<vision::Rgb8Image> images() const {
        std::vector<vision::Rgb8Image> out;
        auto spec = ref->get<int32_t>("images");
        for (size_t i = 0; i + 3 < spec.size(); i += 4) out.push_back(vision::testing::pattern(spec[i], spec[i + 1], spec[i + 2], spec[i + 3]));
        return out;
    }

    ThreadPool pool{2};
    OpContext ctx{Device::cpu, &pool, nullptr};
    std::unique_ptr<Ref> ref;
    std::unique_ptr<VisionLanguageModel> model;
    fs::path dir;
};

TEST_P(VlGolden, PixelsFeaturesAndLogitsMatchTransformers) {
    const std::string v = GetParam();
    EXPECT_EQ(model->config().model_type, v == "minimax" ? "minimax_vl_01" : "llava_next");
    Workspace ws;
    std::vector<ImageFeatures> feats;
    const auto imgs = images();
    ASSERT_EQ(imgs.size(), 2u);
    const auto n_tokens = ref->get<int32_t>(v + ".n_tokens");
    for (size_t i = 0; i < imgs.size(); ++i) {
        auto pre = model->preprocess(imgs[i].view());
        ASSERT_TRUE(pre.ok()) << pre.status().to_string();
        const auto want_px = ref->get<float>(v + ".pixel_values." + std::to_string(i));
        ASSERT_EQ(pre->pixel_values.size(), want_px.size());
        EXPECT_EQ(max_abs_diff(pre->pixel_values.data(), want_px.data(), want_px.size()), 0.0) << "image " << i;
        EXPECT_EQ(pre->layout.n_tokens, n_tokens[i]);
        auto f = model->encode(ctx, ws, *pre);
        ASSERT_TRUE(f.ok()) << f.status().to_string();
        feats.push_back(std::move(f).value());
    }
    // Packed features of all images, concatenated as the reference's masked scatter consumes them.
    const auto want_feat = ref->get<float>(v + ".image_features");
    const int64_t e = model->config().text_n_embd;
    std::vector<float> got_feat;
    for (const auto& f : feats) got_feat.insert(got_feat.end(), f.rows.as<float>(), f.rows.as<float>() + f.n_tokens * e);
    ASSERT_EQ(got_feat.size(), want_feat.size());
    EXPECT_LE(max_abs_diff(got_feat.data(), want_feat.data(), got_feat.size()), kFeatureTol);

    // The prompt as a user writes it (one placeholder per image), expanded like the processor.
    const auto want_ids = ref->get<int32_t>(v + ".input_ids");
    std::vector<int32_t> placeholders;
    for (size_t i = 0; i < want_ids.size(); ++i)
        if (want_ids[i] != model->image_token_id() || i == 0 || want_ids[i - 1] != model->image_token_id())
            placeholders.push_back(want_ids[i]);
    auto ids = model->expand_image_tokens(placeholders, feats);
    ASSERT_TRUE(ids.ok()) << ids.status().to_string();
    ASSERT_EQ(*ids, want_ids);

    const auto want_logits = ref->get<float>(v + ".logits");
    const int64_t t = static_cast<int64_t>(ids->size()), nv = model->n_vocab();
    auto state = SequenceState::create(model->state_layout(), 256);
    ASSERT_TRUE(state.ok());
    std::vector<float> logits(static_cast<size_t>(t * nv));
    ImageCursor cursor;
    ASSERT_TRUE(model->forward_multimodal(ctx, *state, ws, *ids, feats, cursor, LogitsMode::all, logits.data()).ok());
    const double d = max_abs_diff(logits.data(), want_logits.data(), logits.size());
    EXPECT_LE(d, kLogitTol);
    std::printf("[ vl-golden ] %s: max |dlogit| = %.3g over %lld x %lld\n", v.c_str(), d, (long long)t, (long long)nv);
    EXPECT_EQ(cursor.image, feats.size());

    // Chunked prefill whose chunk borders cut through the image runs gives the same last logits.
    auto st2 = SequenceState::create(model->state_layout(), 256);
    ASSERT_TRUE(st2.ok());
    ImageCursor c2;
    std::vector<float> last(static_cast<size_t>(nv));
    for (int64_t p = 0; p < t; p += 9) {
        const auto chunk = std::span<const int32_t>(*ids).subspan(static_cast<size_t>(p), static_cast<size_t>(std::min<int64_t>(9, t - p)));
        ASSERT_TRUE(model->forward_multimodal(ctx, *st2, ws, chunk, feats, c2, LogitsMode::last, last.data()).ok());
    }
    EXPECT_LE(max_abs_diff(last.data(), want_logits.data() + (t - 1) * nv, static_cast<size_t>(nv)), kLogitTol);
}

TEST_P(VlGolden, RefusesPromptsThatDoNotMatchTheImages) {
    Workspace ws;
    const auto imgs = images();
    auto f = model->encode_image(ctx, ws, imgs[0].view());
    ASSERT_TRUE(f.ok());
    std::vector<ImageFeatures> one;
    one.push_back(std::move(f).value());
    const int32_t img = static_cast<int32_t>(model->image_token_id());
    EXPECT_EQ(model->expand_image_tokens(std::vector<int32_t>{1, img, 2, img}, one).status().code(), ErrorCode::invalid_argument);
    EXPECT_EQ(model->expand_image_tokens(std::vector<int32_t>{1, 2}, one).status().code(), ErrorCode::invalid_argument);
    auto state = SequenceState::create(model->state_layout(), 64);
    std::vector<float> logits(static_cast<size_t>(model->n_vocab()));
    EXPECT_EQ(model->forward(ctx, *state, ws, std::vector<int32_t>{1, img}, LogitsMode::last, logits.data()).code(),
              ErrorCode::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Variants, VlGolden, ::testing::Values("llava_next", "minimax"));

TEST(VlLoader, ReportsMissingAndUnexpectedTensors) {
    const fs::path dir = fs::temp_directory_path() / ("farsight_tiny_vl_bad_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::copy_file(kDir + "/config.json", dir / "config.json", fs::copy_options::overwrite_existing);
    auto src = SafetensorsFile::open(kDir + "/model.safetensors");
    ASSERT_TRUE(src.ok());
    std::vector<TensorToWrite> out;
    const float extra[4] = {1, 2, 3, 4};
    for (const TensorInfo& t : src->tensors())
        if (t.name != "multi_modal_projector.linear_2.bias")
            out.push_back({t.name, t.dtype, t.shape, {src->data(t), static_cast<size_t>(t.n_bytes)}});
    out.push_back({"vision_tower.stray.weight", DType::f32, {4}, {reinterpret_cast<const uint8_t*>(extra), 16}});
    ASSERT_TRUE(write_safetensors(dir / "model.safetensors", out).ok());
    auto m = VisionLanguageModel::load(dir);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.status().message().find("multi_modal_projector.linear_2.bias"), std::string::npos) << m.status().message();
    EXPECT_NE(m.status().message().find("vision_tower.stray.weight"), std::string::npos) << m.status().message();
    fs::remove_all(dir);
}

}  // namespace
}  // namespace farsight
