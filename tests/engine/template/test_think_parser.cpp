// ThinkParser: MiniMax-M1 replies split into reasoning / answer / tool calls, whatever the chunking.
#include <gtest/gtest.h>

#include "tokenizer/jinja/think_parser.h"

namespace farsight {
namespace {

struct Split {
    std::string reasoning, answer;
    std::vector<std::string> tool_names;
    int invalid = 0;
    std::vector<ThinkEvent::Kind> kinds;
};

Split run(const std::string& text, size_t chunk, ThinkParserOptions opt = {}) {
    ThinkParser p(opt);
    Split s;
    auto take = [&](const std::vector<ThinkEvent>& evs) {
        for (const auto& e : evs) {
            if (s.kinds.empty() || s.kinds.back() != e.kind || e.kind == ThinkEvent::Kind::tool_call) s.kinds.push_back(e.kind);
            if (e.kind == ThinkEvent::Kind::reasoning) s.reasoning += e.text;
            else if (e.kind == ThinkEvent::Kind::answer) s.answer += e.text;
            else if (e.kind == ThinkEvent::Kind::tool_call) s.tool_names.push_back(e.call["name"]);
            else ++s.invalid;
        }
    };
    for (size_t i = 0; i < text.size(); i += chunk) take(p.push(std::string_view(text).substr(i, chunk)));
    take(p.finish());
    EXPECT_EQ(p.reasoning(), s.reasoning);
    EXPECT_EQ(p.answer(), s.answer);
    return s;
}

TEST(ThinkParser, SplitsReasoningAndAnswerForAnyChunking) {
    const std::string reply = "<think>\nThe user greets me.\nI should answer politely.\n</think>\n\nHello! How can I help?";
    for (size_t chunk : {1, 2, 3, 7, 1000}) {
        Split s = run(reply, chunk);
        EXPECT_EQ(s.reasoning, "The user greets me.\nI should answer politely.") << chunk;
        EXPECT_EQ(s.answer, "Hello! How can I help?") << chunk;
        EXPECT_EQ(s.kinds, (std::vector<ThinkEvent::Kind>{ThinkEvent::Kind::reasoning, ThinkEvent::Kind::answer})) << chunk;
    }
}

TEST(ThinkParser, ReplyWithoutThinkingIsAllAnswer) {
    Split s = run("  Just an answer with a < sign and <thinking> word.", 4);
    EXPECT_EQ(s.reasoning, "");
    EXPECT_EQ(s.answer, "Just an answer with a < sign and <thinking> word.");
}

TEST(ThinkParser, PromptThatOpenedTheThinkBlock) {
    ThinkParserOptions opt;
    opt.start_in_reasoning = true;
    Split s = run("step 1\nstep 2\n</think>\nDone.", 3, opt);
    EXPECT_EQ(s.reasoning, "step 1\nstep 2");
    EXPECT_EQ(s.answer, "Done.");
}

TEST(ThinkParser, ToolCallBlocksAreParsed) {
    const std::string reply =
        "<think>\nNeed the weather.\n</think>\nLet me check.\n<tool_calls>\n"
        "{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Shanghai\"}}\n"
        "{\"name\": \"search\", \"arguments\": {\"query\": [\"a\"]}}\n"
        "not json\n"
        "</tool_calls>";
    for (size_t chunk : {1, 5, 4096}) {
        Split s = run(reply, chunk);
        EXPECT_EQ(s.reasoning, "Need the weather.");
        EXPECT_EQ(s.answer, "Let me check.");
        EXPECT_EQ(s.tool_names, (std::vector<std::string>{"get_current_weather", "search"})) << chunk;
        EXPECT_EQ(s.invalid, 1) << chunk;
    }
    ThinkParser p;
    auto evs = p.push("<tool_calls>\n{\"name\": \"f\", \"arguments\": {\"x\": 1}}\n</tool_calls>");
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].kind, ThinkEvent::Kind::tool_call);
    EXPECT_EQ(evs[0].call["arguments"]["x"], 1);
}

TEST(ThinkParser, EndMarkerStopsTheStream) {
    Split s = run("<think>r</think>answer<end_of_sentence>garbage <think>", 2);
    EXPECT_EQ(s.reasoning, "r");
    EXPECT_EQ(s.answer, "answer");
}

TEST(ThinkParser, UnterminatedBlocksAreFlushedAtFinish) {
    Split a = run("<think>still thinking", 3);
    EXPECT_EQ(a.reasoning, "still thinking");
    EXPECT_EQ(a.answer, "");
    Split b = run("ok <tool_calls>\n{\"name\": \"f\"}", 3);
    EXPECT_EQ(b.answer, "ok");
    EXPECT_EQ(b.tool_names, (std::vector<std::string>{"f"}));
}

TEST(ThinkParser, PartialTagAtChunkEndIsHeldBack) {
    ThinkParser p;
    auto e1 = p.push("<think>abc</th");
    ASSERT_EQ(e1.size(), 1u);
    EXPECT_EQ(e1[0].text, "abc");
    auto e2 = p.push("ink>x");
    ASSERT_EQ(e2.size(), 1u);
    EXPECT_EQ(e2[0].kind, ThinkEvent::Kind::answer);
    EXPECT_EQ(e2[0].text, "x");
}

}  // namespace
}  // namespace farsight
