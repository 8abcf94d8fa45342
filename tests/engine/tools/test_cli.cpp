// farsight-cli end to end: eval-logits reproduces every MiniMax fixture (max |Δlogit| within the
// fixture's tolerance, identical greedy ids); bad usage and bad input give one stderr line and a
// non-zero exit, never a crash; tokenize prints one JSON array.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "../models/fixture_util.h"

using namespace farsight;
namespace fx = farsight::testfx;
namespace fs = std::filesystem;

namespace {

struct CliRun {
    int code = -1;
    std::string out, err;
};

CliRun run_cli(const std::string& args) {
    const fs::path err_file = fs::temp_directory_path() / ("fs_cli_err_" + std::to_string(::getpid()));
    const std::string cmd = std::string(FARSIGHT_CLI) + " " + args + " 2>" + err_file.string();
    CliRun r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::ifstream f(err_file);
    r.err.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    fs::remove(err_file);
    return r;
}

class EvalLogits : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(EvalLogits, ReproducesTheFixture) {
    const std::string name = GetParam(), dir = fx::fixture_dir(name);
    const fs::path out = fs::temp_directory_path() / ("fs_eval_" + name + ".safetensors");
    CliRun r = run_cli("eval-logits --model " + dir + " --input " + dir + "/reference.safetensors --output " + out.string() +
                    " --decode 8 --chunk 128");
    ASSERT_EQ(r.code, 0) << r.err;
    auto ref_file = SafetensorsFile::open(dir + "/reference.safetensors");
    auto got_file = SafetensorsFile::open(out);
    ASSERT_TRUE(ref_file.ok() && got_file.ok());
    fx::Reference ref{std::move(ref_file).value()}, got{std::move(got_file).value()};
    const fx::Tolerance tol = fx::tolerance(name);
    const auto a = got.f32("logits_prefill"), b = ref.f32("logits_prefill");
    ASSERT_EQ(a.size(), b.size());
    const double d_prefill = fx::max_abs_diff(a.data(), b.data(), a.size());
    const auto c = got.f32("logits_decode"), d = ref.f32("logits_decode");
    ASSERT_EQ(c.size(), d.size());
    const double d_decode = fx::max_abs_diff(c.data(), d.data(), c.size());
    EXPECT_LE(d_prefill, tol.logits);
    EXPECT_LE(d_decode, tol.logits);
    EXPECT_EQ(got.ids("decode_ids"), ref.ids("decode_ids"));
    std::printf("[ figures ] %s max|dlogit| prefill=%.3g decode=%.3g (tolerance %.3g)\n", name.c_str(), d_prefill, d_decode, tol.logits);
    fs::remove(out);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, EvalLogits, ::testing::Values("a1-tiny-hybrid", "a2-tiny-bf16", "a3-hf-native"));

TEST(Cli, BadUsageAndBadInputFailCleanly) {
    const std::string a2 = fx::fixture_dir("a2-tiny-bf16");
    for (const std::string& args : std::vector<std::string>{std::string(""), std::string("no-such-command"), std::string("eval-logits"),
                                    "eval-logits --model " + a2, "eval-logits --model /nonexistent --input x --output y",
                                    "eval-logits --model " + a2 + " --input " + a2 + "/config.json --output /tmp/x",
                                    "generate --model " + a2 + " --max-tokens -3 --prompt hi",
                                    "generate --model " + a2 + " --bogus 1", "tokenize --model /nonexistent --text-file /x"}) {
        CliRun r = run_cli(args);
        EXPECT_NE(r.code, 0) << args;
        EXPECT_LT(r.code, 128) << "crashed: " << args;
        EXPECT_FALSE(r.err.empty()) << args;
    }
    // A prompt id outside the vocabulary is refused with a message naming it.
    const fs::path in = fs::temp_directory_path() / "fs_bad_ids.safetensors";
    {
        // safetensors with input_ids = [5, 100000]
        const std::string header = R"({"input_ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})";
        std::string h = header;
        while ((h.size() + 8) % 8) h += ' ';
        uint64_t len = h.size();
        std::ofstream f(in, std::ios::binary);
        f.write(reinterpret_cast<const char*>(&len), 8);
        f << h;
        int64_t ids[2] = {5, 100000};
        f.write(reinterpret_cast<const char*>(ids), 16);
    }
    CliRun r = run_cli("eval-logits --model " + a2 + " --input " + in.string() + " --output /tmp/fs_never.safetensors");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("100000"), std::string::npos) << r.err;
    fs::remove(in);
}

TEST(Cli, TokenizePrintsOneJsonArray) {
    const fs::path text = fs::temp_directory_path() / "fs_tok.txt";
    std::ofstream(text) << "Hello, world! <end_of_sentence>\r\n  x";
    CliRun r = run_cli("tokenize --model " + fx::fixture_dir("a1-tiny-hybrid") + " --text-file " + text.string());
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_GE(r.out.size(), 3u);
    EXPECT_EQ(r.out.front(), '[');
    EXPECT_NE(r.out.find(" 1,"), std::string::npos) << "the special token <end_of_sentence> (id 1) is in the text: " << r.out;
    fs::remove(text);
}

TEST(Cli, GenerateStreamsAndReportsSpeed) {
    CliRun r = run_cli("generate --model " + fx::fixture_dir("a2-tiny-bf16") + " --prompt \"Hello there\" --max-tokens 12 --seed 3 --temperature 0.8");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("prefill_tok_s="), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("decode_tok_s="), std::string::npos) << r.err;
}
