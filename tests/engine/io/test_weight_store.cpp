// WeightStore: the fixture model folders, sharded indexes, and every way a model folder can be
// wrong (escaping paths, missing shards/tensors, duplicates, pickle-only folders).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "io/safetensors_writer.h"
#include "io/weight_store.h"
#include "io_test_util.h"

using namespace farsight;
using namespace farsight::test;

namespace {

// Writes a shard holding f32 tensors `names`, tensor i filled with value `base + i`.
void write_shard(const fs::path& path, const std::vector<std::string>& names, float base = 0) {
    static std::vector<std::vector<float>> storage;  // outlives the write
    std::vector<TensorToWrite> ts;
    for (size_t i = 0; i < names.size(); ++i) {
        storage.emplace_back(6, base + static_cast<float>(i));
        TensorView v(storage.back().data(), DType::f32, {2, 3});
        ts.push_back(tensor_to_write(names[i], v));
    }
    ASSERT_TRUE(write_safetensors(path, ts).ok());
}

// {"metadata": {"total_size": N}, "weight_map": {...}} with entries written in order.
std::string index_json(const std::vector<std::pair<std::string, std::string>>& map, int64_t total_size = -1) {
    std::string s = "{";
    if (total_size >= 0) s += "\"metadata\":{\"total_size\":" + std::to_string(total_size) + "},";
    s += "\"weight_map\":{";
    for (size_t i = 0; i < map.size(); ++i) {
        if (i > 0) s += ",";
        s += "\"";
        s += map[i].first;
        s += "\":\"";
        s += map[i].second;
        s += "\"";
    }
    return s + "}}";
}

// A valid two-shard model: a, b in shard 1; c in shard 2.
fs::path two_shard_model(const fs::path& dir) {
    write_shard(dir / "model-00001-of-00002.safetensors", {"a", "b"}, 10);
    write_shard(dir / "model-00002-of-00002.safetensors", {"c"}, 20);
    return dir;
}

const std::vector<std::pair<std::string, std::string>> kTwoShardMap = {
    {"a", "model-00001-of-00002.safetensors"},
    {"b", "model-00001-of-00002.safetensors"},
    {"c", "model-00002-of-00002.safetensors"}};

ErrorCode open_code(const fs::path& p) { return WeightStore::open(p).status().code(); }

}  // namespace

TEST(WeightStore, OpensFixtureFolders) {
    struct Want {
        const char* dir;
        size_t n_tensors;
    };
    for (Want w : {Want{"a1-tiny-hybrid", 155}, Want{"a2-tiny-bf16", 307}, Want{"a3-hf-native", 155}}) {
        Result<WeightStore> ws = WeightStore::open(fixtures_dir() / w.dir);
        ASSERT_TRUE(ws.ok()) << ws.status().to_string();
        EXPECT_EQ(ws->tensors().size(), w.n_tensors) << w.dir;
        EXPECT_TRUE(ws->warnings().empty());
        uint64_t sum = 0;
        for (const TensorInfo* t : ws->tensors()) sum += t->n_bytes;
        EXPECT_EQ(ws->total_bytes(), sum);
        const TensorInfo* embed = ws->find("model.embed_tokens.weight");
        ASSERT_NE(embed, nullptr);
        TensorView v = ws->view(*embed);
        EXPECT_EQ(v.rank, 2);
        EXPECT_EQ(v.dim(1), 64);
        EXPECT_EQ(v.nbytes(), embed->n_bytes);
    }
    Result<WeightStore> a2 = WeightStore::open(fixtures_dir() / "a2-tiny-bf16");
    ASSERT_TRUE(a2.ok());
    const TensorInfo* router = a2->find("model.layers.7.block_sparse_moe.gate.weight");
    ASSERT_NE(router, nullptr);
    EXPECT_EQ(router->dtype, DType::f32);
    EXPECT_EQ(router->shape, (std::vector<int64_t>{4, 64}));
    EXPECT_EQ(a2->find("model.layers.7.self_attn.q_proj.weight")->dtype, DType::bf16);
}

TEST(WeightStore, HfNativeFolderHasTheDecayBuffers) {
    Result<WeightStore> ws = WeightStore::open(fixtures_dir() / "a3-hf-native" / "hf-native");
    ASSERT_TRUE(ws.ok()) << ws.status().to_string();
    EXPECT_EQ(ws->tensors().size(), 183u);
    int buffers = 0;
    for (const TensorInfo* t : ws->tensors()) {
        for (const char* b : {"slope_rate", "query_decay", "key_decay", "diagonal_decay"}) {
            buffers += t->name.find(std::string("self_attn.") + b) != std::string::npos;
        }
    }
    EXPECT_EQ(buffers, 28);
    EXPECT_EQ(ws->find("model.layers.0.self_attn.slope_rate")->shape, (std::vector<int64_t>{4, 1, 1}));
    EXPECT_EQ(ws->find("model.layers.0.self_attn.diagonal_decay")->shape, (std::vector<int64_t>{1, 4, 16, 16}));
    // The 155 learned tensors are bit-identical to the original-format file.
    Result<WeightStore> orig = WeightStore::open(fixtures_dir() / "a3-hf-native");
    ASSERT_TRUE(orig.ok());
    for (const TensorInfo* t : orig->tensors()) {
        const TensorInfo* n = ws->find(t->name);
        ASSERT_NE(n, nullptr) << t->name;
        ASSERT_EQ(n->n_bytes, t->n_bytes);
        EXPECT_EQ(std::memcmp(ws->data(*n), orig->data(*t), t->n_bytes), 0) << t->name;
    }
}

TEST(WeightStore, FingerprintIsStableAndTellsModelsApart) {
    Result<WeightStore> a1 = WeightStore::open(fixtures_dir() / "a1-tiny-hybrid");
    Result<WeightStore> a1_again = WeightStore::open(fixtures_dir() / "a1-tiny-hybrid" / "model.safetensors");
    Result<WeightStore> a2 = WeightStore::open(fixtures_dir() / "a2-tiny-bf16");
    ASSERT_TRUE(a1.ok() && a1_again.ok() && a2.ok());
    EXPECT_EQ(a1->fingerprint(), a1_again->fingerprint());
    EXPECT_NE(a1->fingerprint(), a2->fingerprint());
    // Same layout, different weights (a fine-tune): different fingerprint.
    fs::path dir = scratch_dir();
    write_shard(dir / "m1.safetensors", {"w"}, 1);
    write_shard(dir / "m2.safetensors", {"w"}, 2);
    EXPECT_NE(WeightStore::open(dir / "m1.safetensors")->fingerprint(),
              WeightStore::open(dir / "m2.safetensors")->fingerprint());
}

TEST(WeightStore, OpensShardedIndex) {
    fs::path dir = two_shard_model(scratch_dir());
    write_file(dir / "model.safetensors.index.json", index_json(kTwoShardMap, 3 * 24));
    for (const fs::path& p : {dir, dir / "model.safetensors.index.json"}) {
        Result<WeightStore> ws = WeightStore::open(p);
        ASSERT_TRUE(ws.ok()) << ws.status().to_string();
        EXPECT_EQ(ws->files().size(), 2u);
        EXPECT_EQ(ws->tensors().size(), 3u);
        EXPECT_EQ(ws->total_bytes(), 72u);
        EXPECT_TRUE(ws->warnings().empty());
        EXPECT_TRUE(ws->unlisted_tensors().empty());
        const TensorInfo* c = ws->find("c");
        ASSERT_NE(c, nullptr);
        EXPECT_EQ(c->shard, 1);
        EXPECT_EQ(ws->view(*c).f32()[5], 20.0f);
        EXPECT_EQ(ws->view(*ws->find("b")).f32()[0], 11.0f);
    }
}

TEST(WeightStore, UnlistedTensorsAreReportedAndHidden) {
    fs::path dir = scratch_dir();
    write_shard(dir / "s1.safetensors", {"a", "extra"});
    write_file(dir / "model.safetensors.index.json", index_json({{"a", "s1.safetensors"}}, 999));
    Result<WeightStore> ws = WeightStore::open(dir);
    ASSERT_TRUE(ws.ok()) << ws.status().to_string();
    EXPECT_EQ(ws->find("extra"), nullptr);
    EXPECT_EQ(ws->tensors().size(), 1u);
    EXPECT_EQ(ws->unlisted_tensors(), std::vector<std::string>{"extra"});
    ASSERT_EQ(ws->warnings().size(), 2u);  // the unlisted tensor, and total_size 999 != 24
    EXPECT_NE(ws->warnings()[1].find("total_size"), std::string::npos);
}

TEST(WeightStore, SameShardSpelledTwoWaysIsOneFile) {
    fs::path dir = scratch_dir();
    write_shard(dir / "s1.safetensors", {"a", "b"});
    write_file(dir / "model.safetensors.index.json", index_json({{"a", "s1.safetensors"}, {"b", "./s1.safetensors"}}));
    Result<WeightStore> ws = WeightStore::open(dir);
    ASSERT_TRUE(ws.ok()) << ws.status().to_string();
    EXPECT_EQ(ws->files().size(), 1u);
}

TEST(WeightStore, IndexErrors) {
    fs::path root = scratch_dir();
    auto model = [&](const std::string& name, const std::string& index) {
        fs::path dir = root / name;
        fs::create_directories(dir);
        two_shard_model(dir);
        write_file(dir / "model.safetensors.index.json", index);
        return dir;
    };
    auto with = [&](std::string tensor, std::string shard) {
        auto m = kTwoShardMap;
        m.emplace_back(std::move(tensor), std::move(shard));
        return index_json(m);
    };
    write_shard(root / "outside.safetensors", {"z"});

    EXPECT_EQ(open_code(model("dotdot", with("z", "../outside.safetensors"))), ErrorCode::path_escape);
    EXPECT_EQ(open_code(model("dotdot_inner", with("z", "sub/../../outside.safetensors"))), ErrorCode::path_escape);
    EXPECT_EQ(open_code(model("absolute", with("z", (root / "outside.safetensors").string()))), ErrorCode::path_escape);
    fs::path link = model("symlink_out", with("z", "link.safetensors"));
    fs::create_symlink(root / "outside.safetensors", link / "link.safetensors");
    EXPECT_EQ(open_code(link), ErrorCode::path_escape);
    fs::path link_dir = model("symlink_dir_out", with("z", "sub/outside.safetensors"));
    fs::create_directory_symlink(root, link_dir / "sub");
    EXPECT_EQ(open_code(link_dir), ErrorCode::path_escape);

    EXPECT_EQ(open_code(model("missing_shard", with("z", "model-00003-of-00003.safetensors"))), ErrorCode::not_found);
    EXPECT_EQ(open_code(model("missing_tensor", with("z", "model-00001-of-00002.safetensors"))), ErrorCode::not_found);
    EXPECT_EQ(open_code(model("not_json", "{\"weight_map\": ")), ErrorCode::bad_header);
    EXPECT_EQ(open_code(model("not_object", "[]")), ErrorCode::bad_header);
    EXPECT_EQ(open_code(model("no_weight_map", "{\"metadata\":{}}")), ErrorCode::bad_header);
    EXPECT_EQ(open_code(model("empty_weight_map", "{\"weight_map\":{}}")), ErrorCode::bad_header);
    EXPECT_EQ(open_code(model("shard_not_string", "{\"weight_map\":{\"a\":3}}")), ErrorCode::bad_header);
    EXPECT_EQ(open_code(model("dup_key", "{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\","
                                         "\"a\":\"model-00002-of-00002.safetensors\"}}")),
              ErrorCode::duplicate);
    // A broken shard is reported with the shard's own error code.
    fs::path bad = model("bad_shard", index_json(kTwoShardMap));
    write_file(bad / "model-00002-of-00002.safetensors", raw_safetensors("{}", 0, 1ull << 40));
    EXPECT_EQ(open_code(bad), ErrorCode::bad_header);

    // The same tensor in two shards.
    fs::path dup = root / "dup_across_shards";
    fs::create_directories(dup);
    write_shard(dup / "s1.safetensors", {"a", "b"});
    write_shard(dup / "s2.safetensors", {"b"});
    write_file(dup / "model.safetensors.index.json", index_json({{"a", "s1.safetensors"}, {"b", "s2.safetensors"}}));
    EXPECT_EQ(open_code(dup), ErrorCode::duplicate);
}

TEST(WeightStore, SingleFileSymlinkedOutsideIsRefused) {
    fs::path root = scratch_dir();
    write_shard(root / "elsewhere.safetensors", {"a"});
    fs::create_directories(root / "model");
    fs::create_symlink(root / "elsewhere.safetensors", root / "model" / "model.safetensors");
    EXPECT_EQ(open_code(root / "model"), ErrorCode::path_escape);
    // A symlink that stays inside the folder is fine.
    fs::create_directories(root / "model2" / "weights");
    write_shard(root / "model2" / "weights" / "w.safetensors", {"a"});
    fs::create_symlink("weights/w.safetensors", root / "model2" / "model.safetensors");
    EXPECT_TRUE(WeightStore::open(root / "model2").ok());
}

TEST(WeightStore, HubCacheBlobsAreAccepted) {
    // huggingface_hub's cache: snapshots/<rev>/<file> -> ../../blobs/<hash>.
    fs::path repo = scratch_dir() / "models--org--tiny";
    fs::create_directories(repo / "blobs");
    fs::create_directories(repo / "snapshots" / "abc123");
    write_shard(repo / "blobs" / "0f1e2d", {"a"});
    write_shard(repo / "blobs" / "9a8b7c", {"b"});
    write_file(repo / "blobs" / "5d5d5d", index_json({{"a", "s1.safetensors"}, {"b", "s2.safetensors"}}));
    fs::create_symlink("../../blobs/0f1e2d", repo / "snapshots" / "abc123" / "s1.safetensors");
    fs::create_symlink("../../blobs/9a8b7c", repo / "snapshots" / "abc123" / "s2.safetensors");
    fs::create_symlink("../../blobs/5d5d5d", repo / "snapshots" / "abc123" / "model.safetensors.index.json");
    Result<WeightStore> ws = WeightStore::open(repo / "snapshots" / "abc123");
    ASSERT_TRUE(ws.ok()) << ws.status().to_string();
    EXPECT_EQ(ws->tensors().size(), 2u);
}

TEST(WeightStore, RefusedFormats) {
    fs::path root = scratch_dir();
    for (const char* name : {"pytorch_model.bin", "model.pt", "model.pth", "model.ckpt", "model.onnx", "data.pkl"}) {
        fs::path dir = root / (std::string("only_") + name);
        fs::create_directories(dir);
        write_file(dir / name, std::string("\x80\x02}q\x00.", 6));
        write_file(dir / "config.json", std::string("{}"));
        Result<WeightStore> ws = WeightStore::open(dir);
        EXPECT_EQ(ws.status().code(), ErrorCode::unsupported) << name;
        EXPECT_NE(ws.status().message().find("onvert"), std::string::npos) << ws.status().message();
        EXPECT_NE(ws.status().message().find(name), std::string::npos) << ws.status().message();
        EXPECT_EQ(open_code(dir / name), ErrorCode::unsupported) << name;  // offered directly
    }
    // A pickle renamed to .safetensors is named for what it is.
    write_file(root / "fake.safetensors", std::string("\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01K\x01u.", 18));
    Result<WeightStore> fake = WeightStore::open(root / "fake.safetensors");
    EXPECT_EQ(fake.status().code(), ErrorCode::unsupported);
}

TEST(WeightStore, FoldersWithoutWeights) {
    fs::path root = scratch_dir();
    fs::create_directories(root / "empty");
    EXPECT_EQ(open_code(root / "empty"), ErrorCode::not_found);
    EXPECT_EQ(open_code(root / "does_not_exist"), ErrorCode::not_found);
    fs::create_directories(root / "other");
    write_shard(root / "other" / "consolidated.safetensors", {"a"});
    Result<WeightStore> ws = WeightStore::open(root / "other");
    EXPECT_EQ(ws.status().code(), ErrorCode::not_found);
    EXPECT_NE(ws.status().message().find("consolidated.safetensors"), std::string::npos);
    write_file(root / "notes.txt", std::string("hi"));
    EXPECT_EQ(open_code(root / "notes.txt"), ErrorCode::unsupported);
    // A dangling model.safetensors symlink.
    fs::create_directories(root / "dangling");
    fs::create_symlink("gone.safetensors", root / "dangling" / "model.safetensors");
    EXPECT_EQ(open_code(root / "dangling"), ErrorCode::not_found);
}

TEST(WeightStore, RankAboveTensorViewGivesEmptyView) {
    fs::path path = scratch_dir() / "r5.safetensors";
    std::vector<uint8_t> bytes(32, 1);
    std::vector<TensorToWrite> ts = {{"r5", DType::u8, {2, 2, 2, 2, 2}, bytes}};
    ASSERT_TRUE(write_safetensors(path, ts).ok());
    Result<WeightStore> ws = WeightStore::open(path);
    ASSERT_TRUE(ws.ok()) << ws.status().to_string();
    EXPECT_TRUE(ws->view(*ws->find("r5")).empty());
    EXPECT_EQ(ws->find("r5")->shape.size(), 5u);
}
