// json.dumps as transformers' `tojson` filter calls it: ensure_ascii=False, sort_keys=False,
// indent/separators as given, no HTML escaping (transformers overrides jinja2's htmlsafe tojson).
// Reference: CPython 3.11 Lib/json/encoder.py (_make_iterencode, encode_basestring(_ascii)).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/evaluator.h"
#include "tokenizer/jinja/pystring.h"

namespace farsight::jinja {

namespace {

void escape_string(std::string& out, const std::string& s, bool ensure_ascii) {
    out += '"';
    auto hex4 = [&](unsigned v) {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "\\u%04x", v & 0xFFFFu);
        out += buf;
    };
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                default:
                    if (c < 0x20 || (ensure_ascii && c == 0x7F)) hex4(c);
                    else out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        size_t n = (c >> 5) == 6 ? 2 : ((c >> 4) == 14 ? 3 : 4);
        if (!ensure_ascii) {
            out.append(s, i, n);
        } else {
            char32_t cp = py::decode(std::string_view(s).substr(i, n))[0];
            if (cp >= 0x10000) {
                cp -= 0x10000;
                hex4(0xD800 | static_cast<unsigned>(cp >> 10));
                hex4(0xDC00 | static_cast<unsigned>(cp & 0x3FF));
            } else {
                hex4(static_cast<unsigned>(cp));
            }
        }
        i += n;
    }
    out += '"';
}

std::string float_json(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    return py::float_repr(d);
}

class Encoder {
public:
    Encoder(Evaluator& e, const JsonOptions& opt) : m_e(e), m_opt(opt) {}

    void encode(const Value& v, int level) {
        m_e.step();
        Evaluator::DepthGuard guard(m_e);
        switch (v.kind()) {
            case Value::Kind::none: m_out += "null"; break;
            case Value::Kind::boolean: m_out += v.as_bool() ? "true" : "false"; break;
            case Value::Kind::integer: m_out += std::to_string(v.as_int()); break;
            case Value::Kind::floating: m_out += float_json(v.as_float()); break;
            case Value::Kind::string: escape_string(m_out, v.as_string(), m_opt.ensure_ascii); break;
            case Value::Kind::list: {
                auto tag = v.as_list().tag;
                if (tag != ListData::Tag::list && tag != ListData::Tag::tuple) not_serializable(v);
                const auto& items = v.items();
                if (items.empty()) { m_out += "[]"; break; }
                m_out += '[';
                newline(level + 1);
                for (size_t i = 0; i < items.size(); ++i) {
                    if (i) {
                        m_out += m_opt.item_sep;
                        newline(level + 1);
                    }
                    encode(items[i], level + 1);
                }
                newline(level);
                m_out += ']';
                break;
            }
            case Value::Kind::dict: {
                std::vector<const std::pair<Value, Value>*> kvs;
                for (const auto& kv : v.as_dict().items) kvs.push_back(&kv);
                if (kvs.empty()) { m_out += "{}"; break; }
                if (m_opt.sort_keys)
                    std::stable_sort(kvs.begin(), kvs.end(), [](auto* a, auto* b) { return compare(a->first, b->first) < 0; });
                m_out += '{';
                newline(level + 1);
                bool first = true;
                for (const auto* kv : kvs) {
                    if (!first) {
                        m_out += m_opt.item_sep;
                        newline(level + 1);
                    }
                    first = false;
                    escape_string(m_out, key_string(kv->first), m_opt.ensure_ascii);
                    m_out += m_opt.key_sep;
                    encode(kv->second, level + 1);
                }
                newline(level);
                m_out += '}';
                break;
            }
            default: not_serializable(v);
        }
        m_e.check_size(m_out.size());
    }

    std::string take() { return std::move(m_out); }

private:
    [[noreturn]] static void not_serializable(const Value& v) {
        type_error("Object of type " + type_name(v) + " is not JSON serializable");
    }

    void newline(int level) {
        if (!m_opt.indent) return;
        m_e.check_size(m_out.size() + 1 + static_cast<size_t>(level) * m_opt.indent->size());
        m_out += '\n';
        for (int i = 0; i < level; ++i) m_out += *m_opt.indent;
    }

    static std::string key_string(const Value& k) {
        switch (k.kind()) {
            case Value::Kind::string: return k.as_string();
            case Value::Kind::floating: return float_json(k.as_float());
            case Value::Kind::boolean: return k.as_bool() ? "true" : "false";
            case Value::Kind::none: return "null";
            case Value::Kind::integer: return std::to_string(k.as_int());
            default: type_error("keys must be str, int, float, bool or None, not " + type_name(k));
        }
    }

    Evaluator& m_e;
    const JsonOptions& m_opt;
    std::string m_out;
};

}  // namespace

std::string dumps(Evaluator& e, const Value& v, const JsonOptions& opt) {
    Encoder enc(e, opt);
    enc.encode(v, 0);
    return enc.take();
}

}  // namespace farsight::jinja
