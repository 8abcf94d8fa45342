// eval-logits: prefill logits for every prompt position and an optional greedy cached decode,
// in the layout of the MiniMax reference fixtures (input_ids i64 [T] -> logits_prefill f32 [T, V],
// decode_ids i64 [K], logits_decode f32 [K, V]).
#include <cstdio>
#include <cstring>

#include "api/model_impl.h"
#include "args.h"
#include "commands.h"
#include "generate/sampler.h"
#include "io/safetensors.h"
#include "io/safetensors_writer.h"

namespace farsight::cli {

Status cmd_eval_logits(int argc, char** argv) {
    FS_ASSIGN_OR_RETURN(Args args, Args::parse(argc, argv, 2, {"model", "input", "output", "decode", "device", "precision", "chunk", "threads"}, {}));
    FS_ASSIGN_OR_RETURN(std::string model_dir, args.require("model"));
    FS_ASSIGN_OR_RETURN(std::string in_path, args.require("input"));
    FS_ASSIGN_OR_RETURN(std::string out_path, args.require("output"));
    FS_ASSIGN_OR_RETURN(int64_t n_decode, args.get_int("decode", 0, 0, 1 << 20));
    FS_ASSIGN_OR_RETURN(int64_t chunk, args.get_int("chunk", 0, 0, 1 << 24));
    FS_ASSIGN_OR_RETURN(int64_t threads, args.get_int("threads", 0, 0, 1024));
    LoadOptions lo;
    lo.device = args.get("device").value_or("cpu");
    lo.precision = args.get("precision").value_or("fp32");
    lo.n_threads = static_cast<int>(threads);

    FS_ASSIGN_OR_RETURN(SafetensorsFile input, SafetensorsFile::open(in_path));
    const TensorInfo* ids_info = input.find("input_ids");
    if (!ids_info) return Status(ErrorCode::not_found, in_path + " has no tensor 'input_ids'");
    if (ids_info->dtype != DType::i64 || ids_info->shape.size() != 1)
        return Status(ErrorCode::bad_shape, "input_ids must be an int64 tensor of shape [T]");
    const int64_t t = ids_info->shape[0];
    if (t < 1) return Status(ErrorCode::bad_shape, "input_ids is empty");

    FS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::load(model_dir, lo));
    const ModelImpl& mi = model->impl();
    const int64_t v = mi.info.n_vocab;
    std::vector<int32_t> ids(static_cast<size_t>(t));
    for (int64_t i = 0; i < t; ++i) {
        int64_t x;
        std::memcpy(&x, input.data(*ids_info) + 8 * i, 8);
        if (x < 0 || x >= v)
            return Status(ErrorCode::invalid_argument, "input_ids[" + std::to_string(i) + "] = " + std::to_string(x) +
                                                           " is outside the vocabulary (size " + std::to_string(v) + ")");
        ids[static_cast<size_t>(i)] = static_cast<int32_t>(x);
    }
    if (t + n_decode > (int64_t{1} << 24)) return Status(ErrorCode::limit_exceeded, "prompt plus decode steps is too long");
    const uint64_t logit_bytes = static_cast<uint64_t>(t) * static_cast<uint64_t>(v) * 4;
    FS_ASSIGN_OR_RETURN(HostBuffer prefill_logits, HostBuffer::allocate(logit_bytes, false));
    FS_ASSIGN_OR_RETURN(SequenceState state,
                        SequenceState::create(mi.lm->state_layout(), t + n_decode + 1, mi.device(), mi.kv_dtype()));
    Workspace ws(mi.device());
    const OpContext ctx = mi.op_context();
    const int64_t step = chunk > 0 ? chunk : t;
    for (int64_t done = 0; done < t; done += step) {
        const int64_t n = std::min(step, t - done);
        FS_RETURN_IF_ERROR(mi.lm->forward(ctx, state, ws, std::span<const int32_t>(ids).subspan(static_cast<size_t>(done), static_cast<size_t>(n)),
                                          LogitsMode::all, prefill_logits.as<float>() + done * v));
    }
    std::vector<int64_t> decode_ids;
    std::vector<float> decode_logits(static_cast<size_t>(n_decode * v));
    const float* last = prefill_logits.as<float>() + (t - 1) * v;
    for (int64_t k = 0; k < n_decode; ++k) {
        const int32_t tok = argmax(std::span<const float>(last, static_cast<size_t>(v)));
        decode_ids.push_back(tok);
        const int32_t one[1] = {tok};
        float* out = decode_logits.data() + k * v;
        FS_RETURN_IF_ERROR(mi.lm->forward(ctx, state, ws, one, LogitsMode::last, out));
        last = out;
    }
    std::vector<TensorToWrite> tensors;
    tensors.push_back({"logits_prefill", DType::f32, {t, v},
                       std::span<const uint8_t>(static_cast<const uint8_t*>(prefill_logits.data()), logit_bytes)});
    if (n_decode > 0) {
        tensors.push_back({"decode_ids", DType::i64, {n_decode},
                           std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(decode_ids.data()), decode_ids.size() * 8)});
        tensors.push_back({"logits_decode", DType::f32, {n_decode, v},
                           std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(decode_logits.data()), decode_logits.size() * 4)});
    }
    const std::string device = mi.gpu ? "cuda" : "cpu";
    const std::string precision = mi.precision == Precision::bf16 ? "bf16" : "fp32";
    FS_RETURN_IF_ERROR(write_safetensors(out_path, tensors,
                                         {{"producer", "farsight-cli eval-logits"}, {"device", device}, {"precision", precision}}));
    std::fprintf(stderr, "eval-logits: %lld prompt tokens, %lld decode steps, vocab %lld -> %s\n",
                 static_cast<long long>(t), static_cast<long long>(n_decode), static_cast<long long>(v), out_path.c_str());
    return {};
}

}  // namespace farsight::cli
