// Golden tests: the MiniMax text forward pass against logits, hidden states, the layer-0
// lightning state and greedy decode produced by MiniMax's official modeling code
// (tests/fixtures/minimax-text, tolerances from each fixture's meta.json).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "fixture_util.h"
#include "generate/generator.h"
#include "generate/sampler.h"
#include "io/model_config.h"
#include "kv/snapshot.h"
#include "models/minimax_text.h"

using namespace farsight;
namespace fx = farsight::testfx;

namespace {

struct Loaded {
    std::shared_ptr<WeightStore> store;
    std::unique_ptr<MiniMaxText> model;
};

Loaded load(const std::string& dir) {
    auto cfg = load_model_config(dir + "/config.json");
    EXPECT_TRUE(cfg.ok()) << cfg.status().to_string();
    auto store = WeightStore::open(dir);
    EXPECT_TRUE(store.ok()) << store.status().to_string();
    auto shared = std::make_shared<WeightStore>(std::move(store).value());
    auto model = MiniMaxText::create(cfg.value(), shared);
    EXPECT_TRUE(model.ok()) << model.status().to_string();
    return {shared, std::move(model).value()};
}

class MiniMaxGolden : public ::testing::TestWithParam<std::string> {
protected:
    ThreadPool pool{2};
    OpContext ctx{Device::cpu, &pool, nullptr};
};

}  // namespace

TEST_P(MiniMaxGolden, PrefillHiddenStateAndGreedyDecode) {
    const std::string name = GetParam();
    const std::string dir = fx::fixture_dir(name);
    Loaded m = load(dir);
    ASSERT_TRUE(m.model);
    auto ref_file = SafetensorsFile::open(dir + "/reference.safetensors");
    ASSERT_TRUE(ref_file.ok());
    fx::Reference ref{std::move(ref_file).value()};
    const fx::Tolerance tol = fx::tolerance(name);
    const auto ids = ref.ids("input_ids");
    const auto want_logits = ref.f32("logits_prefill");
    const int64_t t = static_cast<int64_t>(ids.size()), v = m.model->n_vocab();
    ASSERT_EQ(static_cast<int64_t>(want_logits.size()), t * v);

    auto state = SequenceState::create(m.model->state_layout(), 4096);
    ASSERT_TRUE(state.ok());
    Workspace ws;
    std::vector<float> logits(static_cast<size_t>(t * v));
    std::vector<std::vector<float>> hidden;
    m.model->capture_hidden(&hidden, 4);
    ASSERT_TRUE(m.model->forward(ctx, *state, ws, ids, LogitsMode::all, logits.data()).ok());
    m.model->capture_hidden(nullptr, 0);
    EXPECT_LE(fx::max_abs_diff(logits.data(), want_logits.data(), logits.size()), tol.logits);
    for (int64_t r = 0; r < t; ++r) {
        const auto row = std::span<const float>(logits).subspan(static_cast<size_t>(r * v), static_cast<size_t>(v));
        const auto want = std::span<const float>(want_logits).subspan(static_cast<size_t>(r * v), static_cast<size_t>(v));
        ASSERT_EQ(argmax(row), argmax(want)) << "prompt position " << r;
    }
    for (size_t l = 0; l < hidden.size(); ++l) {
        auto want = ref.f32("hidden_after_layer_" + std::to_string(l));
        ASSERT_EQ(want.size(), hidden[l].size());
        EXPECT_LE(fx::max_abs_diff(hidden[l].data(), want.data(), want.size()), tol.hidden) << "layer " << l;
    }
    auto want_state = ref.f32("final_state_layer_0");
    ASSERT_EQ(want_state.size(), state->layer(0).recurrent.size() / 4);
    EXPECT_LE(fx::max_abs_diff(state->recurrent(0), want_state.data(), want_state.size()), tol.state);

    // Greedy decode through the cached path.
    const auto want_ids = ref.ids("decode_ids");
    const auto want_decode = ref.f32("logits_decode");
    std::vector<float> step(static_cast<size_t>(v));
    int32_t tok = argmax(std::span<const float>(logits).subspan(static_cast<size_t>((t - 1) * v)));
    for (size_t k = 0; k < want_ids.size(); ++k) {
        ASSERT_EQ(tok, want_ids[k]) << "decode step " << k;
        const int32_t one[1] = {tok};
        ASSERT_TRUE(m.model->forward(ctx, *state, ws, one, LogitsMode::last, step.data()).ok());
        EXPECT_LE(fx::max_abs_diff(step.data(), want_decode.data() + k * v, static_cast<size_t>(v)), tol.logits) << "step " << k;
        tok = argmax(step);
    }
}

TEST_P(MiniMaxGolden, ChunkedPrefillEqualsOneShot) {
    const std::string dir = fx::fixture_dir(GetParam());
    Loaded m = load(dir);
    auto ref_file = SafetensorsFile::open(dir + "/reference.safetensors");
    fx::Reference ref{std::move(ref_file).value()};
    const auto ids = ref.ids("input_ids");
    const auto want = ref.f32("logits_prefill");
    const int64_t v = m.model->n_vocab();
    auto state = SequenceState::create(m.model->state_layout(), 4096);
    Workspace ws;
    std::vector<float> last(static_cast<size_t>(v));
    Generator gen(*m.model, ctx);
    ASSERT_TRUE(gen.prefill(*state, ws, ids, 37, nullptr, {}, &last).ok());
    EXPECT_EQ(state->n_past(), static_cast<int64_t>(ids.size()));
    EXPECT_LE(fx::max_abs_diff(last.data(), want.data() + (ids.size() - 1) * v, static_cast<size_t>(v)),
              fx::tolerance(GetParam()).logits);
}

TEST_P(MiniMaxGolden, SnapshotResumeEqualsUninterruptedRun) {
    const std::string dir = fx::fixture_dir(GetParam());
    Loaded m = load(dir);
    auto ref_file = SafetensorsFile::open(dir + "/reference.safetensors");
    fx::Reference ref{std::move(ref_file).value()};
    const auto ids = ref.ids("input_ids");
    const int64_t v = m.model->n_vocab();
    const auto half = std::span<const int32_t>(ids).subspan(0, ids.size() / 2);
    const auto rest = std::span<const int32_t>(ids).subspan(ids.size() / 2);
    Workspace ws;
    std::vector<float> a(static_cast<size_t>(v)), b(static_cast<size_t>(v));

    auto s1 = SequenceState::create(m.model->state_layout(), 4096);
    ASSERT_TRUE(m.model->forward(ctx, *s1, ws, half, LogitsMode::none, nullptr).ok());
    const auto path = std::filesystem::temp_directory_path() / ("fs_snapshot_" + GetParam() + ".bin");
    ASSERT_TRUE(save_snapshot(path, *s1, m.model->identity()).ok());
    ASSERT_TRUE(m.model->forward(ctx, *s1, ws, rest, LogitsMode::last, a.data()).ok());

    auto s2 = SequenceState::create(m.model->state_layout(), 4096);
    Status st = load_snapshot(path, *s2, m.model->identity());
    ASSERT_TRUE(st.ok()) << st.to_string();
    EXPECT_EQ(s2->tokens(), std::vector<int32_t>(half.begin(), half.end()));
    ASSERT_TRUE(m.model->forward(ctx, *s2, ws, rest, LogitsMode::last, b.data()).ok());
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * 4)) << "resumed run differs from the uninterrupted run";

    // Another model's snapshot is refused; a corrupted one is detected; the state stays usable.
    auto s3 = SequenceState::create(m.model->state_layout(), 4096);
    EXPECT_EQ(load_snapshot(path, *s3, "minimax_text:another-model").code(), ErrorCode::mismatch);
    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(200);
        char c = 0x5a;
        f.write(&c, 1);
    }
    EXPECT_EQ(load_snapshot(path, *s3, m.model->identity()).code(), ErrorCode::bad_header);
    std::filesystem::resize_file(path, 100);
    EXPECT_NE(load_snapshot(path, *s3, m.model->identity()).code(), ErrorCode::ok);
    EXPECT_EQ(s3->n_past(), 0);
    std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MiniMaxGolden, ::testing::Values("a1-tiny-hybrid", "a2-tiny-bf16", "a3-hf-native"));

TEST(MiniMaxHfNative, NativeSchemaFolderMatchesTheOfficialReference) {
    // transformers' own save_pretrained output: native config keys, extra decay buffers (ignored).
    ThreadPool pool(2);
    OpContext ctx{Device::cpu, &pool, nullptr};
    const std::string dir = fx::fixture_dir("a3-hf-native");
    Loaded m = load(dir + "/hf-native");
    ASSERT_TRUE(m.model);
    EXPECT_EQ(m.model->config().rotary_dim, m.model->config().head_dim);
    auto ref_file = SafetensorsFile::open(dir + "/reference.safetensors");
    fx::Reference ref{std::move(ref_file).value()};
    const auto ids = ref.ids("input_ids");
    const int64_t t = static_cast<int64_t>(ids.size()), v = m.model->n_vocab();
    auto state = SequenceState::create(m.model->state_layout(), 4096);
    Workspace ws;
    std::vector<float> logits(static_cast<size_t>(t * v));
    ASSERT_TRUE(m.model->forward(ctx, *state, ws, ids, LogitsMode::all, logits.data()).ok());
    const auto want = ref.f32("logits_prefill");
    EXPECT_LE(fx::max_abs_diff(logits.data(), want.data(), want.size()), fx::tolerance("a3-hf-native").logits);
}
