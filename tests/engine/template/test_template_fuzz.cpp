// Robustness: thousands of deterministic mutations of the real chat templates (deleted, duplicated
// and injected fragments) are parsed and rendered under tight limits. Every outcome must be a
// rendered string or a typed error; run it sanitized to catch memory errors. Set
// FARSIGHT_TEMPLATE_FUZZ_ITERS for a longer run.
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "tokenizer/jinja/render_chat.h"
#include "tokenizer/jinja/template.h"

namespace farsight {
namespace {

using nlohmann::ordered_json;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(TemplateFuzz, MutatedRealTemplatesNeverCrash) {
    const std::string dir = std::string(FARSIGHT_TEST_DATA) + "/fixtures/templates/";
    ordered_json manifest = ordered_json::parse(read_file(dir + "manifest.json"));
    ordered_json goldens = ordered_json::parse(read_file(dir + "chat_goldens.json"));
    ordered_json messages, tools;
    for (const auto& c : goldens["cases"])
        if (c["conversation"] == "tools_call_dict_args") { messages = c["messages"]; tools = c["tools"]; break; }
    ASSERT_FALSE(messages.is_null());

    const char* fragments[] = {"{%", "%}", "{{", "}}", "{#", "#}", "-%}", "{%-", "(", ")", "[", "]", "{", "}", "'", "\"",
                               "|", ".", ",", " if ", " else ", " for x in ", "endfor", "endif", " not ", "**", "~",
                               "\\", "\n", "é", "\xF0\x9F\x98\x80", "loop", "ns.x", "range(99999)", "* 99999"};
    const char* env_iters = std::getenv("FARSIGHT_TEMPLATE_FUZZ_ITERS");
    const int iters = env_iters ? std::atoi(env_iters) : 200;
    std::mt19937 rng(1234);
    TemplateLimits limits;
    limits.max_steps = 200000;
    limits.max_seconds = 0.2;
    limits.max_output_bytes = 1 << 20;
    int rendered = 0, refused = 0;
    for (const auto& m : manifest) {
        const std::string source = read_file(dir + m["file"].get<std::string>());
        for (int i = 0; i < iters; ++i) {
            std::string s = source;
            int n_mut = 1 + static_cast<int>(rng() % 3);
            for (int k = 0; k < n_mut && !s.empty(); ++k) {
                size_t a = rng() % s.size(), len = 1 + rng() % 16;
                switch (rng() % 3) {
                    case 0: s.erase(a, len); break;
                    case 1: s.insert(a, s.substr(a, len)); break;
                    default: s.insert(a, fragments[rng() % (sizeof(fragments) / sizeof(fragments[0]))]); break;
                }
            }
            ChatRenderOptions opt;
            opt.limits = limits;
            opt.tools = tools;
            opt.bos_token = "<s>";
            Result<std::string> r = render_chat(s, messages, opt);
            if (r.ok()) {
                ++rendered;
            } else {
                ++refused;
                ErrorCode c = r.status().code();
                EXPECT_TRUE(c == ErrorCode::invalid_argument || c == ErrorCode::limit_exceeded || c == ErrorCode::unsupported)
                    << r.status().to_string();
                EXPECT_FALSE(r.status().message().empty());
            }
        }
    }
    EXPECT_GT(rendered, 0);
    EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace farsight
