// Byte-exact comparison with the reference renderer: every golden in tests/fixtures/templates was
// produced by transformers' apply_chat_template / jinja2 (scripts/templates/make_goldens.py).
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "tokenizer/jinja/render_chat.h"
#include "tokenizer/jinja/template.h"

namespace farsight {
namespace {

using nlohmann::ordered_json;

std::string fixture_path(const std::string& name) { return std::string(FARSIGHT_TEST_DATA) + "/fixtures/templates/" + name; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

ordered_json read_json(const std::string& name) { return ordered_json::parse(read_file(fixture_path(name))); }

// Python exception class of the reference -> the error code the sandbox must return.
void expect_error_code(const Status& st, const std::string& py_error, const std::string& what) {
    if (py_error == "OverflowError") {
        EXPECT_EQ(st.code(), ErrorCode::limit_exceeded) << what << ": " << st.to_string();
    } else if (py_error == "TemplateSyntaxError") {
        EXPECT_EQ(st.code(), ErrorCode::invalid_argument) << what << ": " << st.to_string();
        EXPECT_NE(st.message().find("syntax error at "), std::string::npos) << what << ": " << st.to_string();
    } else {
        EXPECT_TRUE(st.code() == ErrorCode::invalid_argument || st.code() == ErrorCode::unsupported)
            << what << ": " << st.to_string();
    }
}

TEST(TemplateGoldens, LanguageCasesMatchJinja2) {
    // FARSIGHT_TEMPLATE_CASES: another case file, e.g. from scripts/templates/random_cases.py.
    const char* other = std::getenv("FARSIGHT_TEMPLATE_CASES");
    ordered_json doc = other ? ordered_json::parse(read_file(other)) : read_json("language_cases.json");
    if (!other) ASSERT_GE(doc["cases"].size(), 150u);
    int checked = 0;
    for (const auto& c : doc["cases"]) {
        const std::string name = c["name"];
        Result<std::string> r = render_template(c["template"].get<std::string>(), c["context"]);
        if (c.contains("expected")) {
            EXPECT_TRUE(r.ok()) << name << ": " << r.status().to_string() << "\ntemplate: " << c["template"].get<std::string>();
            if (r.ok()) EXPECT_EQ(*r, c["expected"].get<std::string>()) << name << "\ntemplate: " << c["template"].get<std::string>();
        } else {
            EXPECT_FALSE(r.ok()) << name << " rendered " << (r.ok() ? *r : "") << " but jinja2 raised "
                                 << c["error"].get<std::string>() << ": " << c["error_message"].get<std::string>()
                                 << "\ntemplate: " << c["template"].get<std::string>();
            if (!r.ok()) expect_error_code(r.status(), c["error"], name);
        }
        ++checked;
    }
    EXPECT_EQ(checked, static_cast<int>(doc["cases"].size()));
}

TEST(TemplateGoldens, RaiseExceptionCarriesTheTemplateMessage) {
    ordered_json doc = read_json("language_cases.json");
    for (const auto& c : doc["cases"]) {
        if (c["name"] != "err_raise_exception") continue;
        Result<std::string> r = render_template(c["template"].get<std::string>(), c["context"]);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.status().code(), ErrorCode::invalid_argument);
        EXPECT_NE(r.status().message().find(c["error_message"].get<std::string>()), std::string::npos) << r.status().to_string();
        return;
    }
    FAIL() << "case err_raise_exception missing";
}

ChatRenderOptions options_for(const ordered_json& c) {
    ChatRenderOptions opt;
    opt.add_generation_prompt = c["add_generation_prompt"];
    opt.extra = c["extra"];
    for (auto it = c["special_tokens"].begin(); it != c["special_tokens"].end(); ++it) {
        if (it.key() == "bos_token") opt.bos_token = it.value();
        else if (it.key() == "eos_token") opt.eos_token = it.value();
        else opt.extra[it.key()] = it.value();
    }
    opt.tools = c["tools"];
    return opt;
}

TEST(TemplateGoldens, RealChatTemplatesMatchTransformers) {
    ordered_json manifest = read_json("manifest.json");
    std::map<std::string, Template> templates;
    for (const auto& m : manifest) {
        Result<Template> t = Template::parse(read_file(fixture_path(m["file"])));
        ASSERT_TRUE(t.ok()) << m["name"].get<std::string>() << ": " << t.status().to_string();
        templates.emplace(m["name"].get<std::string>(), std::move(t).value());
    }
    ordered_json doc = read_json("chat_goldens.json");
    ASSERT_GE(doc["cases"].size(), 400u);
    int rendered = 0, errors = 0;
    for (const auto& c : doc["cases"]) {
        const std::string what = c["template"].get<std::string>() + " / " + c["conversation"].get<std::string>() +
                                 (c["add_generation_prompt"].get<bool>() ? " / gen" : " / no-gen");
        const Template& t = templates.at(c["template"]);
        EXPECT_EQ(t.content_form() == ContentForm::parts, c["content_form"] == "parts") << what;
        ChatRenderOptions opt = options_for(c);
        // The engine path: plain string content, converted by render_chat when the template wants parts.
        Result<std::string> r = render_chat(t, c["messages"], opt);
        // The reference path: exactly the messages transformers received.
        Result<ordered_json> ctx = chat_context(ContentForm::text, c["hf_messages"], opt);
        ASSERT_TRUE(ctx.ok()) << what;
        Result<std::string> direct = t.render(*ctx);
        if (c.contains("expected")) {
            ASSERT_TRUE(r.ok()) << what << ": " << r.status().to_string();
            EXPECT_EQ(*r, c["expected"].get<std::string>()) << what;
            ASSERT_TRUE(direct.ok()) << what << ": " << direct.status().to_string();
            EXPECT_EQ(*direct, c["expected"].get<std::string>()) << what;
            ++rendered;
        } else {
            EXPECT_FALSE(r.ok()) << what << " rendered but transformers raised " << c["error"].get<std::string>();
            EXPECT_FALSE(direct.ok()) << what;
            if (!r.ok()) {
                expect_error_code(r.status(), c["error"], what);
                if (c["error"] == "TemplateError") {  // raise_exception: the template's own message
                    EXPECT_NE(r.status().message().find(c["error_message"].get<std::string>()), std::string::npos) << what;
                }
            }
            ++errors;
        }
    }
    EXPECT_GT(rendered, 300);
    EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace farsight
