// The MiniMax fixtures on the GPU (label `gpu`; skipped without a device):
//  - fp32 compute (TF32 off): every fixture within its fp32 tolerance, identical greedy ids;
//  - bf16 compute: reports max |Δlogit| and top-1 agreement against the reference (bf16 is not
//    expected to meet the fp32 tolerance; the bound checked is loose, the figures are printed).
#include <gtest/gtest.h>

#include "api/model_impl.h"
#include "fixture_util.h"
#include "generate/sampler.h"

using namespace farsight;
namespace fx = farsight::testfx;

namespace {

struct Run {
    std::vector<float> prefill, decode;
    std::vector<int32_t> ids;
};

Result<Run> run(const std::string& dir, const std::string& precision, const std::vector<int32_t>& prompt, int n_decode) {
    LoadOptions lo;
    lo.device = "cuda";
    lo.precision = precision;
    FS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::load(dir, lo));
    const ModelImpl& mi = model->impl();
    const int64_t v = mi.info.n_vocab, t = static_cast<int64_t>(prompt.size());
    FS_ASSIGN_OR_RETURN(SequenceState state, SequenceState::create(mi.lm->state_layout(), t + n_decode + 1, mi.device(), mi.kv_dtype()));
    Workspace ws(mi.device());
    Run r;
    r.prefill.resize(static_cast<size_t>(t * v));
    // Two chunks: exercises chunked prefill with a carried state on the device.
    const int64_t half = t / 2;
    FS_RETURN_IF_ERROR(mi.lm->forward(mi.op_context(), state, ws, std::span<const int32_t>(prompt).subspan(0, half), LogitsMode::all,
                                      r.prefill.data()));
    FS_RETURN_IF_ERROR(mi.lm->forward(mi.op_context(), state, ws, std::span<const int32_t>(prompt).subspan(half), LogitsMode::all,
                                      r.prefill.data() + half * v));
    std::vector<float> step(static_cast<size_t>(v));
    int32_t tok = argmax(std::span<const float>(r.prefill).subspan(static_cast<size_t>((t - 1) * v)));
    for (int k = 0; k < n_decode; ++k) {
        r.ids.push_back(tok);
        const int32_t one[1] = {tok};
        FS_RETURN_IF_ERROR(mi.lm->forward(mi.op_context(), state, ws, one, LogitsMode::last, step.data()));
        r.decode.insert(r.decode.end(), step.begin(), step.end());
        tok = argmax(step);
    }
    return r;
}

class GpuGolden : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (gpu_count() == 0) GTEST_SKIP() << "no CUDA device";
    }
};

}  // namespace

TEST_P(GpuGolden, Fp32MatchesTheReferenceAndBf16StaysClose) {
    const std::string name = GetParam(), dir = fx::fixture_dir(name);
    auto ref_file = SafetensorsFile::open(dir + "/reference.safetensors");
    ASSERT_TRUE(ref_file.ok());
    fx::Reference ref{std::move(ref_file).value()};
    const auto prompt = ref.ids("input_ids");
    const auto want_prefill = ref.f32("logits_prefill"), want_decode = ref.f32("logits_decode");
    const auto want_ids = ref.ids("decode_ids");
    const fx::Tolerance tol = fx::tolerance(name);

    auto fp32 = run(dir, "fp32", prompt, static_cast<int>(want_ids.size()));
    ASSERT_TRUE(fp32.ok()) << fp32.status().to_string();
    const double d32p = fx::max_abs_diff(fp32->prefill.data(), want_prefill.data(), want_prefill.size());
    const double d32d = fx::max_abs_diff(fp32->decode.data(), want_decode.data(), want_decode.size());
    EXPECT_LE(d32p, tol.logits);
    EXPECT_LE(d32d, tol.logits);
    EXPECT_EQ(fp32->ids, want_ids);

    auto bf16 = run(dir, "bf16", prompt, static_cast<int>(want_ids.size()));
    ASSERT_TRUE(bf16.ok()) << bf16.status().to_string();
    const int64_t v = static_cast<int64_t>(want_prefill.size() / prompt.size());
    int agree = 0;
    for (size_t r = 0; r < prompt.size(); ++r) {
        const auto a = std::span<const float>(bf16->prefill).subspan(r * v, static_cast<size_t>(v));
        const auto b = std::span<const float>(want_prefill).subspan(r * v, static_cast<size_t>(v));
        agree += argmax(a) == argmax(b);
    }
    const double d16 = fx::max_abs_diff(bf16->prefill.data(), want_prefill.data(), want_prefill.size());
    const double top1 = double(agree) / double(prompt.size());
    std::printf("[ figures ] %s fp32: max|dlogit| prefill=%.3g decode=%.3g (tol %.3g) greedy=%s | bf16: max|dlogit|=%.3g top1=%.3f\n",
                name.c_str(), d32p, d32d, tol.logits, fp32->ids == want_ids ? "same" : "DIFFERENT", d16, top1);
    EXPECT_GT(top1, 0.8);  // the official code itself reaches 95% top-1 in bf16 on a2 (fixtures README)
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GpuGolden, ::testing::Values("a1-tiny-hybrid", "a2-tiny-bf16", "a3-hf-native"));
