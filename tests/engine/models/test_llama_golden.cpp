// Parity of the llama family against transformers: tiny random Llama (llama3 rope scaling), Qwen2
// (q/k/v biases, tied embeddings) and Mixtral (top-2 of 4 experts) checkpoints, each loaded from its
// safetensors folder and from the GGUF conversion (Q/K permuted → interleaved RoPE, stacked experts,
// rope_freqs), must reproduce the prompt logits and the greedy continuation of
// tests/fixtures/llama/tiny-*/reference.safetensors (scripts/parity/make_tiny_llama_family.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "fixture_util.h"
#include "io/safetensors.h"
#include "models/decoder_lm.h"
#include "models/model_factory.h"

using namespace farsight;

namespace {

const std::string kDir = std::string(FARSIGHT_TEST_DATA) + "/fixtures/llama/";

struct Param {
    const char* arch;
    const char* file;  // "" = the folder (safetensors)
};

class LlamaGolden : public ::testing::TestWithParam<Param> {
protected:
    ThreadPool pool{2};
    OpContext ctx{Device::cpu, &pool, nullptr};
};

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}
void write_file(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

int32_t argmax(const float* v, int64_t n) { return static_cast<int32_t>(std::max_element(v, v + n) - v); }

}  // namespace

TEST_P(LlamaGolden, PromptLogitsAndGreedyContinuation) {
    const Param p = GetParam();
    const std::string dir = kDir + "tiny-" + p.arch;
    auto loaded = load_causal_lm(std::string(p.file).empty() ? dir : dir + "/" + p.file);
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    const CausalLM& lm = *loaded->lm;
    EXPECT_EQ(lm.architecture(), p.arch);
    auto ref_file = SafetensorsFile::open(dir + "/reference.safetensors");
    ASSERT_TRUE(ref_file.ok());
    testfx::Reference ref{std::move(ref_file).value()};
    const std::vector<int32_t> ids = ref.ids("input_ids"), greedy = ref.ids("greedy_ids");
    const std::vector<float> want = ref.f32("logits"), want_greedy = ref.f32("greedy_logits");
    const int64_t t = static_cast<int64_t>(ids.size()), v = lm.n_vocab();
    ASSERT_EQ(static_cast<int64_t>(want.size()), t * v);

    auto state = SequenceState::create(lm.state_layout(), 64);
    ASSERT_TRUE(state.ok());
    Workspace ws;
    std::vector<float> logits(static_cast<size_t>(t * v));
    // Prefill in two chunks so the KV cache append path is exercised too.
    const int64_t t1 = 5;
    ASSERT_TRUE(lm.forward(ctx, *state, ws, std::span(ids).subspan(0, t1), LogitsMode::all, logits.data()).ok());
    ASSERT_TRUE(lm.forward(ctx, *state, ws, std::span(ids).subspan(t1), LogitsMode::all, logits.data() + t1 * v).ok());
    double max_err = 0;
    for (size_t i = 0; i < want.size(); ++i) max_err = std::max(max_err, std::fabs(double(logits[i]) - want[i]));
    EXPECT_LT(max_err, 2e-4) << "prompt logits";

    // Greedy decode, one token at a time, as the generator runs it.
    std::vector<float> step(static_cast<size_t>(v));
    int32_t next = argmax(logits.data() + (t - 1) * v, v);
    double max_step_err = 0;
    for (size_t i = 0; i < greedy.size(); ++i) {
        ASSERT_EQ(next, greedy[i]) << "greedy token " << i;
        const int32_t tok[] = {next};
        ASSERT_TRUE(lm.forward(ctx, *state, ws, tok, LogitsMode::last, step.data()).ok());
        if (i + 1 < greedy.size())
            for (int64_t j = 0; j < v; ++j)
                max_step_err = std::max(max_step_err, std::fabs(double(step[static_cast<size_t>(j)]) - want_greedy[(i + 1) * v + j]));
        next = argmax(step.data(), v);
    }
    EXPECT_LT(max_step_err, 2e-4) << "decode logits";
    std::printf("[ %s %s ] max |logit error| prompt=%.2e decode=%.2e\n", p.arch, p.file[0] ? p.file : "safetensors", max_err,
                max_step_err);
}

INSTANTIATE_TEST_SUITE_P(Tiny, LlamaGolden,
                         ::testing::Values(Param{"llama", ""}, Param{"llama", "model.gguf"}, Param{"qwen2", ""},
                                           Param{"qwen2", "model.gguf"}, Param{"mixtral", ""}, Param{"mixtral", "model.gguf"}),
                         [](const ::testing::TestParamInfo<Param>& i) {
                             return std::string(i.param.arch) + (i.param.file[0] ? "_gguf" : "_safetensors");
                         });

TEST(LlamaLoad, WrongShapesAndMissingTensorsAreReportedTogether) {
    // A config that does not match the weights: every mismatch is named before anything runs.
    const std::string dir = kDir + "tiny-llama";
    std::string cfg = read_file(dir + "/config.json");
    auto pos = cfg.find("\"intermediate_size\": 96");
    ASSERT_NE(pos, std::string::npos);
    cfg.replace(pos, 23, "\"intermediate_size\": 64");
    const std::string tmp = std::string(FARSIGHT_BINARY_DIR) + "/test_scratch/llama_bad_cfg";
    std::filesystem::create_directories(tmp);
    write_file(tmp + "/config.json", cfg);
    std::filesystem::copy_file(dir + "/model.safetensors", tmp + "/model.safetensors",
                               std::filesystem::copy_options::overwrite_existing);
    auto r = load_causal_lm(tmp);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::bad_shape);
    EXPECT_NE(r.status().message().find("6 problem(s)"), std::string::npos) << r.status().message();
}

TEST(LlamaLoad, UnsupportedArchitecturesAreNamed) {
    const std::string tmp = std::string(FARSIGHT_BINARY_DIR) + "/test_scratch/llama_unsupported";
    std::filesystem::create_directories(tmp);
    write_file(tmp + "/config.json", R"({"model_type": "gemma2", "hidden_size": 8})");
    auto r = load_causal_lm(tmp);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::unsupported);
    EXPECT_NE(r.status().message().find("gemma2"), std::string::npos);
}
