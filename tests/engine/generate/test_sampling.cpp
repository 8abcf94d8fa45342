// Sampler and StopMatcher behaviour: greedy, determinism per seed, the truncation rules, the
// repetition penalty, and stop strings split across tokens (including multi-byte characters).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "generate/sampler.h"
#include "generate/stop_matcher.h"

using namespace farsight;

namespace {
std::vector<float> logits_from_probs(const std::vector<double>& p) {
    std::vector<float> l;
    for (double x : p) l.push_back(static_cast<float>(std::log(x)));
    return l;
}
std::map<int32_t, int> draw(SamplingParams sp, const std::vector<float>& logits, int n) {
    Sampler s(sp);
    std::map<int32_t, int> counts;
    for (int i = 0; i < n; ++i) {
        auto l = logits;
        counts[s.sample(l, {})]++;
    }
    return counts;
}
}  // namespace

TEST(Sampler, GreedyPicksTheArgmax) {
    SamplingParams sp;
    Sampler s(sp);
    std::vector<float> l = {0.1f, 3.0f, -1.0f, 2.9f};
    EXPECT_EQ(s.sample(l, {}), 1);
}

TEST(Sampler, SameSeedSameTokens) {
    SamplingParams sp;
    sp.temperature = 1.0f;
    sp.seed = 42;
    auto l = logits_from_probs({0.25, 0.25, 0.25, 0.25});
    Sampler a(sp), b(sp);
    for (int i = 0; i < 50; ++i) {
        auto la = l, lb = l;
        EXPECT_EQ(a.sample(la, {}), b.sample(lb, {}));
    }
}

TEST(Sampler, FollowsTheDistribution) {
    SamplingParams sp;
    sp.temperature = 1.0f;
    sp.seed = 7;
    auto counts = draw(sp, logits_from_probs({0.5, 0.3, 0.15, 0.05}), 20000);
    EXPECT_NEAR(counts[0] / 20000.0, 0.5, 0.02);
    EXPECT_NEAR(counts[1] / 20000.0, 0.3, 0.02);
    EXPECT_NEAR(counts[3] / 20000.0, 0.05, 0.01);
}

TEST(Sampler, TopKTopPMinPTruncate) {
    const auto l = logits_from_probs({0.5, 0.3, 0.15, 0.05});
    SamplingParams sp;
    sp.temperature = 1.0f;
    sp.top_k = 2;
    auto c = draw(sp, l, 3000);
    EXPECT_EQ(c.count(2) + c.count(3), 0u);
    sp.top_k = 0;
    sp.top_p = 0.75f;  // 0.5 + 0.3 passes 0.75: tokens 2 and 3 are cut
    c = draw(sp, l, 3000);
    EXPECT_EQ(c.count(2) + c.count(3), 0u);
    sp.top_p = 1.0f;
    sp.min_p = 0.2f;  // keeps p >= 0.1
    c = draw(sp, l, 3000);
    EXPECT_GT(c[2], 0);
    EXPECT_EQ(c.count(3), 0u);
}

TEST(Sampler, RepetitionPenaltyDemotesSeenTokens) {
    SamplingParams sp;
    sp.repetition_penalty = 2.0f;
    Sampler s(sp);
    std::vector<float> l = {2.0f, 1.5f, -1.0f};
    const int32_t hist[] = {0};
    EXPECT_EQ(s.sample(l, hist), 1);  // 2.0 / 2 = 1.0 < 1.5
    EXPECT_FLOAT_EQ(l[0], 1.0f);
}

TEST(Sampler, RejectsBadParameters) {
    SamplingParams sp;
    sp.top_p = 0.0f;
    EXPECT_EQ(validate_sampling(sp).code(), ErrorCode::invalid_argument);
    sp = {};
    sp.temperature = -1.0f;
    EXPECT_EQ(validate_sampling(sp).code(), ErrorCode::invalid_argument);
    sp = {};
    sp.temperature = NAN;
    EXPECT_FALSE(validate_sampling(sp).ok());
}

TEST(StopMatcher, HoldsBackAPossibleStopAndCutsBeforeIt) {
    StopMatcher m({"</answer>", "STOP"});
    EXPECT_EQ(m.push("Hello </"), "Hello ");
    EXPECT_EQ(m.push("ans"), "");
    EXPECT_EQ(m.push("wer> tail"), "");
    EXPECT_TRUE(m.stopped());
    EXPECT_EQ(m.push("more"), "");
}

TEST(StopMatcher, ReleasesHeldTextWhenItIsNotAStop) {
    StopMatcher m({"STOP"});
    EXPECT_EQ(m.push("ST"), "");
    EXPECT_EQ(m.push("ART"), "START");
    EXPECT_FALSE(m.stopped());
    EXPECT_EQ(m.push("ST"), "");
    EXPECT_EQ(m.flush(), "ST");
}

TEST(StopMatcher, NeverSplitsUtf8) {
    StopMatcher m({"\xC3\xA9!"});  // "é!"
    std::string out = m.push("caf\xC3\xA9");
    EXPECT_EQ(out, "caf");
    EXPECT_EQ(m.push(" ok"), "\xC3\xA9 ok");
}
