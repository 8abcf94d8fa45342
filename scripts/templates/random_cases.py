#!/usr/bin/env python3
"""Differential fuzzing of the C++ template sandbox against jinja2: generates random small templates
(expressions, filters, tests, methods, statements) over a fixed context, renders them with the
environment transformers uses, and writes a case file in the language_cases.json format.

    python3 scripts/templates/random_cases.py 5000 /tmp/random_cases.json [seed]
    FARSIGHT_TEMPLATE_CASES=/tmp/random_cases.json build/<dir>/tests/engine/template/test_template \
        --gtest_filter=TemplateGoldens.LanguageCasesMatchJinja2

Constructs where the sandbox documents a difference (integers beyond 64 bits, Markup) are avoided.
"""
import json
import random
import sys

CONTEXT = {
    "s": "Héllo, World", "e": "", "n": 7, "f": 2.5, "neg": -3, "b": True, "z": None,
    "l": [3, 1, 2], "ls": ["b", "a", "C"], "t": "  pad  ",
    "msgs": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"},
             {"role": "assistant", "content": "<think>r</think>ok"}],
    "d": {"k": "v", "n": 1, "nested": {"x": [1, {"y": "deep"}]}},
    "u": "日本語😀",
}

ATOMS = ["s", "e", "n", "f", "neg", "b", "z", "l", "ls", "t", "msgs", "d", "u", "missing",
         "1", "0", "-1", "2.0", "0.5", "1e3", "'x'", "'ab c'", "'é'", "''", "none", "true", "false",
         "[1, 2]", "[]", "{'a': 1}", "(1, 'a')", "d.k", "d['n']", "d.nested.x[1].y", "msgs[1].content",
         "msgs[-1]['role']", "l[0]", "ls[1:]", "s[::-1]", "u[1]", "loop_free"]
BINOPS = ["+", "-", "*", "/", "//", "%", "~", "==", "!=", "<", ">=", "in", "not in", "and", "or"]
FILTERS = ["length", "upper", "lower", "title", "capitalize", "trim", "list", "sort", "reverse|list", "first",
           "last", "join(',')", "join", "string", "int", "float", "abs", "round", "round(1)", "tojson",
           "tojson(indent=2)", "default('D')", "default('D', true)", "unique|list", "sum", "max", "min",
           "select|list", "reject('none')|list", "map('string')|list", "batch(2)|list", "center(9)",
           "indent(2)", "replace('l', 'L')", "wordcount", "dictsort", "items|list", "count", "truncate(5, true, '')",
           "selectattr('role', 'eq', 'user')|list", "map(attribute='role')|list", "format(1)"]
TESTS = ["defined", "undefined", "none", "string", "number", "integer", "float", "mapping", "iterable",
         "sequence", "odd", "even", "divisibleby 3", "eq 1", "in [1, 'x']", "true", "false", "boolean", "lower"]
METHODS = ["upper()", "lower()", "strip()", "split()", "split(',')", "startswith('H')", "endswith('d')",
           "replace('o', '0')", "find('l')", "count('l')", "title()", "get('k')", "get('zz', 1)", "items()|list",
           "keys()|list", "index(1)", "lstrip(' H')", "rsplit(' ', 1)", "format(1)", "zfill(4)", "isdigit()"]


def expr(r, depth=0):
    k = r.random()
    if depth > 2 or k < 0.3:
        return r.choice(ATOMS)
    if k < 0.5:
        return f"({expr(r, depth + 1)} {r.choice(BINOPS)} {expr(r, depth + 1)})"
    if k < 0.65:
        return f"({expr(r, depth + 1)}|{r.choice(FILTERS)})"
    if k < 0.75:
        return f"({expr(r, depth + 1)} is {'not ' if r.random() < 0.3 else ''}{r.choice(TESTS)})"
    if k < 0.85:
        return f"{r.choice(['s', 't', 'd', 'l', 'u', 'ls'])}.{r.choice(METHODS)}"
    if k < 0.93:
        return f"({expr(r, depth + 1)} if {expr(r, depth + 1)} else {expr(r, depth + 1)})"
    return f"(not {expr(r, depth + 1)})"


def template(r):
    k = r.random()
    e = expr(r)
    if k < 0.6:
        return "{{ " + e + " }}"
    if k < 0.75:
        return "{% for x in " + e + " %}[{{ loop.index }}:{{ x }}]{% else %}none{% endfor %}"
    if k < 0.85:
        return "{% if " + e + " %}yes{% else %}no{% endif %}"
    if k < 0.95:
        return "{% set v = " + e + " %}{{ v }}|{{ v is defined }}"
    return "{% macro m(a, b=" + expr(r) + ") %}{{ a }}/{{ b }}{% endmacro %}{{ m(" + e + ") }}"


def main():
    from transformers.utils.chat_template_utils import _compile_jinja_template

    n, out = int(sys.argv[1]), sys.argv[2]
    r = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    cases = []
    for i in range(n):
        src = template(r)
        case = {"name": f"random_{i}", "template": src, "context": CONTEXT}
        try:
            case["expected"] = _compile_jinja_template(src).render(**json.loads(json.dumps(CONTEXT)))
        except Exception as ex:  # noqa: BLE001 - the class name is the expectation
            case["error"], case["error_message"] = type(ex).__name__, str(ex)
        cases.append(case)
    json.dump({"meta": {"generator": "scripts/templates/random_cases.py"}, "cases": cases},
              open(out, "w", encoding="utf-8"), ensure_ascii=False, indent=0)
    print(f"{n} cases, {sum('error' in c for c in cases)} expected errors -> {out}")


if __name__ == "__main__":
    main()
