// Hostile templates (reliability.md): each must abort within 1 s with ErrorCode::limit_exceeded,
// at parse time (source size, nesting) or while rendering (steps, depth, output, time). Also checks
// that a realistic long conversation stays far inside the default limits.
#include <chrono>
#include <cstdio>

#include <gtest/gtest.h>

#include "tokenizer/jinja/render_chat.h"
#include "tokenizer/jinja/template.h"

namespace farsight {
namespace {

using nlohmann::ordered_json;

struct Hostile {
    const char* name;
    std::string source;
};

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

TEST(TemplateLimits, HostileTemplatesAbortQuicklyWithLimitExceeded) {
    const std::vector<Hostile> cases = {
        {"nested huge loops", "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}"},
        {"range beyond MAX_RANGE", "{% for i in range(10**9) %}{% endfor %}"},
        {"infinite macro recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"},
        {"mutual macro recursion", "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}"},
        {"string bomb", "{{ 'x' * 10**10 }}"},
        {"list bomb", "{{ ([1] * 10**9)|length }}"},
        {"nested list bomb", "{{ ([[1] * 100000] * 100000)|tojson }}"},
        {"string doubling", "{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"},
        {"output bomb", "{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}"},
        {"quadratic dict growth", "{% set ns = namespace(d={}) %}{% for i in range(100000) %}{% set ns.d = dict(ns.d, **{'k' ~ i: i}) %}{% endfor %}"},
        {"deep brackets", "{{ " + repeat("(", 100000) + "1" + repeat(")", 100000) + " }}"},
        {"deep lists", "{{ " + repeat("[", 50000) + repeat("]", 50000) + " }}"},
        {"deep blocks", repeat("{% if true %}", 20000) + repeat("{% endif %}", 20000)},
        {"long not chain", "{{ " + repeat("not ", 100000) + "1 }}"},
        {"long minus chain", "{{ " + repeat("-", 100000) + "1 }}"},
        {"long + chain", "{{ " + repeat("1 + ", 200000) + "1 }}"},
        {"long and chain", "{{ " + repeat("x and ", 150000) + "x }}"},
        {"long attribute chain", "{{ x" + repeat(".a", 300000) + " }}"},
        {"long subscript chain", "{{ x" + repeat("[0]", 200000) + " }}"},
        {"long filter chain", "{{ x" + repeat("|upper", 100000) + " }}"},
        {"long ternary chain", "{{ 1" + repeat(" if 1 else 2", 80000) + " }}"},
        {"huge source", "{{ 'a' }}" + std::string(size_t{2} << 20, ' ')},
        {"replace bomb", "{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s.replace('a', 'aa') %}{% endfor %}"},
        {"tojson indent bomb", "{{ [[[[[1]]]]]|tojson(indent=10**7) }}"},
        {"join bomb", "{{ (range(100000)|list * 100)|join(',') }}"},
    };
    for (const auto& c : cases) {
        auto t0 = std::chrono::steady_clock::now();
        Result<std::string> r = render_template(c.source, ordered_json::object());
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ASSERT_FALSE(r.ok()) << c.name;
        EXPECT_EQ(r.status().code(), ErrorCode::limit_exceeded) << c.name << ": " << r.status().to_string();
        EXPECT_LT(secs, 1.0) << c.name;
        std::printf("  %-26s %.3f s  %s\n", c.name, secs, r.status().message().substr(0, 70).c_str());
    }
}

TEST(TemplateLimits, StepAndOutputLimitsAreConfigurable) {
    TemplateLimits tight;
    tight.max_steps = 1000;
    Result<std::string> r = render_template("{% for i in range(10000) %}{% endfor %}", ordered_json::object(), tight);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::limit_exceeded);

    TemplateLimits small_out;
    small_out.max_output_bytes = 100;
    Result<std::string> o = render_template("{{ 'x' * 101 }}", ordered_json::object(), small_out);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().code(), ErrorCode::limit_exceeded);
    Result<std::string> fits = render_template("{{ 'x' * 100 }}", ordered_json::object(), small_out);
    ASSERT_TRUE(fits.ok());

    TemplateLimits shallow;
    shallow.max_depth = 8;
    Result<Template> p = Template::parse("{{ ((((((((((1)))))))))) }}", shallow);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), ErrorCode::limit_exceeded);
}

TEST(TemplateLimits, TimeLimitStopsSlowRenders) {
    TemplateLimits quick;
    quick.max_steps = int64_t{1} << 60;  // only the clock can stop it
    quick.max_seconds = 0.05;
    auto t0 = std::chrono::steady_clock::now();
    Result<std::string> r = render_template(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", ordered_json::object(), quick);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::limit_exceeded);
    EXPECT_NE(r.status().message().find("time"), std::string::npos) << r.status().to_string();
    EXPECT_LT(secs, 0.5);
}

TEST(TemplateLimits, LongRealisticConversationFitsTheDefaults) {
    // MiniMax-M1-style template over 2,000 messages with tools and a 1 MB document.
    const char* src =
        "{{ '<begin_of_document>' -}}{% set ns = namespace(system_prompt='') -%}{% for message in messages -%}"
        "{% if message['role'] == 'system' -%}{% set ns.system_prompt = ns.system_prompt + message['content'][0]['text'] -%}"
        "{% endif -%}{%- endfor -%}{% if tools -%}{% for tool in tools -%}{{ tool | tojson ~ '\n' -}}{%- endfor -%}{%- endif -%}"
        "{% for message in messages -%}{% if message['role'] == 'user' -%}{{ 'user: ' + message['content'][0]['text'] + '\n' -}}"
        "{% elif message['role'] == 'assistant' -%}{% for content in message['content'] | selectattr('type', 'equalto', 'text') -%}"
        "{{ content['text'] -}}{%- endfor -%}{% endif -%}{%- endfor -%}";
    ordered_json msgs = ordered_json::array();
    msgs.push_back({{"role", "system"}, {"content", std::string(1 << 20, 'd')}});
    for (int i = 0; i < 2000; ++i)
        msgs.push_back({{"role", i % 2 ? "assistant" : "user"}, {"content", "message number " + std::to_string(i)}});
    ChatRenderOptions opt;
    opt.tools = ordered_json::array({{{"name", "f"}, {"parameters", {{"type", "object"}}}}});
    auto t0 = std::chrono::steady_clock::now();
    Result<std::string> r = render_chat(src, msgs, opt);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_GT(r->size(), 2000u * 10);
    EXPECT_LT(secs, 0.5);
}

}  // namespace
}  // namespace farsight
