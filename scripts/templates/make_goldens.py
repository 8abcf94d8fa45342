#!/usr/bin/env python3
"""Golden outputs for the C++ chat-template sandbox, rendered by the reference: Hugging Face
transformers' own apply_chat_template (which compiles templates with jinja2's
ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, {% generation %}).

Writes, under tests/fixtures/templates/:
  chat_goldens.json     every real template in manifest.json x every conversation x
                        add_generation_prompt in {true, false}: rendered text or the exception
  language_cases.json   small templates covering the language (whitespace control, expressions,
                        filters, tests, methods, scoping, macros, errors), rendered with the very
                        environment transformers builds (_compile_jinja_template)

Usage: python3 scripts/templates/make_goldens.py [--allow-other-versions]
Pinned: transformers 5.23.0, jinja2 3.1.6, tokenizers 0.23.3 (checked at run time).
"""
import copy
import json
import os
import sys

PINNED = {"transformers": "5.23.0", "jinja2": "3.1.6", "tokenizers": "0.23.3"}
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "templates")
DATE = "26 Jul 2024"  # passed as date_string so Llama templates do not call strftime_now


def check_versions():
    import jinja2
    import tokenizers
    import transformers

    found = {"transformers": transformers.__version__, "jinja2": jinja2.__version__,
             "tokenizers": tokenizers.__version__}
    bad = {k: v for k, v in found.items() if v != PINNED[k]}
    if bad and "--allow-other-versions" not in sys.argv:
        sys.exit(f"version mismatch {bad}, pinned {PINNED}; install the pinned versions "
                 "or pass --allow-other-versions")
    return found


# ---------------------------------------------------------------------------------------------
# Conversations. Content is a plain string, as the engine receives it; for templates that want
# typed parts (MiniMax) the reference renders the same messages converted by to_parts(), the
# rule render_chat documents.

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city — returns °C",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "City name, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Unit"},
                "days": {"type": "integer", "description": "Forecast length"},
            },
            "required": ["location"],
        },
    },
}
SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search",
        "description": "Search the web",
        "parameters": {"type": "object",
                       "properties": {"query": {"type": "array", "items": {"type": "string"},
                                                "description": "Queries"}},
                       "required": ["query"]},
    },
}
MINIMAX_TOOL = {  # MiniMax's own examples list bare function schemas
    "name": "get_current_weather",
    "description": "Get the latest weather for a location",
    "parameters": {"type": "object",
                   "properties": {"location": {"type": "string",
                                               "description": "A certain city, such as Beijing, Shanghai"}},
                   "required": ["location"]},
}

CONVERSATIONS = {
    "single_user": {"messages": [{"role": "user", "content": "Hello, how are you?"}]},
    "system_multi_turn": {"messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What is 2 + 2?"},
        {"role": "assistant", "content": "2 + 2 = 4."},
        {"role": "user", "content": "And times 3?"},
    ]},
    "multi_turn_no_system": {"messages": [
        {"role": "user", "content": "Hi!"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Tell me a joke."},
        {"role": "assistant", "content": "Why did the chicken cross the road?"},
    ]},
    "unicode_and_markup": {"messages": [
        {"role": "system", "content": "  Réponds en français. 日本語もOK 🙂  "},
        {"role": "user", "content": "Quote: \"it's\" <b>&amp;</b> {{ not a tag }} {% raw %} \\n\ttab\u3000ideo-space\u200bzw"},
    ]},
    "empty_content": {"messages": [
        {"role": "user", "content": ""},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "ok"},
    ]},
    "reasoning": {"messages": [
        {"role": "user", "content": "Is 17 prime?"},
        {"role": "assistant", "content": "<think>\nCheck divisors up to 4.\n</think>\n\nYes, 17 is prime."},
        {"role": "user", "content": "And 21?"},
    ]},
    "reasoning_field": {"messages": [
        {"role": "user", "content": "Is 9 prime?"},
        {"role": "assistant", "content": "No, 9 = 3 x 3.", "reasoning_content": "9 is 3 squared."},
        {"role": "user", "content": "Thanks"},
    ]},
    "tools_call_dict_args": {
        "tools": [WEATHER_TOOL, SEARCH_TOOL],
        "messages": [
            {"role": "system", "content": "Use tools when needed."},
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call12345", "type": "function",
                 "function": {"name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}}}]},
            {"role": "tool", "name": "get_weather", "tool_call_id": "call12345",
             "content": "{\"temperature\": 21, \"sky\": \"clear\"}"},
            {"role": "assistant", "content": "It is 21 °C and clear in Paris."},
            {"role": "user", "content": "Thanks!"},
        ]},
    "tools_call_string_args": {
        "tools": [WEATHER_TOOL],
        "messages": [
            {"role": "user", "content": "Weather in Oslo?"},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "abcdef123", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"location\": \"Oslo\"}"}}]},
            {"role": "tool", "name": "get_weather", "tool_call_id": "abcdef123", "content": "-3 degrees, snow"},
        ]},
    "tools_only_definitions": {
        "tools": [WEATHER_TOOL],
        "messages": [{"role": "user", "content": "What can you do?"}]},
    "minimax_tools": {
        "tools": [MINIMAX_TOOL],
        "messages": [
            {"role": "system", "content": "You are a helpful assistant created by Minimax based on MiniMax-M1 model."},
            {"role": "user", "content": "What's the weather like in Shanghai today?"},
            {"role": "assistant", "content": "<tool_calls>\n{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Shanghai\"}}\n</tool_calls>"},
            {"role": "tool", "name": "get_current_weather", "content": "{\"weather\": \"sunny\", \"temp\": 25}"},
        ]},
    "minimax_function_result": {
        "tools": [MINIMAX_TOOL],
        "messages": [
            {"role": "user", "content": "Weather in Beijing?"},
            {"role": "function", "name": "get_current_weather", "content": "{\"weather\": \"rain\"}"},
        ]},
    "two_systems": {"messages": [
        {"role": "system", "content": "First rule."},
        {"role": "system", "content": "Second rule."},
        {"role": "user", "content": "Go"},
    ]},
}

EXTRA = {"date_string": DATE}


def to_parts(messages):
    """The typed-parts form (render_chat.h): {"type": "text", "text": s} (+ "name" when the message has one)."""
    out = []
    for m in messages:
        m = dict(m)
        if isinstance(m.get("content"), str):
            part = {"type": "text", "text": m["content"]}
            if "name" in m and m["name"] is not None:
                part["name"] = m["name"]
            m["content"] = [part]
        out.append(m)
    return out


def make_tokenizer(special, chat_template):
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel({"<unk-internal>": 0}, unk_token="<unk-internal>"))
    t = PreTrainedTokenizerFast(tokenizer_object=tok, **special)
    t.chat_template = chat_template
    return t


def render_chat_reference(tokenizer, messages, tools, add_generation_prompt):
    try:
        text = tokenizer.apply_chat_template(copy.deepcopy(messages), tools=copy.deepcopy(tools), tokenize=False,
                                             add_generation_prompt=add_generation_prompt, **EXTRA)
        return {"expected": text}
    except Exception as e:  # the C++ renderer must fail too
        return {"error": type(e).__name__, "error_message": str(e)}


def chat_goldens(manifest):
    from transformers.utils.chat_template_utils import _compile_jinja_template  # noqa: F401 (same env)

    cases = []
    for entry in manifest:
        source = open(os.path.join(FIXTURES, entry["file"]), encoding="utf-8").read()
        tokenizer = make_tokenizer(entry["special_tokens"], source)
        wants_parts = entry["name"].startswith("minimax")
        for conv_name, conv in CONVERSATIONS.items():
            for agp in (True, False):
                plain = conv["messages"]
                hf_messages = to_parts(plain) if wants_parts else plain
                case = {"template": entry["name"], "conversation": conv_name, "add_generation_prompt": agp,
                        "messages": plain, "hf_messages": hf_messages, "tools": conv.get("tools"),
                        "special_tokens": entry["special_tokens"], "extra": EXTRA,
                        "content_form": "parts" if wants_parts else "text"}
                case.update(render_chat_reference(tokenizer, hf_messages, conv.get("tools"), agp))
                cases.append(case)
    return cases


# ---------------------------------------------------------------------------------------------
# Language cases: (name, template, context). Context must be JSON.

D = {"d": {"a": 1, "items": "x", "b": {"c": [10, 20]}, "s": "héllo"}}
MSGS = {"messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "u1"},
                     {"role": "assistant", "content": "a1"}, {"role": "user", "content": "u2"}]}

LANGUAGE = [
    # --- whitespace control, trim_blocks, lstrip_blocks, comments, raw
    ("ws_trim_lstrip", "a\n{% if true %}\nb\n{% endif %}\nc", {}),
    ("ws_indented_blocks", "x\n    {% for i in [1,2] %}\n    item {{ i }}\n    {% endfor %}\ny", {}),
    ("ws_inline_tag_not_lstripped", "text {% if true %}x{% endif %} more\n  {{ 'v' }}  \nz", {}),
    ("ws_minus", "a  \n  {{- 'b' -}}  \n  c {%- if true -%}  d  {%- endif -%}  e", {}),
    ("ws_minus_comment", "a \n {#- note -#} \n b {# c #}\nd\n  {# e #}\nf", {}),
    ("ws_plus_disables_lstrip", "a\n  {%+ if true %}x{% endif %}\nb", {}),
    ("ws_plus_disables_trim", "a\n{% if true +%}\nx\n{% endif %}\nb", {}),
    ("ws_variable_not_trimmed", "a\n{{ 'b' }}\nc\n  {{ 'd' }}\n", {}),
    ("ws_tabs", "\t{% if true %}\tx\n\t{% endif %}\ty", {}),
    ("ws_unicode_space_minus", "a\u3000\u00a0{{- 'b' }}", {}),
    ("ws_crlf", "line1\r\n{% if true %}\r\nline2\r\n{% endif %}\r\nline3\r\n", {}),
    ("ws_trailing_newlines", "x\n\n", {}),
    ("ws_line_start_after_tag", "{% if true %}\n  {% if true %}\n  y\n  {% endif %}\n{% endif %}", {}),
    ("ws_raw", "a\n  {% raw %}\n{{ x }} {% if %}\n  {% endraw %}\nb", {}),
    ("ws_raw_minus", "a {%- raw -%}  {{ y }}  {%- endraw -%} b", {}),
    ("ws_comment_in_line", "a {# inline #} b", {}),
    ("ws_block_end_minus_eats_lines", "{% set x = 1 -%}\n\n\n   {{ x }}", {}),
    # --- literals and lexer
    ("lit_strings", "{{ 'a' \"b\" 'c' }}|{{ 'it\\'s' }}|{{ \"q\\\"q\" }}|{{ 'tab\\there' }}|{{ '\\x41\\u00e9\\U0001F600\\101' }}|{{ '\\q\\d' }}", {}),
    ("lit_numbers", "{{ 1_000 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1.5e3 }} {{ 1e-7 }} {{ 2.5E+3 }} {{ 1_0.5 }}", {}),
    ("lit_containers", "{{ [1, 'a', none, true, 1.5, [2], {'k': 'v'}] }}|{{ (1,) }}|{{ () }}|{{ (1, 2) }}|{{ {'b': 1, 'a': 2} }}|{{ [1,2,][1] }}|{{ {'a':1,} }}", {}),
    ("lit_dict_keys", "{{ {1: 'x', 1.0: 'y', true: 'z'} }}|{{ {none: 1, (1, 2): 3} }}|{{ {'a': 1, 'a': 2} }}", {}),
    ("lit_bools_none", "{{ true }} {{ True }} {{ false }} {{ False }} {{ none }} {{ None }}", {}),
    ("lit_repr_strings", "{{ [\"it's\", 'say \"hi\"', 'both \\' \"', 'nl\\n', 'tab\\t', '\\x07', 'é', '\\u200b', '\\\\'] }}", {}),
    ("lit_tuple_output", "{{ 1, 2 }}|{{ 'a', }}", {}),
    # --- arithmetic (Python semantics)
    ("math_int", "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % -3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 10 / 4 }} {{ 10 / 5 }} {{ 7 - 10 }} {{ 3 * 4 }}", {}),
    ("math_float", "{{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 2 ** -2 }} {{ 2.0 ** 3 }} {{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 5 % 2.5 }} {{ -0.0 }}", {}),
    ("math_precedence", "{{ -2**2 }} {{ 2**3**2 }} {{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }} {{ 10 - 2 - 3 }} {{ 2 * 3 ~ 4 }} {{ -1|abs }} {{ not 1 == 2 }}", {}),
    ("math_bool_int", "{{ true + 1 }} {{ true * 3 }} {{ 5 - false }} {{ true / 2 }}", {}),
    ("float_repr", "{{ 0.1 }} {{ 1e16 }} {{ 1e15 }} {{ 1.5e-5 }} {{ 0.0001 }} {{ 100.0 }} {{ 3.0 * 2 }} {{ 2.5e20 }} {{ 123456789.123456789 }} {{ 1e300 * 1e10 }} {{ -1e300 * 1e10 }} {{ 1e22 }} {{ 5e-324 }}", {}),
    ("string_ops", "{{ 'ab' ~ 1 ~ none ~ true ~ 1.5 }}|{{ 'x' * 3 }}|{{ 3 * 'ab' }}|{{ [1, 2] * 2 }}|{{ 'a' + 'b' }}|{{ [1] + [2] }}|{{ (1,) + (2,) }}|{{ 'x' * -1 }}", {}),
    ("compare_chain", "{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 1 == 1.0 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ (1, 2) == (1, 2) }} {{ [1, 2] == (1, 2) }} {{ none == none }} {{ true == 1 }} {{ 'b' >= 'a' }} {{ 2 != 2.0 }}", {}),
    ("in_operator", "{{ 'a' in 'cat' }} {{ 1 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ 1.0 in [1] }} {{ '' in 'x' }} {{ (1, 2) in [(1, 2)] }} {{ 'x' in missing }}", {}),
    ("logic_values", "{{ 0 or 'x' }} {{ 'a' and 'b' }} [{{ '' and 'b' }}] {{ none or none }} {{ not 0 }} {{ not [] }} {{ [] or {} }} {{ 1 and 2 and 3 }}", {}),
    ("ternary", "{{ 'y' if 1 else 'n' }} {{ 'y' if 0 else 'n' }} [{{ 'y' if 0 }}] {{ 'a' if false else 'b' if true else 'c' }}", {}),
    # --- access
    ("access_attr_item", "{{ d.a }} {{ d['a'] }} {{ d.b.c[1] }} {{ d.b.c.1 }} {{ d['items'] }} {{ d.items()|list }} {{ d.missing is defined }} {{ d.get('a') }} {{ d.get('zz', 'dflt') }} {{ d.get('zz') }} {{ d.s[1] }} {{ d['b']['c'][-1] }}", D),
    ("access_missing_is_empty", "[{{ d.nope }}][{{ d['nope'] }}][{{ d.b.c[9] }}][{{ d.a.x }}][{{ none.x }}][{{ none[0] }}][{{ 5.x }}][{{ [1].x }}][{{ 'abc'[10] }}]", D),
    ("access_slices", "{{ 'hello'[1:3] }} {{ 'hello'[::-1] }} {{ 'hello'[-2:] }} {{ [1, 2, 3, 4][::2] }} {{ [1, 2, 3][5:] }} {{ 'héllo wörld'[::-1] }} {{ (1, 2, 3)[1:] }} {{ 'abcdef'[4:1:-1] }} {{ [1, 2, 3][:-1] }} {{ 'abc'[-10:2] }} {{ [1,2,3][::-1] }}", {}),
    ("access_messages", "{{ messages[0]['role'] }} {{ messages[-1].content }} {{ messages|length }} {{ messages[1:]|map(attribute='role')|join(',') }} {{ messages[::-1][0].content }}", MSGS),
    ("access_unicode_len", "{{ 'héllo'|length }} {{ '日本語'|length }} {{ '😀x'|length }} {{ '日本語'[1] }} {{ 'héllo'.find('l') }}", {}),
    # --- undefined
    ("undefined_soft", "[{{ missing }}][{{ missing is defined }}][{{ missing|default('d') }}][{{ missing ~ 'x' }}][{% if missing %}y{% else %}n{% endif %}][{% for x in missing %}{{ x }}{% else %}empty{% endfor %}][{{ missing|length }}][{{ missing is undefined }}][{{ missing == missing }}]", {}),
    ("undefined_filters", "[{{ x|trim }}][{{ x|upper }}][{{ x|list }}][{{ x|join }}][{{ x|first }}][{{ x|string }}][{{ x|items|list }}][{{ x|selectattr('a')|list }}][{{ x|sort }}][{{ x is sequence }}][{{ x is iterable }}][{{ x is callable }}]", {}),
    ("none_values", "{{ none }}|{{ none is none }}|{{ none|string }}|{{ none|default('d') }}|{{ none|default('d', true) }}|{{ none|trim }}|{{ none ~ '' }}", {}),
    # --- tests
    ("tests_types", "{{ 1 is number }}{{ 1.5 is float }}{{ 1 is integer }}{{ true is integer }}{{ true is boolean }}{{ 1 is boolean }}{{ 'a' is string }}{{ {} is mapping }}{{ [] is mapping }}{{ none is none }}{{ [] is sequence }}{{ {} is sequence }}{{ 'a' is sequence }}{{ 1 is sequence }}{{ 'a' is iterable }}{{ 1 is iterable }}{{ {} is iterable }}", {}),
    ("tests_values", "{{ 3 is odd }}{{ 4 is even }}{{ 10 is divisibleby 3 }}{{ 9 is divisibleby(3) }}{{ 'a' is eq 'a' }}{{ 2 is gt 1 }}{{ 3 is in [1, 2, 3] }}{{ none is sameas none }}{{ true is sameas true }}{{ 'abc' is lower }}{{ 'ABC' is upper }}{{ 'aB' is lower }}{{ true is true }}{{ 1 is true }}{{ false is false }}{{ 0 is false }}{{ 2 is ne 3 }}{{ 2 is le 2 }}{{ 1 is lt 2 }}{{ 3 is ge 4 }}{{ 5 is greaterthan 1 }}{{ 1 is lessthan 0 }}{{ 'x' is equalto 'x' }}", {}),
    ("tests_not_and_callable", "{{ 1 is not string }}{{ x is not defined }}{{ range is callable }}{{ 'upper' is filter }}{{ 'nope' is filter }}{{ 'odd' is test }}{{ d.get is callable }}{{ 1 is not none and 2 is odd }}", D),
    ("tests_escaped", "{{ 'a' is escaped }}", {}),
    # --- filters
    ("filter_basic_strings", "{{ '  x  '|trim }}|{{ 'xxhixx'|trim('x') }}|{{ 'Hello'|upper }}|{{ 'Hello'|lower }}|{{ 'hello world foo'|title }}|{{ 'hELLO wORLD'|capitalize }}|{{ 'a-b c(d'|title }}|{{ 'abc'|reverse }}|{{ 'a b'|replace(' ', '_') }}|{{ 'aaa'|replace('a', 'b', 2) }}|{{ 'abc'|replace('', '-') }}", {}),
    ("filter_center_indent", "[{{ '  x  '|center(9) }}][{{ 'abc'|center(8) }}][{{ 'a\\nb\\n\\nc'|indent(2) }}][{{ 'a\\nb'|indent(2, true) }}][{{ 'a\\n\\nb'|indent(2, blank=true) }}][{{ 'a\\nb'|indent('> ') }}][{{ 'x'|indent }}]", {}),
    ("filter_truncate_wordcount", "{{ 'foo bar baz qux'|truncate(9) }}|{{ 'foo bar baz'|truncate(9, true) }}|{{ 'short'|truncate(10) }}|{{ 'hello world'|wordcount }}|{{ 'héllo, wörld! 42'|wordcount }}|{{ 'a b c d e f g h'|truncate(5, false, '..', 0) }}", {}),
    ("filter_numbers", "{{ 3.7|int }} {{ '3.7'|int }} {{ '0x1A'|int(0, 16) }} {{ 'x'|int(5) }} {{ '3'|float }} {{ true|int }} {{ ' 12 '|int }} {{ '1_000'|int }} {{ 'abc'|float }} {{ '1e3'|float }} {{ none|int }} {{ '0b11'|int(0, 0) }}", {}),
    ("filter_round_abs", "{{ 2.5|round }} {{ 3|round }} {{ 2.675|round(2) }} {{ 3|round(method='ceil') }} {{ 2.1|round(method='ceil') }} {{ 2.9|round(1, 'floor') }} {{ -3.7|abs }} {{ (-3)|abs }} {{ 0.5|round }} {{ 1.5|round }} {{ 1234.5|round(-2) }}", {}),
    ("filter_default", "{{ missing|default('d') }}|{{ ''|default('d') }}|{{ ''|default('d', true) }}|{{ 0|d('z', true) }}|{{ none|d('n') }}|{{ false|default('f', boolean=true) }}|{{ missing|default }}|", {}),
    ("filter_lists", "{{ [1, 'a']|join(', ') }}|{{ [1, 2]|sum }}|{{ [1.5, 2]|sum }}|{{ ['a', 'B', 'c']|sort }}|{{ ['a', 'B', 'c']|sort(case_sensitive=true) }}|{{ ['b', 'A', 'a']|unique|list }}|{{ [3, 1]|max }}|{{ ['b', 'A']|min }}|{{ [3, 1, 2]|sort(reverse=true) }}|{{ []|max }}|{{ [1,2,3]|first }}|{{ [1,2,3]|last }}|{{ 'abc'|first }}|{{ {'a': 1, 'b': 2}|first }}|[{{ []|first }}]|{{ 'abc'|list }}|{{ {'a': 1}|list }}|{{ [1, 2]|length }}|{{ 'héllo'|count }}", {}),
    ("filter_dicts", "{{ {'b': 1, 'A': 2}|dictsort }}|{{ {'b': 1, 'a': 2}|dictsort(by='value', reverse=true) }}|{{ {'b': 1, 'A': 2}|dictsort(true) }}|{{ {'a': 1, 'b': 2}|items|list }}|{% for k, v in {'x': 1, 'y': 2}|items %}{{ k }}={{ v }};{% endfor %}", {}),
    ("filter_map_select", "{{ [{'a': 1}, {'a': 2}]|map(attribute='a')|list }}|{{ ['a', 'b']|map('upper')|list }}|{{ [{'a': 1}, {}]|map(attribute='a', default=9)|list }}|{{ [1, 2, 3, 4]|select('odd')|list }}|{{ [1, 2, 3, 4]|reject('even')|list }}|{{ [0, 1, '', none]|select|list }}|{{ [1, 2, 3]|select('gt', 1)|list }}|{{ [1, 2, 3]|select('>', 1)|list }}|{{ ['1', '2']|map('int')|sum }}|{{ [{'a': {'b': 5}}]|map(attribute='a.b')|list }}|{{ [[1, 2], [3, 4]]|map(attribute='1')|list }}|{{ ['a', 'b']|map('replace', 'a', 'z')|list }}", {}),
    ("filter_selectattr", "{{ [{'t': 'a'}, {'t': 'b'}, {}]|selectattr('t', 'equalto', 'a')|list }}|{{ [{'t': 'a'}, {'t': 'b'}, {}]|rejectattr('t')|list }}|{{ [{'t': 'a'}, {'t': 'b'}, {}]|selectattr('t', 'defined')|list }}|{{ messages|selectattr('role', 'eq', 'user')|map(attribute='content')|join('+') }}|{{ messages|rejectattr('role', 'in', ['user', 'system'])|list|length }}", MSGS),
    ("filter_generators", "{{ ([]|select) is true }}|{% if []|select %}T{% endif %}|{% set it = [1, 2, 3]|select %}{{ it|list }}{{ it|list }}|{{ [1, 2]|reverse|list }}|{{ [1, 2, 3]|select('odd')|first }}|{{ ([1, 2]|map('string')|list) }}|{{ {'a': 1, 'b': 2}|reverse|list }}|{{ 'a' in ['a']|select }}", {}),
    ("filter_batch_slice", "{{ [1, 2, 3, 4, 5]|batch(2)|list }}|{{ [1, 2, 3]|batch(2, 'x')|list }}|{{ [1, 2, 3, 4, 5]|slice(2)|list }}|{{ [1, 2, 3, 4]|slice(3, 0)|list }}", {}),
    ("filter_sort_attribute", "{{ [{'n': 'b', 'v': 2}, {'n': 'A', 'v': 1}, {'n': 'a', 'v': 3}]|sort(attribute='n')|map(attribute='v')|list }}|{{ [{'n': 'b', 'v': 2}, {'n': 'a', 'v': 2}, {'n': 'c', 'v': 1}]|sort(attribute='v,n')|map(attribute='n')|join }}|{{ [{'x': 2}, {'x': 1}]|sort(attribute='x', reverse=true)|map(attribute='x')|list }}", {}),
    ("filter_escape_safe_string", "{{ '<a href=\"x\">&\\'</a>'|e }}|{{ '<b>'|escape }}|{{ '<b>'|safe }}|{{ 5|string }}|{{ [1]|string }}|{{ 5|safe }}|{{ none|e }}", {}),
    ("filter_format", "{{ '%s and %s'|format('a', 'b') }}|{{ '%(x)s!'|format(x=1) }}|{{ '%05.1f'|format(3.14159) }}", {}),
    ("filter_attr", "{{ {'a': 1}|attr('a') }}|{{ {'a': 1}|attr('items') is callable }}|{{ 'abc'|attr('upper') is callable }}", {}),
    ("filter_chain_args", "{{ messages|map(attribute='content')|map('upper')|reject('equalto', 'SYS')|join(' / ')|replace('U', 'you')|title }}", MSGS),
    # --- tojson (transformers' override)
    ("tojson_basic", "{{ {'a': [1, 2.5, none, true, 'é'], 'b': {'c': 'x\"y'}}|tojson }}|{{ 'line\\nbreak\\ttab\\u0001\\u007f'|tojson }}|{{ (1, 2)|tojson }}|{{ [] | tojson }}|{{ {} | tojson }}|{{ 1.0|tojson }}|{{ 1e16|tojson }}|{{ 'π'|tojson }}|{{ '😀'|tojson }}", {}),
    ("tojson_indent", "{{ {'a': [1, {'b': []}], 'c': {}}|tojson(indent=2) }}|{{ [1, [2]]|tojson(indent=0) }}|{{ {'a': 1}|tojson(indent='\\t') }}", {}),
    ("tojson_options", "{{ {'b': 1, 'a': 'é😀'}|tojson(ensure_ascii=true, sort_keys=true) }}|{{ {'a': [1, 2]}|tojson(separators=(',', ':')) }}|{{ {1: 'x', true: 'y', none: 'z', 1.5: 'w'}|tojson }}|{{ [1]|tojson(4) }}", {}),
    ("tojson_context_order", "{{ tool|tojson }}|{{ tool|tojson(indent=4) }}", {"tool": WEATHER_TOOL}),
    ("tojson_nan_inf", "{{ (1e300 * 1e10)|tojson }} {{ [-1e300 * 1e10]|tojson }}", {}),
    # --- methods
    ("str_methods_strip_split", "[{{ '  x '.strip() }}][{{ 'xxhixx'.strip('x') }}][{{ '  x '.lstrip() }}][{{ '  x '.rstrip() }}][{{ 'a,b,,c'.split(',') }}][{{ ' a  b '.split() }}][{{ 'a b c'.split(' ', 1) }}][{{ 'a b c'.rsplit(' ', 1) }}][{{ 'a\\nb\\r\\nc'.splitlines() }}][{{ 'k=v=w'.partition('=') }}][{{ 'k=v=w'.rpartition('=') }}][{{ 'x'.split('y') }}][{{ ''.split() }}][{{ 'a\\u3000b'.split() }}]", {}),
    ("str_methods_case_find", "{{ 'abc'.upper() }} {{ 'ABC'.lower() }} {{ 'hello world'.title() }} {{ \"they're bill's\".title() }} {{ 'hELLO'.capitalize() }} {{ 'aBc'.swapcase() }} {{ 'hello'.find('l') }} {{ 'hello'.rfind('l') }} {{ 'hello'.find('z') }} {{ 'hello'.index('e') }} {{ 'banana'.count('an') }} {{ 'éàü'.upper() }} {{ 'ΑΒΓ'.lower() }} {{ 'привет'.upper() }}", {}),
    ("str_methods_predicates", "{{ 'abc'.startswith('ab') }} {{ 'abc'.startswith(('x', 'a')) }} {{ 'abc'.endswith('bc') }} {{ 'abc'.startswith('b', 1) }} {{ '123'.isdigit() }} {{ 'abc'.isalpha() }} {{ ''.isdigit() }} {{ '  '.isspace() }} {{ 'ab1'.isalnum() }} {{ 'abc'.islower() }} {{ 'ABC'.isupper() }} {{ 'Title Case'.istitle() }}", {}),
    ("str_methods_misc", "{{ 'a-b'.replace('-', '+') }} {{ 'aaaa'.replace('a', 'b', 2) }} {{ ', '.join(['x', 'y']) }} {{ '42'.zfill(5) }} {{ '-42'.zfill(5) }} {{ 'ab'.center(6, '*') }} {{ 'ab'.ljust(4, '.') }}| {{ 'ab'.rjust(4) }} {{ 'prefix_x'.removeprefix('prefix_') }} {{ 'x.txt'.removesuffix('.txt') }} {{ ''.join('abc') }}", {}),
    ("str_format_method", "{{ '{} {}'.format(1, 'a') }}|{{ '{0}{1}{0}'.format('x', 'y') }}|{{ '{name}!'.format(name='n') }}|{{ '{:>5}|{:<5}|{:^5}'.format('a', 'b', 'c') }}|{{ '{:.2f}'.format(3.14159) }}|{{ '{:05d}'.format(42) }}|{{ '{:,}'.format(1234567) }}|{{ '{!r}'.format('s') }}|{{ '{0[k]}'.format({'k': 'v'}) }}|{{ '{{}}'.format() }}|{{ '{:x}'.format(255) }}|{{ '{:+}'.format(3) }}|{{ '{:%}'.format(0.25) }}|{{ '{:.3}'.format(2.0) }}|{{ '{:e}'.format(1234.5) }}|{{ '{:g}'.format(0.0001) }}|{{ '{:*^9}'.format('mid') }}|{{ '{:=+6}'.format(-3) }}", {}),
    ("percent_format", "{{ '%s and %s' % ('a', 'b') }}|{{ '%d%%' % 50 }}|{{ '%.2f' % 3.14159 }}|{{ '%5s|%-5s|' % ('a', 'b') }}|{{ '%(x)s' % {'x': 1} }}|{{ '%r' % 'q' }}|{{ '%x %X %o' % (255, 255, 8) }}|{{ '%s' % [1] }}|{{ '%03d' % 7 }}|{{ '%+d' % 5 }}|{{ '%e' % 12345.678 }}|{{ '%g' % 0.00001 }}|{{ '%s' % {'a': 1} }}|{{ '%.3s' % 'abcdef' }}|{{ '%d' % 3.9 }}", {}),
    ("dict_list_methods", "{{ d.keys()|list }} {{ d.values()|list|length }} {{ d.items()|list|first }} {{ d.keys() }} {{ [1, 2, 1].count(1) }} {{ [1, 2, 3].index(2) }} {{ (1, 2).index(2) }} {{ [3, 4].copy() }} {{ d.copy() == d }} {{ 'a' in d.keys() }} {{ d.items()|length }}", D),
    ("method_objects_print_empty", "[{{ [1].append }}][{{ {}.update }}][{{ ''.__class__ }}][{{ {}.__class__ }}][{{ {'__foo__': 3}.__foo__ }}]", {}),
    # --- globals
    ("globals_range", "{{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }} {{ range(0) }} {{ range(3) }} {{ range(1, 10, 2) }} {{ range(3)|length }} {{ range(5)[1] }} {{ range(-3, 3)|list }} {{ range(3)|sum }}", {}),
    ("globals_dict_namespace", "{{ dict(a=1, b=2) }}|{{ dict([('x', 1)]) }}|{{ dict({'a': 1}, b=2) }}|{% set ns = namespace(a=1, b=[]) %}{% set ns.a = ns.a + 1 %}{% set ns.b = ns.b + [ns.a] %}{{ ns.a }}{{ ns.b }}{{ ns }}|{% set n2 = namespace() %}{% set n2.x = 5 %}{{ n2.x }}{{ n2['x'] }}{{ n2.y is defined }}|{% set n3 = namespace({'k': 1}, z=2) %}{{ n3.k }}{{ n3.z }}", {}),
    ("globals_joiner", "{% set j = joiner('|') %}{% for x in [1, 2, 3] %}{{ j() }}{{ x }}{% endfor %}", {}),
    ("globals_context_overrides", "{{ range }}", {"range": "mine"}),
    # --- statements: set, scoping
    ("set_basic", "{% set x = 1 %}{% set a, b = 1, 2 %}{% set t = 3, 4 %}{{ x }}{{ a }}{{ b }}{{ t }}{% set (p, q) = [5, 6] %}{{ p }}{{ q }}", {}),
    ("set_block", "{% set x %}a{{ 1 }}b{% endset %}[{{ x }}]{% set y | upper %}ab{% endset %}[{{ y }}]{% set z %}{% set inner = 1 %}in{% endset %}[{{ inner }}]", {}),
    ("scope_loop_isolation", "{% set c = 0 %}{% for i in [1, 2, 3] %}{% set c = c + 1 %}{{ c }}{% endfor %}{{ c }}", {}),
    ("scope_loop_per_iteration", "{% for i in [1, 2] %}{% if i == 2 %}[{{ c }}]{% endif %}{% set c = i %}{% endfor %}", {}),
    ("scope_if_leaks", "{% if true %}{% set q = 7 %}{% endif %}{{ q }}", {}),
    ("scope_macro_late_binding", "{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}|{% macro m2() %}{{ y }}{% endmacro %}{% set y = 5 %}{{ m2() }}|{% for i in [1] %}{% set z = 3 %}{% macro m3() %}{{ z }}{% endmacro %}{% set z = 4 %}{{ m3() }}{% endfor %}", {}),
    ("scope_for_else_and_vars", "{% for i in [] %}{% else %}{% set z = 1 %}{% endfor %}[{{ z }}]{% for i in [1] %}{% endfor %}[{{ i }}]", {}),
    ("scope_set_shadows_context", "{% set messages = messages[1:] %}{{ messages|length }}{% for m in messages %}{% set messages = [] %}{% endfor %}{{ messages|length }}", MSGS),
    # --- loops
    ("loop_vars", "{% for x in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}[{{ loop.previtem }}|{{ loop.nextitem }}]{{ loop.cycle('o', 'e') }}{{ loop.depth }};{% endfor %}", {}),
    ("loop_changed", "{% for x in [1, 1, 2, 2, 1] %}{{ loop.changed(x) }},{% endfor %}", {}),
    ("loop_filter", "{% for i in range(10) if i is odd %}{{ i }}:{{ loop.index }}/{{ loop.length }} {% endfor %}", {}),
    ("loop_unpack", "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}{{ v }}{% endfor %}|{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %}|{% for k, v in {'z': 1, 'a': 2}|dictsort %}{{ k }}{% endfor %}|{% for a, b in ['xy'] %}{{ b }}{{ a }}{% endfor %}", {}),
    ("loop_break_continue", "{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}", {}),
    ("loop_nested_outer", "{% for a in [1, 2] %}{% set outer = loop %}{% for b in [1, 2] %}{{ outer.index }}{{ loop.index }} {% endfor %}{% endfor %}", {}),
    ("loop_over_types", "{% for c in 'héj' %}[{{ c }}]{% endfor %}{% for k in {'b': 1, 'a': 2} %}{{ k }}{% endfor %}{% for i in range(3, 0, -1) %}{{ i }}{% endfor %}{% for x in (1, 2) %}{{ x }}{% endfor %}", {}),
    ("loop_else", "{% for x in [] %}{{ x }}{% else %}none{% endfor %}{% for x in [1] if x > 5 %}{{ x }}{% else %}filtered{% endfor %}", {}),
    # --- macros and call blocks
    ("macro_args", "{% macro m(a, b=a ~ '!') %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1) }}|{{ m(1, 2, 3, k=4) }}|{{ m(b='x', a='y') }}", {}),
    ("macro_recursion", "{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1)|int }}{% endif %}{% endmacro %}{{ fact(6) }}", {}),
    ("macro_in_expression", "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m('a')|upper }}{{ m('b') ~ m('c') }}{% set s = m('d') %}{{ s }}{{ m }}", {}),
    ("macro_missing_param", "{% macro m(a, b) %}[{{ a }}][{{ b }}][{{ b is defined }}]{% endmacro %}{{ m(1) }}", {}),
    ("call_block", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('p') %}body {{ 1 + 1 }}{% endcall %}|{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}{% call(item) each([1, 2]) %}[{{ item }}]{% endcall %}", {}),
    ("filter_block", "{% filter upper %}ab{{ 'c' }}{% endfilter %}|{% filter replace('a', 'b')|upper %}aa{% endfilter %}|{% filter upper %}{% set w = 2 %}x{% endfilter %}[{{ w }}]", {}),
    ("with_block", "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]{% with x = 5 %}{% set x = 6 %}{{ x }}{% endwith %}", {}),
    ("print_stmt", "{% print 1, 2 %}|{% print 'x' ~ 'y' %}", {}),
    ("generation_tag", "{% generation %}x{{ 1 }}{% endgeneration %}|{% generation %}{% set q = 1 %}{% endgeneration %}[{{ q }}]", {}),
    # --- more corners
    ("ws_mixed_controls", "a  \n  {%- if true %}\n  b\n  {%+ endif %}\n  {{- 'c' }}\n  {# x -#}\n  d", {}),
    ("ws_comment_line_start", "{# first #}\n  {# second #}\nx\n    {#- third #}\ny", {}),
    ("ws_variable_minus_both", "[ {{- 1 -}} ]\n[  {{- 2 }}  ]\n[  {{ 3 -}}  ]", {}),
    ("repr_nested", "{{ messages[0] }}|{{ [messages[1], (1, 'x'), {'k': [none, true]}] }}|{{ {'a': 1}.items()|list }}|{{ (1, 2)|list }}", MSGS),
    ("numbers_more", "{{ 2**62 }} {{ -2**62 }} {{ 9007199254740993 }} {{ 1e-7 }} {{ 123e-20 }} {{ 0.5e1 }} {{ 10 / 3 * 3 }} {{ 1 // 0.3 }} {{ -1 % 0.3 }}", {}),
    ("format_more", "{{ '%5.1f%%' % 99.55 }}|{{ '%-6d|' % 42 }}|{{ '%c' % 65 }}|{{ '%s' % none }}|{{ '%i' % true }}|{{ '%.0f' % 2.5 }}|{{ '%08.3f' % -3.14159 }}", {}),
    ("filters_more", "{{ [1, 2, 3]|sum(start=10) }}|{{ [{'a': 1}, {'a': 2}]|sum(attribute='a') }}|{{ [{'n': 'x'}, {'n': 'y'}]|join('-', attribute='n') }}|{{ 3|string ~ 'x' }}|{{ [1, 2]|string }}|{{ 'x'|center|length }}|{{ {'a': none}|tojson }}|{{ 'é'|tojson(ensure_ascii=true) }}|{{ 'abc'|batch(2)|list }}|{{ range(10)[::-1]|list }}|{{ 'Hello World'|wordcount }}|{{ ['b', 'a']|sort|first }}|{{ [[2, 'b'], [1, 'a']]|sort|first }}|{{ {'x': 2, 'y': 1}|dictsort(by='value')|first }}", {}),
    ("unicode_identifiers", "{% set café = 1 %}{{ café }}{% set 変数 = 'v' %}{{ 変数 }}", {}),
    ("keyword_attrs", "{{ d.if }}|{{ d['for'] }}|{{ d.in }}", {"d": {"if": 1, "for": 2, "in": 3}}),
    ("caller_args", "{% macro m() %}{{ caller(1, 2) }}|{{ caller(3, 4) }}{% endmacro %}{% call(a, b) m() %}{{ a + b }}{% endcall %}", {}),
    ("cond_expr_undefined_chain", "{{ ('x' if false) is defined }}|{{ ('x' if false)|default('dflt') }}|[{{ 'a' ~ ('x' if false) }}]", {}),
    ("is_test_arg_forms", "{{ 6 is divisibleby 3 and 7 is odd }}|{{ 'a' is in ['a', 'b'] }}|{{ none is sameas none if true else 'x' }}|{{ [1] is sequence }}|{{ {'a': 1}.items() is sequence }}|{{ range(3) is sequence }}|{{ 'x' is iterable }}", {}),
    ("namespace_in_loop", "{% set ns = namespace(found=false, count=0) %}{% for m in messages %}{% if m.role == 'user' %}{% set ns.found = true %}{% set ns.count = ns.count + 1 %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.count }}", MSGS),
    ("string_iteration_and_index", "{% for ch in 'aé😀' %}{{ loop.index }}={{ ch }};{% endfor %}{{ 'aé😀'[2] }}{{ 'aé😀'|list|length }}", {}),
    ("dict_iteration_order", "{% for k in d %}{{ k }},{% endfor %}|{% for k, v in d|items %}{{ k }}={{ v }},{% endfor %}|{{ d|list }}|{{ d|length }}", {"d": {"zeta": 1, "alpha": 2, "mid": 3}}),
    ("strip_variants", "[{{ '\t x \n'.strip() }}][{{ 'xyhixy'.strip('yx') }}][{{ 'aaa'.lstrip('a') }}][{{ '  '.strip() }}][{{ '\u00a0x\u2003'.strip() }}][{{ 'x\u200b'.strip() }}]", {}),
    ("split_variants", "{{ 'a,,b'.split(',', 1) }}{{ 'a b  c'.split(None, 1) }}{{ '  a b  '.rsplit(None, 1) }}{{ 'a\n\nb\n'.splitlines() }}{{ 'a\nb'.splitlines(true) }}{{ 'a-b-c'.rsplit('-') }}", {}),
    ("err_divisibleby_zero", "{{ 10 is divisibleby 0 }}", {}),
    ("err_list_of_none", "{{ none|list }}", {}),
    ("err_items_undefined_attr", "{{ missing.items() }}", {}),
    # --- errors (the renderer must fail too)
    ("err_undefined_attr", "{{ missing.attr }}", {}),
    ("err_undefined_add", "{{ missing + 1 }}", {}),
    ("err_undefined_item", "{{ missing[0] }}", {}),
    ("err_undefined_call", "{{ missing() }}", {}),
    ("err_undefined_deep", "{{ d.nope.deeper }}", D),
    ("err_undefined_int_filter", "{{ missing|int }}", {}),
    ("err_tojson_undefined", "{{ missing|tojson }}", {}),
    ("err_tojson_generator", "{{ [1]|select|tojson }}", {}),
    ("err_generator_len", "{{ [1]|select|length }}", {}),
    ("err_type_add", "{{ 'a' + 1 }}", {}),
    ("err_type_add2", "{{ 1 + 'a' }}", {}),
    ("err_list_tuple", "{{ [1] + (2,) }}", {}),
    ("err_div_zero", "{{ 7 / 0 }}", {}),
    ("err_floordiv_zero", "{{ 7 // 0 }}", {}),
    ("err_in_none", "{{ 'x' in none }}", {}),
    ("err_in_string_int", "{{ 1 in 'abc' }}", {}),
    ("err_sort_mixed", "{{ [1, 'a']|sort }}", {}),
    ("err_compare_mixed", "{{ 1 < 'a' }}", {}),
    ("err_unsafe_append", "{% set l = [1] %}{{ l.append(2) }}", {}),
    ("err_unsafe_update", "{{ {}.update({}) }}", {}),
    ("err_unsafe_pop", "{{ [1].pop() }}", {}),
    ("err_dunder_chain", "{{ ''.__class__.__mro__ }}", {}),
    ("err_ns_underscore", "{% set ns = namespace() %}{% set ns._x = 1 %}", {}),
    ("err_ns_ctor_underscore", "{{ namespace(_a=1) }}", {}),
    ("err_set_attr_non_ns", "{% set x = 1 %}{% set x.y = 2 %}", {}),
    ("err_raise_exception", "{{ raise_exception('Conversation roles must alternate') }}", {}),
    ("err_range_too_big", "{{ range(100001)|length }}", {}),
    ("err_range_step_zero", "{{ range(0, 10, 0) }}", {}),
    ("err_unpack_count", "{% for a, b in [[1, 2, 3]] %}{% endfor %}", {}),
    ("err_macro_too_many", "{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}", {}),
    ("err_macro_bad_kwarg", "{% macro m(a) %}{% endmacro %}{{ m(b=1) }}", {}),
    ("err_not_callable", "{{ 'abc'() }}", {}),
    ("err_str_join_int", "{{ ', '.join([1, 2]) }}", {}),
    ("err_format_args", "{{ '%s %s' % ('a',) }}", {}),
    ("err_index_missing", "{{ [1].index(5) }}", {}),
    ("err_unknown_filter", "{{ 1|nosuchfilter }}", {}),
    ("err_unknown_test", "{{ 1 is nosuchtest }}", {}),
    ("err_include", "{% include 'other.jinja' %}", {}),
    ("err_extends", "{% extends 'base.jinja' %}", {}),
    ("err_items_non_mapping", "{{ [1]|items|list }}", {}),
    ("err_cycle_empty", "{% for x in [1] %}{{ loop.cycle() }}{% endfor %}", {}),
    ("err_slice_step_zero", "{{ [1, 2][::0] }}", {}),
    ("err_neg_string", "{{ -'a' }}", {}),
    ("err_iterate_int", "{% for x in 5 %}{% endfor %}", {}),
    # --- syntax errors
    ("syn_empty_if", "{% if %}x{% endif %}", {}),
    ("syn_empty_print", "{{ }}", {}),
    ("syn_for_missing_iter", "{% for x in %}{% endfor %}", {}),
    ("syn_stray_endif", "{% endif %}", {}),
    ("syn_dangling_op", "{{ 1 + }}", {}),
    ("syn_unclosed_if", "{% if true %}x", {}),
    ("syn_unclosed_paren", "{{ (1 }}", {}),
    ("syn_extra_paren", "{{ 1) }}", {}),
    ("syn_unterminated_string", "{{ 'abc }}", {}),
    ("syn_unknown_tag", "{% frobnicate %}", {}),
    ("syn_unterminated_comment", "a {# never closed", {}),
    ("syn_unterminated_raw", "{% raw %}x", {}),
    ("syn_pipe_nothing", "{{ x | }}", {}),
    ("syn_is_nothing", "{{ x is }}", {}),
    ("syn_assign_literal", "{% set 1 = 2 %}", {}),
    ("syn_leading_zero", "{{ 007 }}", {}),
    ("syn_bad_char", "{{ 1 $ 2 }}", {}),
    ("syn_macro_default_order", "{% macro m(a=1, b) %}{% endmacro %}", {}),
    ("syn_unclosed_variable", "{{ x", {}),
    ("syn_chained_is", "{{ x is defined is defined }}", {}),
]


def language_cases():
    from transformers.utils.chat_template_utils import _compile_jinja_template

    out = []
    for name, source, ctx in LANGUAGE:
        case = {"name": name, "template": source, "context": ctx}
        try:
            case["expected"] = _compile_jinja_template(source).render(**copy.deepcopy(ctx))
        except Exception as e:
            case["error"] = type(e).__name__
            case["error_message"] = str(e)
        out.append(case)
    return out


def main():
    versions = check_versions()
    manifest = json.load(open(os.path.join(FIXTURES, "manifest.json"), encoding="utf-8"))
    chat = chat_goldens(manifest)
    lang = language_cases()
    meta = {"generator": "scripts/templates/make_goldens.py", "versions": versions}
    with open(os.path.join(FIXTURES, "chat_goldens.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "cases": chat}, f, ensure_ascii=False, indent=1)
    with open(os.path.join(FIXTURES, "language_cases.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "cases": lang}, f, ensure_ascii=False, indent=1)
    n_err = sum("error" in c for c in chat)
    print(f"chat goldens: {len(chat)} ({n_err} expected errors); language cases: {len(lang)} "
          f"({sum('error' in c for c in lang)} expected errors)")


if __name__ == "__main__":
    main()
