// Global functions visible to chat templates, as transformers' _compile_jinja_template sets them:
// raise_exception, strftime_now, dict (TemplateDict), namespace (TemplateNamespace, refusing
// underscore names), and jinja2's default range (sandbox: at most MAX_RANGE = 100000 items) and
// joiner. Reference: transformers src/transformers/utils/chat_template_utils.py, jinja2 defaults.py.
#include <ctime>

#include "tokenizer/jinja/builtins.h"
#include "tokenizer/jinja/evaluator.h"

namespace farsight::jinja {

namespace {

constexpr int64_t k_max_range = 100000;  // jinja2.sandbox.MAX_RANGE

Value g_range(Evaluator& e, CallArgs& a) {
    if (!a.kwargs.empty()) type_error("range() takes no keyword arguments");
    if (a.args.empty() || a.args.size() > 3) type_error("range expected 1 to 3 arguments, got " + std::to_string(a.args.size()));
    int64_t start = 0, stop, step = 1;
    if (a.args.size() == 1) {
        stop = int_arg(a.args[0], "range()");
    } else {
        start = int_arg(a.args[0], "range()");
        stop = int_arg(a.args[1], "range()");
        if (a.args.size() == 3) step = int_arg(a.args[2], "range()");
    }
    if (step == 0) fail(ErrorCode::invalid_argument, "ValueError: range() arg 3 must not be zero");
    uint64_t n = 0;  // len(range(start, stop, step)) without overflow
    if (step > 0 && stop > start)
        n = (static_cast<uint64_t>(stop) - static_cast<uint64_t>(start) - 1) / static_cast<uint64_t>(step) + 1;
    else if (step < 0 && start > stop)
        n = (static_cast<uint64_t>(start) - static_cast<uint64_t>(stop) - 1) / (static_cast<uint64_t>(-(step + 1)) + 1) + 1;
    if (n > static_cast<uint64_t>(k_max_range))
        fail(ErrorCode::limit_exceeded, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    e.check_items(static_cast<size_t>(n));
    std::vector<Value> items;
    items.reserve(static_cast<size_t>(n));
    for (uint64_t i = 0; i < n; ++i) items.push_back(Value::integer(start + static_cast<int64_t>(i) * step));
    auto l = std::make_shared<ListData>();
    l->items = std::move(items);
    l->tag = ListData::Tag::range;
    l->range_start = start;
    l->range_stop = stop;
    l->range_step = step;
    return Value::list_data(std::move(l));
}

Value g_dict(Evaluator& e, CallArgs& a) {
    if (a.args.size() > 1) type_error("dict expected at most 1 argument, got " + std::to_string(a.args.size()));
    auto d = std::make_shared<DictData>();
    if (a.args.size() == 1) {
        const Value& src = a.args[0];
        if (src.is_dict()) {
            for (const auto& kv : src.as_dict().items) d->set(kv.first, kv.second);
        } else {
            std::vector<Value> pairs = e.to_list(src);
            for (size_t i = 0; i < pairs.size(); ++i) {
                std::vector<Value> kv = e.to_list(pairs[i]);
                if (kv.size() != 2)
                    type_error("dictionary update sequence element #" + std::to_string(i) + " has length " +
                               std::to_string(kv.size()) + "; 2 is required");
                d->set(kv[0], kv[1]);
            }
        }
    }
    for (const auto& [k, v] : a.kwargs) d->set(Value::str(k), v);
    e.step(static_cast<int64_t>(d->items.size()));
    return Value::dict(std::move(d));
}

void check_ns_name(const std::string& name) {
    if (!name.empty() && name[0] == '_')
        fail(ErrorCode::invalid_argument, "SecurityError: Chat templates cannot store underscore-prefixed attributes on a "
                                          "namespace, but got '" + name + "'.");
}

Value g_namespace(Evaluator& e, CallArgs& a) {
    Value d = g_dict(e, a);
    auto ns = std::make_shared<NamespaceData>();
    for (const auto& kv : d.as_dict().items) {
        if (kv.first.is_string()) check_ns_name(kv.first.as_string());
        ns->attrs.emplace_back(to_str(kv.first), kv.second);
    }
    e.track(ns);
    return Value::ns(std::move(ns));
}

Value g_raise_exception(Evaluator&, CallArgs& a) {
    Params p(a, {"message"}, "raise_exception", 1);
    fail(ErrorCode::invalid_argument, "raise_exception: " + to_str(p.get(0)));
}

Value g_strftime_now(Evaluator&, CallArgs& a) {
    Params p(a, {"format"}, "strftime_now", 1);
    if (!p.get(0).is_string()) type_error("strftime() argument 1 must be str, not " + type_name(p.get(0)));
    std::string fmt = p.get(0).as_string();
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    std::tm tm{};
    localtime_r(&ts.tv_sec, &tm);
    // datetime.strftime handles %f itself (microseconds); the rest goes to the C library, as in CPython.
    std::string expanded;
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] == '%' && i + 1 < fmt.size()) {
            if (fmt[i + 1] == 'f') {
                char buf[32];
                std::snprintf(buf, sizeof(buf), "%06ld", ts.tv_nsec / 1000);
                expanded += buf;
                ++i;
                continue;
            }
            expanded += fmt[i];
            expanded += fmt[++i];
            continue;
        }
        expanded += fmt[i];
    }
    if (expanded.size() > 4096) type_error("strftime format too long");
    std::string out(expanded.size() * 8 + 64, '\0');
    size_t n = std::strftime(out.data(), out.size(), expanded.c_str(), &tm);
    out.resize(n);
    return Value::str(std::move(out));
}

Value g_joiner(Evaluator&, CallArgs& a) {
    Params p(a, {"sep"}, "joiner");
    std::string sep = p.has(0) ? to_str(p.get(0)) : ", ";
    auto used = std::make_shared<bool>(false);
    return Value::callable("joiner", [sep, used](Evaluator&, CallArgs&) -> Value {
        if (!*used) {
            *used = true;
            return Value::str("");
        }
        return Value::str(sep);
    });
}

}  // namespace

const std::unordered_map<std::string, Value>& template_globals() {
    static const std::unordered_map<std::string, Value> globals = {
        {"range", Value::callable("range", g_range, "<class 'range'>")},
        {"dict", Value::callable("dict", g_dict, "<TemplateDict object>")},
        {"namespace", Value::callable("namespace", g_namespace, "<class 'TemplateNamespace'>")},
        {"raise_exception", Value::callable("raise_exception", g_raise_exception, "<function raise_exception>")},
        {"strftime_now", Value::callable("strftime_now", g_strftime_now, "<function strftime_now>")},
        {"joiner", Value::callable("joiner", g_joiner, "<class 'jinja2.utils.Joiner'>")},
    };
    return globals;
}

}  // namespace farsight::jinja
