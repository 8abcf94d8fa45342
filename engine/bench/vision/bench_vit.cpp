// ViT tower benchmark (validate, then time): the vision tower at the CLIP ViT-L/14-336 shape of
// MiniMax-VL-01 (spec §4.1: 24 layers, 1024 wide, 16 heads, 577 tokens per 336-px tile) with random
// weights, batched tiles, on the GPU (bf16 GEMMs + flash attention) or the CPU. Validation first:
// a 2-layer tower at full width on the device against the CPU's f32 path. Prints a table and
// key=value lines; --json writes them. The PyTorch baseline of the same shape is
// scripts/gpu/vit_torch_baseline.py (run in the same session by scripts/gpu/vision_bench.sh).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "models/vision/vision_tower.h"
#include "ops/attention_full.h"
#include "ops/layer_norm.h"
#include "ops/linear.h"
#include "runtime/runtime.h"

using namespace farsight;

namespace {

VisionTowerConfig vit_l14_336(int64_t layers) {
    VisionTowerConfig c;
    c.kind = TowerKind::clip;
    c.n_embd = 1024;
    c.n_ff = 4096;
    c.n_layer = layers;
    c.n_head = 16;
    c.image_size = 336;
    c.patch = 14;
    c.eps = 1e-5;
    c.act = Activation::gelu_erf;
    c.feature_layer = layers;  // vision_feature_layer -1
    c.drop_cls = true;
    return c;
}

// FLOPs of one tile through `layers` layers (GEMMs + attention, multiply-add = 2).
double flops_per_tile(const VisionTowerConfig& c) {
    const double t = static_cast<double>(c.n_positions()), e = c.n_embd, f = c.n_ff;
    const double per_layer = 2 * t * (4 * e * e + 2 * e * f) + 2 * 2 * t * t * e;
    return per_layer * c.feature_layer + 2.0 * c.n_patches() * e * 3 * c.patch * c.patch;
}

struct Runner {
    std::shared_ptr<GpuContext> gpu;
    ThreadPool pool;
    OpContext ctx;
    explicit Runner(int threads) : pool(static_cast<size_t>(threads)), ctx{Device::cpu, &pool, nullptr} {}
};

Status sync(Runner& d) { return d.gpu ? gpu_synchronize(*d.gpu) : Status(); }

// features of `tower` for host pixels, on d's device.
Result<std::vector<float>> run_once(Runner& d, const VisionTower& tower, Workspace& ws, const std::vector<float>& pixels,
                                    int64_t batch) {
    const VisionTowerConfig& c = tower.config();
    const int64_t s = c.image_size;
    FS_ASSIGN_OR_RETURN(TensorView px, ws.get(60, DType::f32, {batch, 3, s, s}));
    FS_ASSIGN_OR_RETURN(TensorView feat, ws.get(61, DType::f32, {batch, c.n_features(), c.n_embd}));
    FS_RETURN_IF_ERROR(copy_bytes(px.data, d.ctx.device, pixels.data(), Device::cpu, px.nbytes()));
    FS_RETURN_IF_ERROR(tower.forward(d.ctx, ws, px, feat));
    std::vector<float> out(static_cast<size_t>(feat.numel()));
    FS_RETURN_IF_ERROR(copy_bytes(out.data(), Device::cpu, feat.data, d.ctx.device, feat.nbytes()));
    FS_RETURN_IF_ERROR(sync(d));
    return out;
}

std::vector<float> random_pixels(int64_t n, uint64_t seed) {
    std::mt19937_64 g(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = nd(g);
    return v;
}

int fail(const Status& st) {
    std::fprintf(stderr, "bench_vit: %s\n", st.to_string().c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string device = "cuda", json_path, precision = "bf16";
    int64_t batch = 64, layers = 24, iters = 10, threads = 16;
    bool validate = true, breakdown = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--device") device = next();
        else if (a == "--batch") batch = std::stoll(next());
        else if (a == "--layers") layers = std::stoll(next());
        else if (a == "--iters") iters = std::stoll(next());
        else if (a == "--threads") threads = std::stoll(next());
        else if (a == "--precision") precision = next();
        else if (a == "--json") json_path = next();
        else if (a == "--no-validate") validate = false;
        else if (a == "--breakdown") breakdown = true;
        else {
            std::fprintf(stderr, "usage: bench_vit [--device cuda|cpu] [--batch N] [--layers N] [--iters N] [--precision bf16|fp32] "
                                 "[--threads N] [--json FILE] [--no-validate]\n");
            return 2;
        }
    }
    Runner dev(static_cast<int>(threads));
    const bool cuda = device == "cuda";
    if (cuda) {
        auto g = create_gpu_context(0);
        if (!g.ok()) return fail(g.status());
        dev.gpu = std::move(g).value();
        dev.ctx.device = Device::cuda;
        dev.ctx.stream = dev.gpu.get();
        dev.ctx.precision = precision == "fp32" ? Precision::fp32 : Precision::bf16;
    }
    nlohmann::json out = {{"bench", "vit_l14_336"}, {"device", device}, {"precision", cuda ? precision : "fp32"}, {"batch", batch},
                          {"layers", layers}};
    if (cuda) {
        auto info = gpu_info(0);
        if (info.ok()) out["gpu"] = info->name;
    }

    if (validate && cuda) {  // 2 full-width layers, 2 tiles: device vs the CPU's f32 path
        const VisionTowerConfig vc = vit_l14_336(2);
        auto ref_tower = VisionTower::synthetic(vc, 7);
        auto dev_tower = VisionTower::synthetic(vc, 7);
        if (!ref_tower.ok() || !dev_tower.ok()) return fail(Status(ErrorCode::out_of_memory, "synthetic weights"));
        Status st = (*dev_tower)->to_device(dev.ctx.precision);
        if (!st.ok()) return fail(st);
        const auto px = random_pixels(2 * 3 * 336 * 336, 11);
        Runner cpu(static_cast<int>(threads));
        Workspace ws_cpu, ws_dev(Device::cuda);
        auto want = run_once(cpu, **ref_tower, ws_cpu, px, 2);
        auto got = run_once(dev, **dev_tower, ws_dev, px, 2);
        if (!want.ok()) return fail(want.status());
        if (!got.ok()) return fail(got.status());
        double num = 0, den = 0;
        for (size_t i = 0; i < want->size(); ++i) {
            num = std::max(num, std::fabs(double((*got)[i]) - (*want)[i]));
            den = std::max(den, std::fabs(double((*want)[i])));
        }
        const double rel = num / std::max(den, 1e-30), tol = dev.ctx.precision == Precision::bf16 ? 4e-2 : 1e-4;
        std::printf("validate: max |d| / max |ref| = %.3g (tolerance %.0e) %s\n", rel, tol, rel <= tol ? "ok" : "FAILED");
        out["validate_rel_err"] = rel;
        if (!(rel <= tol)) {
            bench::write_json(json_path, out);
            return 3;
        }
    }

    const VisionTowerConfig c = vit_l14_336(layers);
    auto tower = VisionTower::synthetic(c, 1);
    if (!tower.ok()) return fail(tower.status());
    if (cuda) {
        Status st = (*tower)->to_device(dev.ctx.precision);
        if (!st.ok()) return fail(st);
    }
    Workspace ws(cuda ? Device::cuda : Device::cpu);
    const auto px = random_pixels(batch * 3 * 336 * 336, 3);
    auto pxv = ws.get(60, DType::f32, {batch, 3, 336, 336});
    auto feat = ws.get(61, DType::f32, {batch, c.n_features(), c.n_embd});
    if (!pxv.ok() || !feat.ok()) return fail(Status(ErrorCode::out_of_memory, "workspace"));
    if (Status st = copy_bytes(pxv->data, dev.ctx.device, px.data(), Device::cpu, pxv->nbytes()); !st.ok()) return fail(st);
    Status run_status;
    auto step = [&] {
        if (run_status.ok()) run_status = (*tower)->forward(dev.ctx, ws, *pxv, *feat);
        if (run_status.ok()) run_status = sync(dev);
    };
    const double secs = bench::time_median(static_cast<int>(iters), step);
    if (!run_status.ok()) return fail(run_status);
    const double ips = batch / secs, tflops = flops_per_tile(c) * batch / secs / 1e12;
    std::printf("%-14s %-6s %6s %7s %12s %10s %8s\n", "model", "device", "prec", "batch", "ms/batch", "images/s", "TFLOP/s");
    std::printf("%-14s %-6s %6s %7lld %12.2f %10.1f %8.1f\n", "ViT-L/14-336", device.c_str(), cuda ? precision.c_str() : "fp32",
                static_cast<long long>(batch), secs * 1e3, ips, tflops);
    std::printf("images_per_s=%.1f ms_per_batch=%.3f tflops=%.1f batch=%lld layers=%lld\n", ips, secs * 1e3, tflops,
                static_cast<long long>(batch), static_cast<long long>(layers));
    out["images_per_s"] = ips;
    out["ms_per_batch"] = secs * 1e3;
    out["tflops"] = tflops;
    out["workspace_bytes"] = ws.bytes();
    if (breakdown) {  // one layer's ops at this batch, each timed alone (ms per call, TFLOP/s)
        const int64_t t = c.n_positions(), e = c.n_embd, f = c.n_ff, m = batch * t;
        const DType adt = cuda && dev.ctx.precision == Precision::bf16 ? DType::bf16 : DType::f32;
        const VitLayerWeights& lw = (*tower)->weights().layers[0];
        auto x = ws.get(62, DType::f32, {batch, t, e}), x2 = ws.get(63, DType::f32, {batch, t, e});
        auto h = ws.get(64, adt, {batch, t, e}), qkv = ws.get(65, adt, {batch, t, 3 * e}), att = ws.get(66, adt, {batch, t, e});
        auto ff = ws.get(67, adt, {batch, t, f});
        if (!x.ok() || !x2.ok() || !h.ok() || !qkv.ok() || !att.ok() || !ff.ok()) return fail(Status(ErrorCode::out_of_memory, "ws"));
        const float scale = 0.125f;
        struct Item {
            const char* name;
            double flops;
            std::function<Status()> fn;
        };
        const std::vector<Item> items = {
            {"layer_norm", 0, [&] { return layer_norm(dev.ctx, *x, lw.ln1_w, lw.ln1_b, 1e-5f, *h); }},
            {"qkv_gemm+bias", 2.0 * m * e * 3 * e, [&] { return linear(dev.ctx, *h, lw.qkv_w, lw.qkv_b, Activation::none, {}, *qkv); }},
            {"attention", 4.0 * batch * t * t * e, [&] { return attention_full(dev.ctx, *qkv, c.n_head, scale, *att); }},
            {"out_gemm+bias+res", 2.0 * m * e * e, [&] { return linear(dev.ctx, *att, lw.out_w, lw.out_b, Activation::none, *x, *x2); }},
            {"fc1_gemm+bias+gelu", 2.0 * m * e * f, [&] { return linear(dev.ctx, *h, lw.fc1_w, lw.fc1_b, c.act, {}, *ff); }},
            {"fc1_gemm+bias", 2.0 * m * e * f, [&] { return linear(dev.ctx, *h, lw.fc1_w, lw.fc1_b, Activation::none, {}, *ff); }},
            {"fc2_gemm+bias+res", 2.0 * m * e * f, [&] { return linear(dev.ctx, *ff, lw.fc2_w, lw.fc2_b, Activation::none, *x2, *x); }},
        };
        nlohmann::json bj = nlohmann::json::object();
        for (const Item& it : items) {
            Status st;
            const double sec = bench::time_median(static_cast<int>(iters), [&] {
                for (int r = 0; r < 5 && st.ok(); ++r) st = it.fn();
                if (st.ok()) st = sync(dev);
            }) / 5;
            if (!st.ok()) return fail(st);
            std::printf("  %-20s %8.3f ms  %7.1f TFLOP/s\n", it.name, sec * 1e3, it.flops / sec / 1e12);
            bj[it.name] = {{"ms", sec * 1e3}, {"tflops", it.flops / sec / 1e12}};
        }
        out["breakdown_per_layer"] = bj;
    }
    bench::write_json(json_path, out);
    return 0;
}
