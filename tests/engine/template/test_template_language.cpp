// Unit tests of the template API beyond the jinja2 goldens: error positions, strftime_now, the
// content-form rule, render_chat's context (null dropping, reasoning aliases, parts conversion),
// JSON key order, context validation.
#include <ctime>

#include <gtest/gtest.h>

#include "tokenizer/jinja/render_chat.h"
#include "tokenizer/jinja/template.h"

namespace farsight {
namespace {

using nlohmann::ordered_json;

std::string render_ok(std::string_view src, const ordered_json& ctx = ordered_json::object()) {
    Result<std::string> r = render_template(src, ctx);
    EXPECT_TRUE(r.ok()) << src << ": " << r.status().to_string();
    return r.ok() ? *r : std::string();
}

TEST(TemplateLanguage, ParsedTemplateRendersManyTimes) {
    Result<Template> t = Template::parse("{% for m in messages %}{{ m }};{% endfor %}{{ n }}");
    ASSERT_TRUE(t.ok());
    for (int i = 0; i < 3; ++i) {
        ordered_json ctx = {{"messages", ordered_json::array({i, i + 1})}, {"n", i}};
        Result<std::string> r = t->render(ctx);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(*r, std::to_string(i) + ";" + std::to_string(i + 1) + ";" + std::to_string(i));
    }
}

TEST(TemplateLanguage, SyntaxErrorsCarryLineAndColumn) {
    Result<Template> t = Template::parse("hello\n  {{ 1 + }}");
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), ErrorCode::invalid_argument);
    EXPECT_NE(t.status().message().find("syntax error at 2:10"), std::string::npos) << t.status().to_string();

    Result<Template> u = Template::parse("{% for x in y %}\n{% endif %}");
    ASSERT_FALSE(u.ok());
    EXPECT_NE(u.status().message().find("at 2:4"), std::string::npos) << u.status().to_string();

    Result<Template> v = Template::parse("{% if true %}\n\nnever closed");
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.status().message().find("endif"), std::string::npos) << v.status().to_string();
}

TEST(TemplateLanguage, RuntimeErrorsCarryLineAndColumn) {
    Result<std::string> r = render_template("x\n  {{ missing.attr }}", ordered_json::object());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::invalid_argument);
    EXPECT_NE(r.status().message().find("template error at 2:13"), std::string::npos) << r.status().to_string();
    EXPECT_NE(r.status().message().find("'missing' is undefined"), std::string::npos) << r.status().to_string();
}

TEST(TemplateLanguage, RaiseExceptionIsInvalidArgumentWithMessage) {
    Result<std::string> r = render_template("{{ raise_exception('Only user and assistant roles!') }}", ordered_json::object());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::invalid_argument);
    EXPECT_NE(r.status().message().find("Only user and assistant roles!"), std::string::npos);
}

TEST(TemplateLanguage, StrftimeNowFormatsLocalTime) {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char year[16];
    std::strftime(year, sizeof(year), "%Y", &tm);
    std::string out = render_ok("{{ strftime_now('%Y') }}|{{ strftime_now('%d %b %Y')|length }}|{{ strftime_now('%f')|length }}");
    EXPECT_EQ(out.substr(0, 4), year);
    EXPECT_EQ(out.substr(4), "|11|6");
}

TEST(TemplateLanguage, UnsafeMethodsAreRefused) {
    for (const char* src : {"{% set l = [1] %}{{ l.append(2) }}", "{{ {'a': 1}.pop('a') }}", "{{ [3, 1].sort() }}",
                            "{{ ''.__class__.__mro__ }}"}) {
        Result<std::string> r = render_template(src, ordered_json::object());
        ASSERT_FALSE(r.ok()) << src;
        EXPECT_NE(r.status().message().find("unsafe"), std::string::npos) << r.status().to_string();
    }
    EXPECT_EQ(render_ok("[{{ [1].append }}]"), "[]");  // reading it is allowed, like jinja2
}

TEST(TemplateLanguage, NoIncludesImportsOrInheritance) {
    for (const char* src : {"{% include 'x' %}", "{% import 'x' as y %}", "{% from 'x' import y %}", "{% extends 'x' %}"}) {
        Result<Template> t = Template::parse(src);
        ASSERT_FALSE(t.ok()) << src;
        EXPECT_EQ(t.status().code(), ErrorCode::invalid_argument);
    }
}

TEST(TemplateLanguage, KeyOrderFollowsTheJsonType) {
    ordered_json ordered = {{"d", ordered_json::object()}};
    ordered["d"]["b"] = 1;
    ordered["d"]["a"] = 2;
    EXPECT_EQ(render_ok("{{ d|tojson }}", ordered), "{\"b\": 1, \"a\": 2}");
    nlohmann::json sorted = {{"d", {{"b", 1}, {"a", 2}}}};
    Result<std::string> r = render_template("{{ d|tojson }}", sorted);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "{\"a\": 2, \"b\": 1}");  // nlohmann::json keeps keys sorted
}

TEST(TemplateLanguage, ContextIsValidated) {
    Result<std::string> r = render_template("x", ordered_json::array({1}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::invalid_argument);
    ordered_json bad = {{"s", std::string("\xff\xfe")}};
    Result<std::string> b = render_template("{{ s }}", bad);
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.status().code(), ErrorCode::invalid_argument);
    Result<Template> t = Template::parse(std::string("ab\xc3", 3));
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), ErrorCode::invalid_argument);
}

ContentForm form_of(const char* src) {
    Result<Template> t = Template::parse(src);
    EXPECT_TRUE(t.ok()) << src;
    return t.ok() ? t->content_form() : ContentForm::text;
}

TEST(TemplateLanguage, ContentFormDetection) {
    EXPECT_EQ(form_of("{% for m in messages %}{{ m['content'][0]['text'] }}{% endfor %}"), ContentForm::parts);
    EXPECT_EQ(form_of("{% for m in messages %}{{ m.content[0].text }}{% endfor %}"), ContentForm::parts);
    EXPECT_EQ(form_of("{% for m in messages %}{% for p in m.content %}{{ p.text }}{% endfor %}{% endfor %}"), ContentForm::parts);
    EXPECT_EQ(form_of("{% for m in messages %}{% for p in m['content'] | selectattr('type', 'equalto', 'text') %}"
                      "{{ p['text'] }}{% endfor %}{% endfor %}"),
              ContentForm::parts);
    EXPECT_EQ(form_of("{% for m in messages %}{{ m['content'] | trim }}{% endfor %}"), ContentForm::text);
    EXPECT_EQ(form_of("{% for m in messages %}{% if m['content'] is string %}{{ m['content'] }}{% else %}"
                      "{% for p in m['content'] %}{{ p['text'] }}{% endfor %}{% endif %}{% endfor %}"),
              ContentForm::text);
    EXPECT_EQ(form_of("{{ messages[0].content }}"), ContentForm::text);
}

TEST(TemplateLanguage, ChatContextMatchesTransformersNormalization) {
    ordered_json msgs = ordered_json::array();
    msgs.push_back({{"role", "user"}, {"content", "hi"}, {"tool_calls", nullptr}});
    ordered_json a = ordered_json::object();
    a["role"] = "assistant";
    a["content"] = "ok";
    a["reasoning"] = "because";
    msgs.push_back(a);
    msgs.push_back({{"role", "tool"}, {"name", "f"}, {"content", "42"}});
    ChatRenderOptions opt;
    opt.bos_token = "<s>";
    opt.extra = {{"unk_token", "<unk>"}};
    Result<ordered_json> ctx = chat_context(ContentForm::parts, msgs, opt);
    ASSERT_TRUE(ctx.ok());
    const ordered_json& m = (*ctx)["messages"];
    EXPECT_FALSE(m[0].contains("tool_calls"));  // None-valued keys are dropped
    EXPECT_EQ(m[0]["content"].dump(), "[{\"type\":\"text\",\"text\":\"hi\"}]");
    EXPECT_EQ(m[1].dump(),
              "{\"thinking\":\"because\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],"
              "\"reasoning\":\"because\",\"reasoning_content\":\"because\"}");
    EXPECT_EQ(m[2]["content"][0]["name"], "f");
    EXPECT_TRUE((*ctx)["tools"].is_null());
    EXPECT_TRUE((*ctx)["documents"].is_null());
    EXPECT_EQ((*ctx)["add_generation_prompt"], true);
    EXPECT_EQ((*ctx)["bos_token"], "<s>");
    EXPECT_FALSE(ctx->contains("eos_token"));
    EXPECT_EQ((*ctx)["unk_token"], "<unk>");

    ChatRenderOptions bad;
    bad.extra = {{"messages", 1}};
    EXPECT_FALSE(chat_context(ContentForm::text, msgs, bad).ok());
    EXPECT_FALSE(chat_context(ContentForm::text, ordered_json::array(), opt).ok());
}

TEST(TemplateLanguage, RenderChatHandlesBothContentForms) {
    const char* parts_tpl = "{% for m in messages %}{{ m.role }}:{{ m['content'][0]['text'] }};{% endfor %}";
    const char* text_tpl = "{% for m in messages %}{{ m.role }}:{{ m['content'] }};{% endfor %}";
    ordered_json msgs = ordered_json::array({{{"role", "user"}, {"content", "héllo"}}});
    ChatRenderOptions opt;
    Result<std::string> a = render_chat(parts_tpl, msgs, opt);
    Result<std::string> b = render_chat(text_tpl, msgs, opt);
    ASSERT_TRUE(a.ok()) << a.status().to_string();
    ASSERT_TRUE(b.ok()) << b.status().to_string();
    EXPECT_EQ(*a, "user:héllo;");
    EXPECT_EQ(*b, "user:héllo;");
    // nlohmann::json (sorted keys) converts implicitly.
    nlohmann::json unordered = nlohmann::json::array({{{"role", "user"}, {"content", "plain"}}});
    Result<std::string> d = render_chat(text_tpl, unordered, opt);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, "user:plain;");
    // Content that is already a list of parts is passed through untouched.
    ordered_json typed = ordered_json::array({{{"role", "user"}, {"content", ordered_json::array({{{"type", "text"}, {"text", "x"}}})}}});
    Result<std::string> c = render_chat(parts_tpl, typed, opt);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(*c, "user:x;");
}

}  // namespace
}  // namespace farsight
